#include "core/chat/account.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/wire/clock.hpp"
#include "core/wire/error.hpp"
#include "core/wire/records.hpp"
#include "core/wire/topics.hpp"
#include "tests/fakes/fake_transport.hpp"

using mqchat::IncomingMessage;
using mqchat::Settings;
using mqchat::fakes::FakeBroker;
using mqchat::fakes::FakeTransport;
namespace topics = mqchat::topics;

namespace {

constexpr const char* kTaken = "2025-01-02T03:04:05.000Z";

const mqchat::Identity& test_identity() {
  static const auto identity = mqchat::Identity::generate();
  return identity;
}

// Has someone write to the user's inbox the moment the inbox is subscribed: such messages
// must come back as early messages, not be lost.
class EagerFriendTransport : public FakeTransport {
 public:
  EagerFriendTransport(std::shared_ptr<FakeBroker> broker, std::string inbox_filter)
      : FakeTransport(broker), broker_(std::move(broker)), filter_(std::move(inbox_filter)) {}

  void subscribe(const std::vector<std::string>& filters, int qos, bool no_local) override {
    FakeTransport::subscribe(filters, qos, no_local);
    for (const auto& f : filters) {
      if (f == filter_) broker_->publish_from_outside(topics::inbox("alice", "bob"), "early");
    }
  }

 private:
  std::shared_ptr<FakeBroker> broker_;
  std::string filter_;
};

Settings settings() {
  Settings s;
  s.brokers = {"mqtt://127.0.0.1:1883"};
  s.connect_timeout = mqchat::Millis(2000);
  return s;
}

void seed_user(FakeBroker& broker, const std::string& name, const std::string& phone) {
  broker.publish_from_outside(topics::user(name),
                              mqchat::encode(mqchat::UserRecord{name, phone, kTaken}), 1, true);
}

template <typename F>
mqchat::Error error_of(F&& f) {
  try {
    f();
  } catch (const mqchat::Error& e) {
    return e;
  }
  FAIL("no mqchat::Error thrown");
  return mqchat::Error(mqchat::ExitCode::ok, "");
}

void ignore(const std::string&) {}

}  // namespace

TEST_CASE("register_user claims a free name on a new persistent session", "[account]") {
  auto broker = std::make_shared<FakeBroker>();
  FakeTransport session(broker);
  auto result =
      mqchat::register_user(session, settings(), "alice", "+4930", test_identity(), ignore);

  CHECK(result.profile.name == "alice");
  CHECK(result.profile.phone == "+4930");
  CHECK(result.profile.client_id.rfind("mqchat-alice-", 0) == 0);
  CHECK(mqchat::parse_rfc3339(result.profile.registered_at));
  CHECK(result.early_messages.empty());

  auto record = broker->retained(topics::user("alice"));
  REQUIRE(record);
  auto user = mqchat::decode_user(*record);
  CHECK(user.phone == "+4930");
  CHECK(user.registered_at == result.profile.registered_at);

  auto connects = broker->connects();
  REQUIRE(connects.size() == 1);
  CHECK(connects[0].client_id == result.profile.client_id);
  CHECK_FALSE(connects[0].clean_start);
  CHECK(connects[0].session_expiry_seconds > 0);
  CHECK_FALSE(session.is_connected());

  SECTION("the inbox queues at the broker from now on") {
    broker->publish_from_outside(topics::inbox("alice", "bob"), "later");
    CHECK(broker->queued_for(result.profile.client_id) == 1);
  }
}

TEST_CASE("register_user refuses a taken name, naming its registration date", "[account]") {
  auto broker = std::make_shared<FakeBroker>();
  seed_user(*broker, "alice", "");
  FakeTransport session(broker);
  auto e = error_of(
      [&] { mqchat::register_user(session, settings(), "alice", "", test_identity(), ignore); });
  CHECK(e.code() == mqchat::ExitCode::failure);
  CHECK_THAT(e.what(), Catch::Contains("'alice'") && Catch::Contains(kTaken) &&
                           Catch::Contains("mqchat login alice"));
  // The record of the owner is untouched and nothing was claimed.
  CHECK(mqchat::decode_user(*broker->retained(topics::user("alice"))).registered_at == kTaken);
  CHECK(broker->published_to(topics::user("alice")).empty());
}

