#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/fakes/fake_transport.hpp"

using mqchat::fakes::FakeBroker;
using mqchat::fakes::Machine;
using nlohmann::json;

namespace {

struct Fixture {
  std::shared_ptr<FakeBroker> broker = std::make_shared<FakeBroker>();
  Machine m{broker};
  Fixture() { m.env.erase("MQCHAT_BROKER"); }

  // The "key" object of `config list --json`.
  json listed(const std::string& key, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--json", "config", "list"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = m.run(args);
    REQUIRE(r.code == 0);
    std::size_t start = 0;
    while (start < r.out.size()) {
      auto end = r.out.find('\n', start);
      auto j = json::parse(r.out.substr(start, end - start));
      if (j.at("key") == key) return j;
      start = end + 1;
    }
    FAIL("no key " << key << " in " << r.out);
    return {};
  }
};

}  // namespace

TEST_CASE("config list shows every key with its value and source", "[config]") {
  Fixture f;
  auto r = f.m.run({"config", "list"});
  REQUIRE(r.code == 0);
  for (auto key :
       {"broker", "qos", "connect_timeout", "max_text_bytes", "session_expiry", "profile"}) {
    CHECK_THAT(r.out, Catch::Contains(key));
  }
  CHECK_THAT(r.out, Catch::Contains("mqtt://127.0.0.1:1883"));
  CHECK(f.listed("qos") == json{{"key", "qos"}, {"value", "1"}, {"source", "default"}});
  CHECK(f.listed("profile").at("value") == "");
  CHECK(f.broker->connects().empty());  // config never touches the network
}

TEST_CASE("config set stores a checked value that get and list then report", "[config]") {
  Fixture f;
  REQUIRE(f.m.run({"config", "set", "qos", "2"}).code == 0);
  auto get = f.m.run({"config", "get", "qos"});
  CHECK(get.code == 0);
  CHECK(get.out == "2\n");
  CHECK(f.listed("qos").at("source") == "config");

  SECTION("a flag wins over config.yaml") {
    CHECK(f.listed("qos", {"--qos", "0"}) ==
          json{{"key", "qos"}, {"value", "0"}, {"source", "flag"}});
  }
  SECTION("the environment wins over config.yaml") {
    REQUIRE(f.m.run({"config", "set", "broker", "mqtt://a.example:1883"}).code == 0);
    f.m.env["MQCHAT_BROKER"] = "mqtt://b.example:1883";
    CHECK(f.listed("broker") ==
          json{{"key", "broker"}, {"value", "mqtt://b.example:1883"}, {"source", "env"}});
  }
  SECTION("unset falls back to the default") {
    auto r = f.m.run({"--json", "config", "unset", "qos"});
    CHECK(r.code == 0);
    CHECK(json::parse(r.out) == json{{"key", "qos"}, {"stored_in", "config"}, {"changed", true}});
    CHECK(f.listed("qos").at("source") == "default");
  }
  SECTION("commands use the stored value") {
    REQUIRE(f.m.run({"register", "alice"}).code == 0);
    REQUIRE(f.m.run({"register", "bob"}).code == 0);
    REQUIRE(f.m.run({"--profile", "alice", "send", "bob", "hi"}).code == 0);
    auto pubs = f.broker->published_to("mqchat/v1/inbox/bob/alice");
    REQUIRE(pubs.size() == 1);
    CHECK(pubs[0].qos == 2);
  }
}

TEST_CASE("config set refuses a bad value naming the key and what it accepts", "[config]") {
  Fixture f;
  struct Case {
    const char* key;
    const char* value;
    const char* says;
  };
  for (auto c : {Case{"qos", "7", "use 0, 1 or 2"}, Case{"connect_timeout", "soon", "seconds"},
                 Case{"broker", "http://x", "mqtt://"}, Case{"max_text_bytes", "0", "1 to"},
                 Case{"session_expiry", "10", "from 60"}}) {
    INFO(c.key << " " << c.value);
    auto r = f.m.run({"config", "set", c.key, c.value});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains(c.key) && Catch::Contains(c.says));
  }
  CHECK(f.listed("qos").at("source") == "default");  // nothing was stored
}

TEST_CASE("config refuses an unknown key and lists the keys", "[config]") {
  Fixture f;
  for (auto args : {std::vector<std::string>{"config", "get", "colour"},
                    std::vector<std::string>{"config", "set", "colour", "red"},
                    std::vector<std::string>{"config", "unset", "colour"}}) {
    auto r = f.m.run(args);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("'colour'") && Catch::Contains("broker, qos") &&
                          Catch::Contains("profile"));
  }
}

TEST_CASE("config set --in-profile overrides config.yaml for that profile only", "[config]") {
  Fixture f;
  REQUIRE(f.m.run({"register", "alice"}).code == 0);
  REQUIRE(f.m.run({"config", "set", "qos", "2"}).code == 0);
  REQUIRE(f.m.run({"config", "set", "--in-profile", "qos", "0"}).code == 0);
  CHECK(f.listed("qos") == json{{"key", "qos"}, {"value", "0"}, {"source", "profile"}});
  REQUIRE(f.m.run({"register", "bob"}).code == 0);  // bob is current now
  CHECK(f.listed("qos") == json{{"key", "qos"}, {"value", "2"}, {"source", "config"}});
}

TEST_CASE("config set profile switches the current profile, unknown ones exit 3", "[config]") {
  Fixture f;
  REQUIRE(f.m.run({"register", "alice"}).code == 0);
  REQUIRE(f.m.run({"register", "bob"}).code == 0);
  REQUIRE(f.m.run({"config", "set", "profile", "alice"}).code == 0);
  CHECK(f.m.run({"whoami"}).out == "alice\n");
  auto r = f.m.run({"config", "set", "profile", "carol"});
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Catch::Contains("mqchat login carol"));
  CHECK(f.m.run({"config", "set", "profile", "no/slash"}).code == 2);
  REQUIRE(f.m.run({"config", "unset", "profile"}).code == 0);
  CHECK(f.m.run({"whoami"}).code == 3);
}
