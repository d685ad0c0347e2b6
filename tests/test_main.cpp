#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "core/module/paho_module.hpp"

// This program is not beside mqchat-paho.so, where the loader looks; tell it where it is.
static const bool paho_module_path_set =
    (mqchat::set_paho_module_path(MQCHAT_TEST_PAHO_MODULE), true);
