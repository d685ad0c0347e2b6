#include "core/chat/directory.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/wire/error.hpp"
#include "core/wire/records.hpp"
#include "core/wire/topics.hpp"
#include "tests/fakes/fake_transport.hpp"

using mqchat::DirectoryReader;
using mqchat::IncomingMessage;
using mqchat::Millis;
using mqchat::fakes::FakeBroker;
using mqchat::fakes::FakeTransport;
namespace topics = mqchat::topics;

namespace {

constexpr const char* kTime = "2026-11-25T13:32:07.123Z";

std::string user_record(const std::string& name, const std::string& phone = "") {
  return mqchat::encode(mqchat::UserRecord{name, phone, kTime});
}

std::string presence_record(bool online) {
  return mqchat::encode(mqchat::PresenceRecord{online, kTime});
}

// One connected reader over a fake broker, collecting warnings and other messages.
struct Fixture {
  std::shared_ptr<FakeBroker> broker = std::make_shared<FakeBroker>();
  FakeTransport transport{broker};
  std::vector<std::string> warnings;
  std::vector<IncomingMessage> others;

  Fixture() {
    mqchat::ConnectOptions o;
    o.client_id = "reader";
    transport.connect(o);
  }

  DirectoryReader reader(Millis timeout = Millis(2000)) {
    return DirectoryReader{transport, "alice", timeout,
                           [this](const std::string& w) { warnings.push_back(w); },
                           [this](IncomingMessage m) { others.push_back(std::move(m)); }};
  }
};

// Loses the sync marker, as a broker that forbids mqchat/v1/sync/... would.
class MarkerEatingTransport : public FakeTransport {
 public:
  using FakeTransport::FakeTransport;
  std::optional<IncomingMessage> next_message(Millis timeout) override {
    for (;;) {
      auto m = FakeTransport::next_message(timeout);
      if (!m || m->topic.rfind("mqchat/v1/sync/", 0) != 0) return m;
    }
  }
};

}  // namespace

TEST_CASE("read_retained returns the retained messages and stops at the marker", "[directory]") {
  Fixture f;
  f.broker->publish_from_outside(topics::user("bob"), user_record("bob"), 1, true);
  f.broker->publish_from_outside(topics::user("carol"), user_record("carol"), 1, true);
  f.broker->publish_from_outside(topics::presence("bob"), presence_record(true), 1, true);

  auto got = mqchat::read_retained(f.reader(), {topics::all_users()});
  REQUIRE(got.size() == 2);
  CHECK(got[0].topic == topics::user("bob"));
  CHECK(got[1].topic == topics::user("carol"));
  CHECK(got[0].retained);
  CHECK(f.warnings.empty());
  CHECK(f.others.empty());

  SECTION("the marker went to a private topic of the owner") {
    auto markers = f.broker->published_to("mqchat/v1/sync/alice/+");
    REQUIRE(markers.size() == 1);
    CHECK_FALSE(markers[0].retain);
  }
  SECTION("the subscription is gone afterwards") {
    f.broker->publish_from_outside(topics::user("dave"), user_record("dave"), 1, true);
    CHECK_FALSE(f.transport.next_message(Millis(0)));
  }
  SECTION("nothing retained gives an empty result") {
    CHECK(mqchat::read_retained(f.reader(), {topics::group_members("ops")}).empty());
  }
}

TEST_CASE("read_retained hands live messages to 'other' and leaves later ones queued",
          "[directory]") {
  Fixture f;
  f.transport.subscribe({topics::inbox_of("alice")}, 1, true);
  f.broker->publish_from_outside(topics::inbox("alice", "bob"), "early", 1, false);
  // A marker of an earlier read that came back late: neither a result nor 'other'.
  f.broker->publish_from_outside("mqchat/v1/sync/alice/0ld", "0ld", 1, false);
  f.broker->publish_from_outside(topics::user("bob"), user_record("bob"), 1, true);

  auto got = mqchat::read_retained(f.reader(), {topics::all_users()});
  REQUIRE(got.size() == 1);
  CHECK(got[0].topic == topics::user("bob"));
  REQUIRE(f.others.size() == 1);
  CHECK(f.others[0].topic == topics::inbox("alice", "bob"));
  CHECK(f.others[0].payload == "early");

  f.broker->publish_from_outside(topics::inbox("alice", "carol"), "late", 1, false);
  auto late = f.transport.next_message(Millis(0));
  REQUIRE(late);
  CHECK(late->payload == "late");
}

TEST_CASE("read_retained drops live messages when there is no 'other'", "[directory]") {
  Fixture f;
  f.transport.subscribe({topics::inbox_of("alice")}, 1, true);
  f.broker->publish_from_outside(topics::inbox("alice", "bob"), "early", 1, false);
  auto reader = f.reader();
  reader.other = nullptr;
  CHECK(mqchat::read_retained(reader, {topics::all_users()}).empty());
}

TEST_CASE("read_retained reports a broker that never acknowledges the marker", "[directory]") {
  Fixture f;
  f.broker->never_acknowledge = true;
  try {
    mqchat::read_retained(f.reader(), {topics::all_users()});
    FAIL("no error");
  } catch (const mqchat::Error& e) {
    CHECK(e.code() == mqchat::ExitCode::timeout);
  }
}

TEST_CASE("read_retained times out when the marker never comes back", "[directory]") {
  auto broker = std::make_shared<FakeBroker>();
  MarkerEatingTransport transport(broker);
  mqchat::ConnectOptions o;
  o.client_id = "reader";
  transport.connect(o);
  DirectoryReader reader{transport, "alice", Millis(30), [](const std::string&) {}, {}};
  try {
    mqchat::read_retained(reader, {topics::all_users()});
    FAIL("no error");
  } catch (const mqchat::Error& e) {
    CHECK(e.code() == mqchat::ExitCode::timeout);
    CHECK_THAT(e.what(), Catch::Contains("mqchat/v1/sync/alice/#"));
  }
}

