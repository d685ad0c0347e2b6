#include "core/wire/broker_url.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/wire/error.hpp"

using mqchat::ExitCode;
using Urls = std::vector<std::string>;

namespace {

// The exit code of the Error that parse_broker_list throws for VALUE; fails when none is thrown.
ExitCode refusal_of(const std::string& value) {
  INFO("value: '" << value << "'");
  try {
    mqchat::parse_broker_list(value);
  } catch (const mqchat::Error& e) {
    return e.code();
  }
  FAIL("no mqchat::Error was thrown");
  return ExitCode::ok;
}

}  // namespace

TEST_CASE("a single broker URL is accepted as given", "[broker_url]") {
  SECTION("mqtt:// with a host") {
    CHECK(mqchat::parse_broker_list("mqtt://localhost") == Urls{"mqtt://localhost"});
  }
  SECTION("mqtt:// with a host and port") {
    CHECK(mqchat::parse_broker_list("mqtt://127.0.0.1:1883") == Urls{"mqtt://127.0.0.1:1883"});
  }
  SECTION("mqtts:// with a port") {
    CHECK(mqchat::parse_broker_list("mqtts://broker.example:8883") ==
          Urls{"mqtts://broker.example:8883"});
  }
  SECTION("the tcp:// and ssl:// aliases") {
    CHECK(mqchat::parse_broker_list("tcp://h:1") == Urls{"tcp://h:1"});
    CHECK(mqchat::parse_broker_list("ssl://h:65535") == Urls{"ssl://h:65535"});
  }
  SECTION("a bracketed IPv6 address") {
    CHECK(mqchat::parse_broker_list("mqtt://[::1]:1883") == Urls{"mqtt://[::1]:1883"});
    CHECK(mqchat::parse_broker_list("mqtts://[fe80::1]") == Urls{"mqtts://[fe80::1]"});
  }
  SECTION("a trailing slash") {
    CHECK(mqchat::parse_broker_list("mqtt://localhost/") == Urls{"mqtt://localhost/"});
  }
  SECTION("surrounding spaces are trimmed") {
    CHECK(mqchat::parse_broker_list("  mqtt://localhost  ") == Urls{"mqtt://localhost"});
  }
}

TEST_CASE("a comma-separated broker list keeps its order", "[broker_url]") {
  SECTION("without spaces") {
    CHECK(mqchat::parse_broker_list("mqtt://a:1883,mqtt://b:1884,mqtts://c") ==
          (Urls{"mqtt://a:1883", "mqtt://b:1884", "mqtts://c"}));
  }
  SECTION("with spaces around the commas") {
    CHECK(mqchat::parse_broker_list("mqtt://a:1883 , mqtt://b:1884,  tcp://[::1]:1885 ") ==
          (Urls{"mqtt://a:1883", "mqtt://b:1884", "tcp://[::1]:1885"}));
  }
}

TEST_CASE("a broker URL is rewritten into paho's form", "[broker_url]") {
  SECTION("default ports are filled in") {
    CHECK(mqchat::to_paho_uri("mqtt://localhost") == "tcp://localhost:1883");
    CHECK(mqchat::to_paho_uri("mqtts://broker.example") == "ssl://broker.example:8883");
    CHECK(mqchat::to_paho_uri("tcp://h") == "tcp://h:1883");
    CHECK(mqchat::to_paho_uri("ssl://h") == "ssl://h:8883");
  }
  SECTION("given ports are kept") {
    CHECK(mqchat::to_paho_uri("mqtt://127.0.0.1:11883") == "tcp://127.0.0.1:11883");
    CHECK(mqchat::to_paho_uri("mqtts://h:443") == "ssl://h:443");
    CHECK(mqchat::to_paho_uri("mqtt://h:8883") == "tcp://h:8883");
  }
  SECTION("IPv6 keeps its brackets") {
    CHECK(mqchat::to_paho_uri("mqtt://[::1]:1883") == "tcp://[::1]:1883");
    CHECK(mqchat::to_paho_uri("mqtts://[::1]") == "ssl://[::1]:8883");
  }
  SECTION("a trailing slash is dropped") {
    CHECK(mqchat::to_paho_uri("mqtt://localhost/") == "tcp://localhost:1883");
  }
  SECTION("every item of a parsed list converts") {
    Urls paho;
    for (const auto& url : mqchat::parse_broker_list("mqtt://a, mqtts://b:9000")) {
      paho.push_back(mqchat::to_paho_uri(url));
    }
    CHECK(paho == (Urls{"tcp://a:1883", "ssl://b:9000"}));
  }
}

