// The test runner of the integration suite; the harness lives in the other files.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
