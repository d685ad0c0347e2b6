#include "core/chat/session.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/wire/error.hpp"
#include "core/wire/records.hpp"
#include "core/wire/topics.hpp"
#include "tests/fakes/fake_transport.hpp"

using mqchat::ConnectOptions;
using mqchat::Millis;
using mqchat::fakes::FakeBroker;
using mqchat::fakes::FakeTransport;
namespace topics = mqchat::topics;

namespace {

mqchat::Settings settings() {
  mqchat::Settings s;
  s.brokers = {"mqtt://a:1883", "mqtt://b:1883"};
  s.connect_timeout = Millis(1500);
  s.session_expiry_seconds = 3600;
  return s;
}

ConnectOptions clean(const std::string& id) {
  ConnectOptions o;
  o.client_id = id;
  return o;
}

ConnectOptions persistent(const std::string& id) {
  ConnectOptions o;
  o.client_id = id;
  o.clean_start = false;
  o.session_expiry_seconds = 3600;
  return o;
}

std::vector<std::string> drain_topics(mqchat::Transport& t) {
  std::vector<std::string> out;
  while (auto m = t.next_message(Millis(0))) out.push_back(m->topic);
  return out;
}

}  // namespace

TEST_CASE("session client ids are stable-looking and unique", "[session]") {
  auto a = mqchat::new_session_client_id("alice");
  auto b = mqchat::new_session_client_id("alice");
  CHECK(a.rfind("mqchat-alice-", 0) == 0);
  CHECK(a.size() == std::string("mqchat-alice-").size() + 12);
  CHECK(a != b);
  CHECK(a.size() <= 23 + 32);  // MQTT 3.1.1 brokers may cap ids; ours stay short
}

TEST_CASE("one-shot connections are clean and never take over the session", "[session]") {
  auto o = mqchat::oneshot_options(settings(), "alice");
  CHECK(o.servers == settings().brokers);
  CHECK(o.clean_start);
  CHECK(o.session_expiry_seconds == 0);
  CHECK(o.timeout == Millis(1500));
  CHECK(o.client_id.rfind("mqchat-alice-", 0) == 0);
  CHECK_FALSE(o.will);
  CHECK(o.client_id != mqchat::oneshot_options(settings(), "alice").client_id);
}

TEST_CASE("session options keep the session and use the stored client id", "[session]") {
  auto o = mqchat::session_options(settings(), "mqchat-alice-0123");
  CHECK(o.client_id == "mqchat-alice-0123");
  CHECK_FALSE(o.clean_start);
  CHECK(o.session_expiry_seconds == 3600);
  CHECK(o.servers == settings().brokers);
  CHECK(o.timeout == Millis(1500));
}

TEST_CASE("the offline will is a retained presence record", "[session]") {
  auto w = mqchat::offline_will("alice", "2026-11-25T13:32:07.123Z");
  CHECK(w.topic == topics::presence("alice"));
  CHECK(w.retain);
  CHECK(w.qos == 1);
  auto p = mqchat::decode_presence(w.payload);
  CHECK_FALSE(p.online);
  CHECK(p.since == "2026-11-25T13:32:07.123Z");
}

TEST_CASE("publish_presence retains the status", "[session]") {
  auto broker = std::make_shared<FakeBroker>();
  FakeTransport t(broker);
  t.connect(clean("x"));
  mqchat::publish_presence(t, "alice", true);
  CHECK(mqchat::decode_presence(*broker->retained(topics::presence("alice"))).online);
  mqchat::publish_presence(t, "alice", false);
  CHECK_FALSE(mqchat::decode_presence(*broker->retained(topics::presence("alice"))).online);
  auto pubs = broker->publishes();
  REQUIRE(pubs.size() == 2);
  CHECK(pubs[0].retain);
  CHECK(pubs[0].qos == 1);
}

// The fake broker itself: the behaviour the other tests rely on.

TEST_CASE("fake broker: MQTT wildcard matching", "[session][fake]") {
  using mqchat::fakes::topic_matches;
  CHECK(topic_matches("a/b", "a/b"));
  CHECK_FALSE(topic_matches("a/b", "a/b/c"));
  CHECK(topic_matches("a/+", "a/b"));
  CHECK_FALSE(topic_matches("a/+", "a/b/c"));
  CHECK(topic_matches("a/+/c", "a/b/c"));
  CHECK(topic_matches("a/+", "a/"));
  CHECK(topic_matches("a/#", "a/b/c"));
  CHECK(topic_matches("a/#", "a"));
  CHECK(topic_matches("#", "anything/at/all"));
  CHECK_FALSE(topic_matches("#", "$SYS/x"));
  CHECK_FALSE(topic_matches("+/x", "$SYS/x"));
  CHECK(topic_matches("$SYS/#", "$SYS/x"));
  CHECK(topic_matches("mqchat/v1/groups/+/members/+", "mqchat/v1/groups/g/members/n"));
}