TEST_CASE("a malformed broker URL is refused with a usage error", "[broker_url]") {
  SECTION("no scheme") {
    CHECK(refusal_of("localhost") == ExitCode::usage);
    CHECK(refusal_of("localhost:1883") == ExitCode::usage);
  }
  SECTION("another scheme") {
    CHECK(refusal_of("http://localhost") == ExitCode::usage);
    CHECK(refusal_of("ws://localhost:9001") == ExitCode::usage);
    CHECK(refusal_of("://localhost") == ExitCode::usage);
  }
  SECTION("no host") {
    CHECK(refusal_of("mqtt://") == ExitCode::usage);
    CHECK(refusal_of("mqtt://:1883") == ExitCode::usage);
  }
  SECTION("port 0") { CHECK(refusal_of("mqtt://localhost:0") == ExitCode::usage); }
  SECTION("port 65536") { CHECK(refusal_of("mqtt://localhost:65536") == ExitCode::usage); }
  SECTION("a huge port") { CHECK(refusal_of("mqtt://localhost:99999999999") == ExitCode::usage); }
  SECTION("a port that is not a number") {
    CHECK(refusal_of("mqtt://localhost:abc") == ExitCode::usage);
    CHECK(refusal_of("mqtt://localhost:-1") == ExitCode::usage);
    CHECK(refusal_of("mqtt://localhost:18 83") == ExitCode::usage);
  }
  SECTION("a colon with no port") { CHECK(refusal_of("mqtt://localhost:") == ExitCode::usage); }
  SECTION("a path") {
    CHECK(refusal_of("mqtt://localhost/mqtt") == ExitCode::usage);
    CHECK(refusal_of("mqtt://localhost:1883/a/b") == ExitCode::usage);
  }
  SECTION("credentials in the URL") {
    CHECK(refusal_of("mqtt://user:pw@localhost") == ExitCode::usage);
  }
  SECTION("IPv6 without its closing bracket") {
    CHECK(refusal_of("mqtt://[::1:1883") == ExitCode::usage);
  }
  SECTION("junk after an IPv6 address") {
    CHECK(refusal_of("mqtt://[::1]1883") == ExitCode::usage);
  }
  SECTION("a space inside the host") { CHECK(refusal_of("mqtt://local host") == ExitCode::usage); }
}

TEST_CASE("a broker list with an empty item is refused", "[broker_url]") {
  SECTION("an empty value") { CHECK(refusal_of("") == ExitCode::usage); }
  SECTION("only spaces") { CHECK(refusal_of("   ") == ExitCode::usage); }
  SECTION("two commas") { CHECK(refusal_of("mqtt://a,,mqtt://b") == ExitCode::usage); }
  SECTION("a trailing comma") { CHECK(refusal_of("mqtt://a,") == ExitCode::usage); }
  SECTION("a leading comma") { CHECK(refusal_of(",mqtt://a") == ExitCode::usage); }
  SECTION("a blank item between commas") {
    CHECK(refusal_of("mqtt://a, ,mqtt://b") == ExitCode::usage);
  }
}

TEST_CASE("one bad URL refuses the whole list and is named in the error", "[broker_url]") {
  CHECK(refusal_of("mqtt://a:1883, http://b") == ExitCode::usage);
  CHECK_THROWS_WITH(mqchat::parse_broker_list("mqtt://a:1883,mqtt://b:70000"),
                    Catch::Contains("mqtt://b:70000"));
}

TEST_CASE("to_paho_uri refuses a malformed URL with a usage error", "[broker_url]") {
  for (const char* url : {"localhost", "http://h", "mqtt://h:0", "mqtt://h/x", "mqtt://"}) {
    INFO(url);
    try {
      mqchat::to_paho_uri(url);
      FAIL("no error");
    } catch (const mqchat::Error& e) {
      CHECK(e.code() == ExitCode::usage);
    }
  }
}