TEST_CASE("list_users joins users with presence, sorted by name", "[directory]") {
  Fixture f;
  f.broker->publish_from_outside(topics::user("zoe"), user_record("zoe", "+4930"), 1, true);
  f.broker->publish_from_outside(topics::user("bob"), user_record("bob"), 1, true);
  f.broker->publish_from_outside(topics::presence("zoe"), presence_record(true), 1, true);
  f.broker->publish_from_outside(topics::presence("ghost"), presence_record(true), 1, true);

  auto users = mqchat::list_users(f.reader());
  REQUIRE(users.size() == 2);
  CHECK(users[0].user.name == "bob");
  CHECK_FALSE(users[0].presence);
  CHECK(users[1].user.name == "zoe");
  CHECK(users[1].user.phone == "+4930");
  REQUIRE(users[1].presence);
  CHECK(users[1].presence->online);
  CHECK(f.warnings.empty());
}

TEST_CASE("list_users skips malformed records with one warning each", "[directory]") {
  Fixture f;
  f.broker->publish_from_outside(topics::user("bob"), user_record("bob"), 1, true);
  f.broker->publish_from_outside(topics::user("carol"), "not json", 1, true);
  f.broker->publish_from_outside(topics::user("dave"), user_record("mallory"), 1, true);
  f.broker->publish_from_outside(topics::user("erin"), "{\"name\":\"erin\"}", 1, true);
  f.broker->publish_from_outside(topics::presence("bob"), "{\"status\":\"away\"}", 1, true);
  f.broker->publish_from_outside("mqchat/v1/users/\x1b[31m", user_record("bob"), 1, true);

  auto users = mqchat::list_users(f.reader());
  REQUIRE(users.size() == 1);
  CHECK(users[0].user.name == "bob");
  CHECK_FALSE(users[0].presence);
  // carol, dave, erin, bob's presence; the topic with a bad name is not a user topic at all.
  REQUIRE(f.warnings.size() == 4);
  for (const auto& w : f.warnings) CHECK(w.find('\x1b') == std::string::npos);
  CHECK_THAT(f.warnings[0] + f.warnings[1] + f.warnings[2] + f.warnings[3],
             Catch::Contains("users/carol") && Catch::Contains("users/dave") &&
                 Catch::Contains("users/erin") && Catch::Contains("presence/bob"));
}

TEST_CASE("find_user finds a registered user and only that one", "[directory]") {
  Fixture f;
  f.broker->publish_from_outside(topics::user("bob"), user_record("bob", "+4930"), 1, true);
  f.broker->publish_from_outside(topics::user("bobby"), user_record("bobby"), 1, true);

  auto bob = mqchat::find_user(f.reader(), "bob");
  REQUIRE(bob);
  CHECK(bob->name == "bob");
  CHECK(bob->phone == "+4930");
  CHECK(bob->registered_at == kTime);
  CHECK_FALSE(mqchat::find_user(f.reader(), "carol"));
  CHECK(f.warnings.empty());
}

TEST_CASE("find_user ignores a malformed or mismatched entry with one warning", "[directory]") {
  Fixture f;
  SECTION("malformed") {
    f.broker->publish_from_outside(topics::user("bob"), "{", 1, true);
    CHECK_FALSE(mqchat::find_user(f.reader(), "bob"));
    REQUIRE(f.warnings.size() == 1);
    CHECK_THAT(f.warnings[0], Catch::Contains("'bob'"));
  }
  SECTION("naming someone else") {
    f.broker->publish_from_outside(topics::user("bob"), user_record("mallory"), 1, true);
    CHECK_FALSE(mqchat::find_user(f.reader(), "bob"));
    REQUIRE(f.warnings.size() == 1);
    CHECK_THAT(f.warnings[0], Catch::Contains("mallory"));
  }
}

TEST_CASE("a cleared directory entry means the user is gone", "[directory]") {
  Fixture f;
  f.broker->publish_from_outside(topics::user("bob"), user_record("bob"), 1, true);
  f.broker->publish_from_outside(topics::user("bob"), "", 1, true);
  CHECK_FALSE(mqchat::find_user(f.reader(), "bob"));
  CHECK(mqchat::list_users(f.reader()).empty());
}

namespace {

// A one-shot command's clean connection, whose session ends with it.
class SessionlessTransport : public FakeTransport {
 public:
  using FakeTransport::FakeTransport;
  bool keeps_session() const override { return false; }
};

}  // namespace

TEST_CASE("a lookup unsubscribes only where the session outlives the connection", "[directory]") {
  auto broker = std::make_shared<FakeBroker>();
  broker->publish_from_outside(topics::user("bob"), user_record("bob"), 1, true);
  auto warn = [](const std::string&) {};
  mqchat::ConnectOptions o;

  FakeTransport session(broker);
  o.client_id = "session";
  session.connect(o);
  CHECK(mqchat::find_user(DirectoryReader{session, "alice", Millis(2000), warn, {}}, "bob"));
  CHECK(broker->subscriptions_of("session").empty());

  // A round trip saved: the disconnect ends the subscriptions anyway.
  SessionlessTransport oneshot(broker);
  o.client_id = "oneshot";
  oneshot.connect(o);
  CHECK(mqchat::find_user(DirectoryReader{oneshot, "alice", Millis(2000), warn, {}}, "bob"));
  auto left = broker->subscriptions_of("oneshot");
  CHECK(std::find(left.begin(), left.end(), topics::user("bob")) != left.end());
}