TEST_CASE("fake broker: retained messages, live delivery, no_local", "[session][fake]") {
  auto broker = std::make_shared<FakeBroker>();
  FakeTransport a(broker);
  FakeTransport b(broker);
  a.connect(clean("a"));
  b.connect(clean("b"));
  a.publish("t/2", "two", 1, true);
  a.publish("t/1", "one", 1, true);
  a.publish("u/1", "other", 1, true);

  b.subscribe({"t/+"}, 1);
  auto m1 = b.next_message(Millis(0));
  auto m2 = b.next_message(Millis(0));
  REQUIRE(m1);
  REQUIRE(m2);
  CHECK(m1->topic == "t/1");
  CHECK(m1->retained);
  CHECK(m2->topic == "t/2");
  CHECK_FALSE(b.next_message(Millis(0)));

  a.publish("t/3", "live", 1, true);
  auto live = b.next_message(Millis(0));
  REQUIRE(live);
  CHECK(live->payload == "live");
  CHECK_FALSE(live->retained);

  a.publish("t/1", "", 1, true);  // clears t/1 and still reaches subscribers
  CHECK(b.next_message(Millis(0))->payload.empty());
  CHECK_FALSE(broker->retained("t/1"));

  a.subscribe({"t/#"}, 1, /*no_local=*/true);
  CHECK(drain_topics(a) == std::vector<std::string>{"t/2", "t/3"});
  a.publish("t/4", "x", 1, false);
  CHECK(drain_topics(a).empty());
  CHECK(drain_topics(b) == std::vector<std::string>{"t/4"});
  a.subscribe({"u/#"}, 1, /*no_local=*/false);
  CHECK(drain_topics(a) == std::vector<std::string>{"u/1"});
  a.publish("u/2", "x", 1, false);
  CHECK(drain_topics(a) == std::vector<std::string>{"u/2"});
}

TEST_CASE("fake broker: a persistent session queues while offline", "[session][fake]") {
  auto broker = std::make_shared<FakeBroker>();
  {
    FakeTransport s(broker);
    s.connect(persistent("bob-session"));
    s.subscribe({topics::inbox_of("bob")}, 1, true);
    s.disconnect();
  }
  broker->publish_from_outside(topics::inbox("bob", "alice"), "1");
  broker->publish_from_outside(topics::inbox("bob", "alice"), "qos0", 0);
  broker->publish_from_outside(topics::inbox("bob", "carol"), "2");
  CHECK(broker->queued_for("bob-session") == 2);

  FakeTransport again(broker);
  auto result = again.connect(persistent("bob-session"));
  CHECK(result.session_present);
  CHECK(drain_topics(again) ==
        std::vector<std::string>{topics::inbox("bob", "alice"), topics::inbox("bob", "carol")});

  SECTION("a clean start throws the session away") {
    again.disconnect();
    broker->publish_from_outside(topics::inbox("bob", "alice"), "3");
    FakeTransport fresh(broker);
    CHECK_FALSE(fresh.connect(clean("bob-session")).session_present);
    CHECK(drain_topics(fresh).empty());
  }
  SECTION("a clean session ends with its connection") {
    FakeTransport oneshot(broker);
    oneshot.connect(clean("oneshot"));
    oneshot.subscribe({"x"}, 1);
    oneshot.disconnect();
    CHECK_FALSE(broker->has_session("oneshot"));
  }
}

TEST_CASE("fake broker: the will goes out only when the connection is lost", "[session][fake]") {
  auto broker = std::make_shared<FakeBroker>();
  auto options = clean("listener");
  options.will = mqchat::offline_will("bob", "2026-11-25T13:32:07Z");
  {
    FakeTransport t(broker);
    t.connect(options);
    t.disconnect();
  }
  CHECK_FALSE(broker->retained(topics::presence("bob")));
  {
    FakeTransport t(broker);
    t.connect(options);
  }  // destroyed while connected: a lost connection
  REQUIRE(broker->retained(topics::presence("bob")));
  CHECK_FALSE(mqchat::decode_presence(*broker->retained(topics::presence("bob"))).online);
}

TEST_CASE("fake broker: failure knobs", "[session][fake]") {
  auto broker = std::make_shared<FakeBroker>();
  FakeTransport t(broker);
  SECTION("refused connect") {
    broker->refuse_connect = true;
    try {
      t.connect(clean("x"));
      FAIL("no error");
    } catch (const mqchat::Error& e) {
      CHECK(e.code() == mqchat::ExitCode::unavailable);
    }
    CHECK(broker->connects().size() == 1);
    CHECK_FALSE(t.is_connected());
    CHECK_THROWS_AS(t.publish("t", "x", 1, false), mqchat::Error);
  }
  SECTION("refused topic") {
    t.connect(clean("x"));
    broker->refused_topics = {"secret/#"};
    t.publish("open", "x", 1, false);
    try {
      t.publish("secret/a", "x", 1, false);
      FAIL("no error");
    } catch (const mqchat::Error& e) {
      CHECK(e.code() == mqchat::ExitCode::unavailable);
    }
    CHECK(broker->publishes().size() == 2);
    CHECK(broker->publishes()[1].refused);
    CHECK(broker->published_to("#").size() == 1);
  }
  SECTION("never acknowledged") {
    t.connect(clean("x"));
    broker->never_acknowledge = true;
    auto ticket = t.publish_async("t", "x", 1, false);
    try {
      t.wait(ticket);
      FAIL("no error");
    } catch (const mqchat::Error& e) {
      CHECK(e.code() == mqchat::ExitCode::timeout);
    }
  }
}