TEST_CASE("register_user returns messages that arrived on the session meanwhile", "[account]") {
  auto broker = std::make_shared<FakeBroker>();
  EagerFriendTransport session(broker, topics::inbox_of("alice"));
  auto result = mqchat::register_user(session, settings(), "alice", "", test_identity(), ignore);
  REQUIRE(result.early_messages.size() == 1);
  CHECK(result.early_messages[0].topic == topics::inbox("alice", "bob"));
  CHECK(result.early_messages[0].payload == "early");
}

TEST_CASE("register_user reports a refused directory entry", "[account]") {
  auto broker = std::make_shared<FakeBroker>();
  broker->refused_topics = {topics::user("alice")};
  FakeTransport session(broker);
  auto e = error_of(
      [&] { mqchat::register_user(session, settings(), "alice", "", test_identity(), ignore); });
  CHECK(e.code() == mqchat::ExitCode::unavailable);
  CHECK_FALSE(broker->retained(topics::user("alice")));
}

TEST_CASE("register_user with the broker down is unavailable", "[account]") {
  auto broker = std::make_shared<FakeBroker>();
  broker->refuse_connect = true;
  FakeTransport session(broker);
  auto e = error_of(
      [&] { mqchat::register_user(session, settings(), "alice", "", test_identity(), ignore); });
  CHECK(e.code() == mqchat::ExitCode::unavailable);
}

TEST_CASE("check_login and login_user check the phone number", "[account]") {
  auto broker = std::make_shared<FakeBroker>();
  seed_user(*broker, "alice", "+4930123");
  FakeTransport session(broker);

  SECTION("the right number signs in") {
    auto result =
        mqchat::login_user(session, settings(), "alice", "+4930123", test_identity(), ignore);
    CHECK(result.profile.name == "alice");
    CHECK(result.profile.phone == "+4930123");
    CHECK(result.profile.registered_at == kTaken);
    CHECK(result.profile.client_id.rfind("mqchat-alice-", 0) == 0);
    CHECK(broker->has_session(result.profile.client_id));
    broker->publish_from_outside(topics::inbox("alice", "bob"), "queued");
    CHECK(broker->queued_for(result.profile.client_id) == 1);
  }
  SECTION("a wrong number is refused") {
    auto e = error_of([&] {
      mqchat::login_user(session, settings(), "alice", "+4999", test_identity(), ignore);
    });
    CHECK(e.code() == mqchat::ExitCode::not_found);
    CHECK_THAT(e.what(), Catch::Contains("phone"));
  }
  SECTION("no number is refused with a hint") {
    auto e = error_of([&] {
      mqchat::login_user(session, settings(), "alice", std::nullopt, test_identity(), ignore);
    });
    CHECK(e.code() == mqchat::ExitCode::not_found);
    CHECK_THAT(e.what(), Catch::Contains("--phone"));
  }
}

TEST_CASE("a user registered without a phone signs in with or without one", "[account]") {
  auto broker = std::make_shared<FakeBroker>();
  seed_user(*broker, "alice", "");
  FakeTransport session(broker);
  mqchat::DirectoryReader reader{session, "alice", mqchat::Millis(2000), ignore, {}};
  mqchat::ConnectOptions o;
  o.client_id = "x";
  session.connect(o);
  CHECK(mqchat::check_login(reader, "alice", std::nullopt).name == "alice");
  CHECK(mqchat::check_login(reader, "alice", std::string("+4930")).name == "alice");
}

TEST_CASE("login_user of an unknown user is not found", "[account]") {
  auto broker = std::make_shared<FakeBroker>();
  FakeTransport session(broker);
  auto e = error_of([&] {
    mqchat::login_user(session, settings(), "nobody", std::nullopt, test_identity(), ignore);
  });
  CHECK(e.code() == mqchat::ExitCode::not_found);
  CHECK_THAT(e.what(), Catch::Contains("mqchat register nobody"));
}

TEST_CASE("login_user returns messages that arrived on the session meanwhile", "[account]") {
  auto broker = std::make_shared<FakeBroker>();
  seed_user(*broker, "alice", "");
  EagerFriendTransport session(broker, topics::inbox_of("alice"));
  auto result =
      mqchat::login_user(session, settings(), "alice", std::nullopt, test_identity(), ignore);
  REQUIRE(result.early_messages.size() == 1);
  CHECK(result.early_messages[0].payload == "early");
}
