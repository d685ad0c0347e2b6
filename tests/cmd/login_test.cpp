#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/wire/records.hpp"
#include "core/wire/topics.hpp"
#include "tests/fakes/fake_transport.hpp"

using mqchat::fakes::FakeBroker;
using mqchat::fakes::Machine;
using nlohmann::json;
namespace topics = mqchat::topics;

namespace {

// alice registered on her laptop, with a phone number.
struct Fixture {
  std::shared_ptr<FakeBroker> broker = std::make_shared<FakeBroker>();
  Machine laptop{broker};
  Machine phone{broker};

  Fixture() { REQUIRE(laptop.run({"register", "alice", "--phone", "+4930123"}).code == 0); }
};

}  // namespace

TEST_CASE("login on a new machine works from the directory alone", "[login]") {
  Fixture f;
  auto r = f.phone.run({"login", "alice", "--phone", "+49 30 123"});
  REQUIRE(r.code == 0);
  CHECK(r.out == "signed in as 'alice'\n");
  auto j = json::parse(f.phone.run({"whoami", "--json"}).out);
  CHECK(j.at("name") == "alice");
  CHECK(j.at("phone") == "+4930123");

  SECTION("with a session of its own and the laptop's key, so both machines read") {
    auto connects = f.broker->connects();
    REQUIRE(connects.size() == 2);
    CHECK(connects[0].client_id != connects[1].client_id);
    CHECK_FALSE(connects[1].clean_start);
    auto exported = f.laptop.run({"key", "export"});
    REQUIRE(exported.code == 0);
    REQUIRE(f.phone.run({"login", "alice", "--phone", "+4930123", "--key-file", "-"}, exported.out)
                .code == 0);
    CHECK(f.phone.run({"key"}).out == f.laptop.run({"key"}).out);
    Machine bob(f.broker);
    REQUIRE(bob.run({"register", "bob"}).code == 0);
    REQUIRE(bob.run({"send", "alice", "to both"}).code == 0);
    CHECK_THAT(f.phone.run({"listen", "--count", "1", "--timeout", "5"}).out,
               Catch::Contains("to both"));
    CHECK_THAT(f.laptop.run({"listen", "--count", "1", "--timeout", "5"}).out,
               Catch::Contains("to both"));
  }
}

TEST_CASE("a login without the key file makes a new key: the old machine cannot read", "[login]") {
  Fixture f;
  auto r = f.phone.run({"login", "alice", "--phone", "+4930123"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("new identity key"));
  CHECK(f.phone.run({"key"}).out != f.laptop.run({"key"}).out);
  Machine bob(f.broker);
  REQUIRE(bob.run({"register", "bob"}).code == 0);
  REQUIRE(bob.run({"send", "alice", "for the new key"}).code == 0);
  CHECK_THAT(f.phone.run({"listen", "--count", "1", "--timeout", "5"}).out,
             Catch::Contains("for the new key"));
  auto old = f.laptop.run({"listen", "--count", "1", "--timeout", "0.5"});
  CHECK(old.code == 5);
  CHECK(old.out.empty());
  CHECK_THAT(old.err, Catch::Contains("cannot be decrypted"));
}

TEST_CASE("login checks the phone number", "[login]") {
  Fixture f;
  SECTION("a wrong number") {
    auto r = f.phone.run({"login", "alice", "--phone", "+4999"});
    CHECK(r.code == 3);
    CHECK_THAT(r.err, Catch::Contains("phone"));
  }
  SECTION("no number") {
    auto r = f.phone.run({"login", "alice"});
    CHECK(r.code == 3);
    CHECK_THAT(r.err, Catch::Contains("--phone"));
  }
  SECTION("an invalid number is a usage error before connecting") {
    auto before = f.broker->connects().size();
    CHECK(f.phone.run({"login", "alice", "--phone", "abc"}).code == 2);
    CHECK(f.broker->connects().size() == before);
  }
  CHECK(f.phone.run({"whoami"}).code == 3);
}

TEST_CASE("login of an unknown user exits 3 with a hint to register", "[login]") {
  Fixture f;
  auto r = f.phone.run({"login", "zed"});
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Catch::Contains("mqchat register zed"));
}

TEST_CASE("login on the machine that has the profile keeps its session", "[login]") {
  Fixture f;
  REQUIRE(f.laptop.run({"logout"}).code == 0);
  CHECK(f.laptop.run({"whoami"}).code == 3);
  auto client_id = f.broker->connects().at(0).client_id;
  REQUIRE(f.laptop.run({"login", "alice", "--phone", "+4930123"}).code == 0);
  CHECK(f.broker->connects().back().clean_start);  // a one-shot check, not the session
  CHECK(f.broker->connects().back().client_id != client_id);
  CHECK(f.laptop.run({"whoami"}).out == "alice\n");
}

TEST_CASE("logout marks the user offline and forgets the selection", "[login]") {
  Fixture f;
  auto r = f.laptop.run({"logout", "--json"});
  REQUIRE(r.code == 0);
  auto j = json::parse(r.out);
  CHECK(j.at("name") == "alice");
  CHECK(j.at("signed_in") == false);
  auto presence = f.broker->retained(topics::presence("alice"));
  REQUIRE(presence);
  CHECK_FALSE(mqchat::decode_presence(*presence).online);
  CHECK(f.laptop.run({"send", "alice", "hi"}).code == 3);
}

TEST_CASE("logout with the broker down still signs out, with a warning", "[login]") {
  Fixture f;
  f.broker->refuse_connect = true;
  auto r = f.laptop.run({"logout"});
  CHECK(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("warning") && Catch::Contains("offline"));
  CHECK(f.laptop.run({"whoami"}).code == 3);
}
