#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/store/files.hpp"
#include "core/wire/records.hpp"
#include "core/wire/topics.hpp"
#include "tests/fakes/fake_transport.hpp"

using mqchat::fakes::FakeBroker;
using mqchat::fakes::Machine;
using nlohmann::json;
namespace topics = mqchat::topics;

TEST_CASE("register claims the name, saves the profile and signs in", "[register]") {
  auto broker = std::make_shared<FakeBroker>();
  Machine m(broker);
  auto r = m.run({"register", "alice", "--phone", "+49 (30) 123-45"});
  REQUIRE(r.code == 0);
  CHECK(r.out == "registered 'alice' and signed in\n");
  CHECK(r.err.empty());

  auto record = broker->retained(topics::user("alice"));
  REQUIRE(record);
  CHECK(mqchat::decode_user(*record).phone == "+493012345");

  auto who = m.run({"whoami"});
  CHECK(who.code == 0);
  CHECK(who.out == "alice\n");

  SECTION("the profile is private and remembers the broker") {
    auto file = m.home() / "profiles" / "alice.yaml";
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK_THAT(mqchat::read_file(file).value(), Catch::Contains("mqtt://127.0.0.1:1883"));
  }
  SECTION("--json prints the profile object") {
    auto j = json::parse(m.run({"whoami", "--json"}).out);
    CHECK(j.at("name") == "alice");
    CHECK(j.at("phone") == "+493012345");
  }
}

TEST_CASE("register --json prints the profile", "[register]") {
  auto broker = std::make_shared<FakeBroker>();
  Machine m(broker);
  auto r = m.run({"register", "bob", "--json"});
  REQUIRE(r.code == 0);
  auto j = json::parse(r.out);
  CHECK(j.at("name") == "bob");
  CHECK_FALSE(j.contains("phone"));
  CHECK(j.at("registered_at").is_string());
}

TEST_CASE("register refuses a name that is taken, with its date", "[register]") {
  auto broker = std::make_shared<FakeBroker>();
  Machine first(broker);
  Machine second(broker);
  REQUIRE(first.run({"register", "alice"}).code == 0);
  auto registered_at = mqchat::decode_user(*broker->retained(topics::user("alice"))).registered_at;
  auto r = second.run({"register", "alice"});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("taken") && Catch::Contains(registered_at));
  CHECK(second.run({"whoami"}).code == 3);
  CHECK(mqchat::decode_user(*broker->retained(topics::user("alice"))).registered_at ==
        registered_at);
}

TEST_CASE("register refuses bad input before connecting", "[register]") {
  auto broker = std::make_shared<FakeBroker>();
  Machine m(broker);
  std::vector<std::string> args;
  SECTION("a name with a slash") { args = {"register", "a/b"}; }
  SECTION("a wildcard") { args = {"register", "#"}; }
  SECTION("a name starting with a dot") { args = {"register", ".x"}; }
  SECTION("a name too long") { args = {"register", std::string(33, 'a')}; }
  SECTION("a phone with letters") { args = {"register", "alice", "--phone", "call me"}; }
  SECTION("a phone too short") { args = {"register", "alice", "--phone", "12"}; }
  auto r = m.run(args);
  CHECK(r.code == 2);
  CHECK(broker->connects().empty());
  CHECK(broker->publishes().empty());
}

TEST_CASE("register with the broker down exits 4 and saves nothing", "[register]") {
  auto broker = std::make_shared<FakeBroker>();
  broker->refuse_connect = true;
  Machine m(broker);
  CHECK(m.run({"register", "alice"}).code == 4);
  CHECK_FALSE(std::filesystem::exists(m.home() / "profiles" / "alice.yaml"));
}

TEST_CASE("a message sent right after register reaches the first listen", "[register]") {
  auto broker = std::make_shared<FakeBroker>();
  Machine alice(broker);
  Machine bob(broker);
  REQUIRE(bob.run({"register", "bob"}).code == 0);
  REQUIRE(alice.run({"register", "alice"}).code == 0);
  REQUIRE(alice.run({"send", "bob", "welcome"}).code == 0);
  auto r = bob.run({"listen", "--count", "1", "--timeout", "5"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("welcome"));
}
