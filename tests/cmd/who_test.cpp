#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/wire/records.hpp"
#include "core/wire/topics.hpp"
#include "tests/fakes/fake_transport.hpp"

using mqchat::fakes::FakeBroker;
using mqchat::fakes::json_lines;
using mqchat::fakes::Machine;
using nlohmann::json;
namespace topics = mqchat::topics;

namespace {

constexpr const char* kTime = "2026-11-25T13:32:07.123Z";

// Three users in the directory: alice online, bob offline, carol never seen.
struct Fixture {
  std::shared_ptr<FakeBroker> broker = std::make_shared<FakeBroker>();
  Machine m{broker};

  Fixture() {
    auto user = [&](const std::string& name, const std::string& phone) {
      broker->publish_from_outside(topics::user(name),
                                   mqchat::encode(mqchat::UserRecord{name, phone, kTime}), 1, true);
    };
    user("carol", "");
    user("alice", "+4930123");
    user("bob", "");
    broker->publish_from_outside(topics::presence("alice"),
                                 mqchat::encode(mqchat::PresenceRecord{true, kTime}), 1, true);
    broker->publish_from_outside(
        topics::presence("bob"),
        mqchat::encode(mqchat::PresenceRecord{false, "2026-11-24T10:00:00Z"}), 1, true);
  }
};

}  // namespace

TEST_CASE("who --json lists users with online flags, sorted", "[who]") {
  Fixture f;
  auto r = f.m.run({"who", "--json"});
  REQUIRE(r.code == 0);
  auto users = json_lines(r.out);
  REQUIRE(users.size() == 3);
  CHECK(users[0].at("name") == "alice");
  CHECK(users[0].at("online") == true);
  CHECK(users[0].at("phone") == "+4930123");
  CHECK(users[0].at("registered_at") == kTime);
  CHECK(users[0].at("last_seen") == kTime);
  CHECK(users[1].at("name") == "bob");
  CHECK(users[1].at("online") == false);
  CHECK(users[1].at("last_seen") == "2026-11-24T10:00:00Z");
  CHECK_FALSE(users[1].contains("phone"));
  CHECK(users[2].at("name") == "carol");
  CHECK(users[2].at("online") == false);
  CHECK(users[2].at("last_seen").is_null());
}

TEST_CASE("who --online lists only online users", "[who]") {
  Fixture f;
  auto r = f.m.run({"who", "--online", "--json"});
  REQUIRE(r.code == 0);
  auto users = json_lines(r.out);
  REQUIRE(users.size() == 1);
  CHECK(users[0].at("name") == "alice");
}

TEST_CASE("who prints a table for people", "[who]") {
  Fixture f;
  auto r = f.m.run({"who"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("NAME"));
  CHECK_THAT(r.out, Catch::Contains("alice") && Catch::Contains("online") &&
                        Catch::Contains("+4930123") && Catch::Contains("never"));
}

TEST_CASE("who needs no account and uses a one-shot connection", "[who]") {
  Fixture f;
  REQUIRE(f.m.run({"who", "--json"}).code == 0);
  auto c = f.broker->connects();
  REQUIRE(c.size() == 1);
  CHECK(c[0].clean_start);
  CHECK(f.broker->retained_topics().size() == 5);  // read only, nothing published retained
}

TEST_CASE("who shows a user right after register", "[who]") {
  auto broker = std::make_shared<FakeBroker>();
  Machine m(broker);
  REQUIRE(m.run({"register", "dave"}).code == 0);
  auto users = json_lines(m.run({"who", "--json"}).out);
  REQUIRE(users.size() == 1);
  CHECK(users[0].at("name") == "dave");
  CHECK(users[0].at("online") == false);
}

TEST_CASE("who skips a malformed record with a warning", "[who]") {
  Fixture f;
  f.broker->publish_from_outside(topics::user("eve"), "garbage", 1, true);
  auto r = f.m.run({"who", "--json"});
  REQUIRE(r.code == 0);
  CHECK(json_lines(r.out).size() == 3);
  CHECK_THAT(r.err, Catch::Contains("warning") && Catch::Contains("users/eve"));
  SECTION("--quiet silences the warning") {
    auto q = f.m.run({"who", "--json", "-q"});
    CHECK(q.err.empty());
  }
}

TEST_CASE("who with the broker down exits 4", "[who]") {
  Fixture f;
  f.broker->refuse_connect = true;
  CHECK(f.m.run({"who"}).code == 4);
}
