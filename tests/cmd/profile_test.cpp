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
  Fixture() {
    REQUIRE(m.run({"register", "alice", "--phone", "+15551234"}).code == 0);
    REQUIRE(m.run({"register", "bob"}).code == 0);  // current
  }
};

}  // namespace

TEST_CASE("profile list shows the local profiles and marks the current one", "[profile]") {
  Fixture f;
  auto before = f.broker->connects().size();
  auto r = f.m.run({"profile", "list"});
  CHECK(r.code == 0);
  CHECK(r.out == "  alice\n* bob\n");
  auto j = f.m.run({"--json", "profile", "list"});
  CHECK(j.out.find("\"current\":true") != std::string::npos);
  CHECK_THAT(j.out, Catch::Contains("\"phone\":\"+15551234\""));
  SECTION("--profile decides which one is current for this command") {
    CHECK(f.m.run({"--profile", "alice", "profile", "list"}).out == "* alice\n  bob\n");
  }
  CHECK(f.broker->connects().size() == before);  // local only
}

TEST_CASE("profile use switches the current profile", "[profile]") {
  Fixture f;
  auto r = f.m.run({"--json", "profile", "use", "alice"});
  CHECK(r.code == 0);
  CHECK(json::parse(r.out) == json{{"name", "alice"}, {"current", true}});
  CHECK(f.m.run({"whoami"}).out == "alice\n");
  CHECK(f.m.run({"profile", "list"}).out == "* alice\n  bob\n");
}

TEST_CASE("profile use of an unknown profile exits 3 with a hint to log in", "[profile]") {
  Fixture f;
  auto r = f.m.run({"profile", "use", "carol"});
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Catch::Contains("'carol'") && Catch::Contains("mqchat login carol"));
  CHECK(f.m.run({"whoami"}).out == "bob\n");  // unchanged
  CHECK(f.m.run({"profile", "use", "#"}).code == 2);
}

TEST_CASE("profile use warns when MQCHAT_PROFILE still wins", "[profile]") {
  Fixture f;
  f.m.env["MQCHAT_PROFILE"] = "bob";
  auto r = f.m.run({"profile", "use", "alice"});
  CHECK(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("MQCHAT_PROFILE"));
}

TEST_CASE("__complete lists local profiles and config keys without the network", "[profile]") {
  Fixture f;
  auto before = f.broker->connects().size();
  CHECK(f.m.run({"__complete", "profiles"}).out == "alice\nbob\n");
  auto keys = f.m.run({"__complete", "keys"}).out;
  CHECK(keys ==
        "broker\nqos\nconnect_timeout\nmax_text_bytes\nsession_"
        "expiry\ncafile\ncert\nkey\ninsecure\nencryption\nrequire_encryption\nverified_"
        "only\nprofile\n");
  CHECK(f.broker->connects().size() == before);
}
