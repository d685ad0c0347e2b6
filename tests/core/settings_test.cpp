#include "core/store/settings.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/wire/error.hpp"

using mqchat::SettingLayer;

namespace {

using Layers = std::vector<std::pair<std::string, SettingLayer>>;

SettingLayer layer(std::map<std::string, std::string> values) {
  return [values](const std::string& key) -> std::optional<std::string> {
    auto it = values.find(key);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

std::string usage_message(const Layers& layers) {
  try {
    mqchat::resolve_settings(layers);
  } catch (const mqchat::Error& e) {
    CHECK(e.code() == mqchat::ExitCode::usage);
    return e.what();
  }
  FAIL("no usage error");
  return {};
}

}  // namespace

TEST_CASE("with no layers every setting has its default", "[settings]") {
  auto s = mqchat::resolve_settings({});
  CHECK(s.brokers == std::vector<std::string>{"mqtt://127.0.0.1:1883"});
  CHECK(s.qos == 1);
  CHECK(s.connect_timeout == mqchat::Millis(5000));
  CHECK(s.max_text_bytes == 65536);
  CHECK(s.session_expiry_seconds == 30u * 24 * 3600);
}

TEST_CASE("the first layer that has a key wins, per key", "[settings]") {
  Layers layers{
      {"the command line", layer({{"qos", "2"}})},
      {"the environment", layer({{"broker", "mqtt://env:1883"}, {"qos", "0"}})},
      {"the profile", layer({{"broker", "mqtt://profile:1883"}, {"connect_timeout", "0.5"}})},
      {"config.yaml", layer({{"connect_timeout", "9"}, {"max_text_bytes", "100"}})}};
  auto s = mqchat::resolve_settings(layers);
  CHECK(s.qos == 2);
  CHECK(s.brokers == std::vector<std::string>{"mqtt://env:1883"});
  CHECK(s.connect_timeout == mqchat::Millis(500));
  CHECK(s.max_text_bytes == 100);
  CHECK(s.session_expiry_seconds == 30u * 24 * 3600);
}

TEST_CASE("a broker list keeps its order", "[settings]") {
  auto s =
      mqchat::resolve_settings({{"config.yaml", layer({{"broker", "mqtt://b:1,mqtt://a:2"}})}});
  REQUIRE(s.brokers.size() == 2);
  CHECK(s.brokers[0].find("b") != std::string::npos);
  CHECK(s.brokers[1].find("a") != std::string::npos);
}

TEST_CASE("a bad value names the key, the value and its source", "[settings]") {
  SECTION("qos") {
    auto msg = usage_message({{"the environment", layer({{"qos", "3"}})}});
    CHECK_THAT(msg, Catch::Contains("qos") && Catch::Contains("'3'") &&
                        Catch::Contains("the environment"));
  }
  SECTION("qos that is not a number") {
    auto msg = usage_message({{"config.yaml", layer({{"qos", "one"}})}});
    CHECK_THAT(msg, Catch::Contains("qos") && Catch::Contains("config.yaml"));
  }
  SECTION("connect_timeout of zero") {
    auto msg = usage_message({{"the profile", layer({{"connect_timeout", "0"}})}});
    CHECK_THAT(msg, Catch::Contains("connect_timeout") && Catch::Contains("the profile"));
  }
  SECTION("connect_timeout with trailing junk") {
    auto msg = usage_message({{"config.yaml", layer({{"connect_timeout", "5s"}})}});
    CHECK_THAT(msg, Catch::Contains("connect_timeout") && Catch::Contains("'5s'"));
  }
  SECTION("connect_timeout that is not finite") {
    auto msg = usage_message({{"config.yaml", layer({{"connect_timeout", "inf"}})}});
    CHECK_THAT(msg, Catch::Contains("connect_timeout"));
  }
  SECTION("max_text_bytes of zero") {
    auto msg = usage_message({{"config.yaml", layer({{"max_text_bytes", "0"}})}});
    CHECK_THAT(msg, Catch::Contains("max_text_bytes") && Catch::Contains("config.yaml"));
  }
  SECTION("a negative max_text_bytes") {
    auto msg = usage_message({{"config.yaml", layer({{"max_text_bytes", "-5"}})}});
    CHECK_THAT(msg, Catch::Contains("max_text_bytes"));
  }
  SECTION("session_expiry below a minute") {
    auto msg = usage_message({{"the command line", layer({{"session_expiry", "59"}})}});
    CHECK_THAT(msg, Catch::Contains("session_expiry") && Catch::Contains("the command line"));
  }
  SECTION("a broker URL of an unknown scheme") {
    auto msg = usage_message({{"the environment", layer({{"broker", "http://x:80"}})}});
    CHECK_THAT(msg, Catch::Contains("the environment"));
  }
}

TEST_CASE("a bad value in a lower layer is not looked at when a higher one wins", "[settings]") {
  auto s = mqchat::resolve_settings(
      {{"the command line", layer({{"qos", "0"}})}, {"config.yaml", layer({{"qos", "banana"}})}});
  CHECK(s.qos == 0);
}

TEST_CASE("setting_keys and default_setting agree", "[settings]") {
  for (const auto& key : mqchat::setting_keys()) {
    INFO(key);
    CHECK_NOTHROW(mqchat::default_setting(key));
  }
  CHECK_THROWS_AS(mqchat::default_setting("colour"), mqchat::Error);
  CHECK(mqchat::default_setting("qos") == "1");
}
