#include "core/chat/inbox.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "core/wire/error.hpp"
#include "core/wire/topics.hpp"
#include "tests/fakes/fake_transport.hpp"

using mqchat::Envelope;
using mqchat::IncomingMessage;
using mqchat::MessageType;
using mqchat::fakes::TempDir;
namespace topics = mqchat::topics;

namespace {

Envelope dm(const std::string& from, const std::string& to, const std::string& id = "id-1") {
  return Envelope{id, MessageType::dm, from, to, {}, "hello", "2026-11-25T13:32:07.123Z"};
}

IncomingMessage on_topic(const std::string& topic, const std::string& payload) {
  return IncomingMessage{topic, payload, false};
}

IncomingMessage sent(const Envelope& e) {
  return on_topic(topics::inbox(e.to, e.from), mqchat::encode(e));
}

struct Fixture {
  TempDir tmp;
  mqchat::SeenIds seen{tmp.path() / "seen_ids"};
  mqchat::History history{tmp.path() / "history.jsonl"};
  mqchat::Inbox inbox{"bob", seen, history};
  std::vector<std::string> warnings;

  std::optional<Envelope> accept(const IncomingMessage& m) {
    return inbox.accept(m, [this](const std::string& w) { warnings.push_back(w); });
  }
};

}  // namespace

TEST_CASE("the inbox accepts a good direct message and records it once handled", "[inbox]") {
  Fixture f;
  auto e = f.accept(sent(dm("alice", "bob")));
  REQUIRE(e);
  CHECK(e->from == "alice");
  CHECK(e->text == "hello");
  CHECK(f.warnings.empty());
  // Nothing is written before the message was handled: a crash in between loses nothing.
  CHECK(f.history.read().entries.empty());
  f.inbox.record(*e);
  auto h = f.history.read();
  REQUIRE(h.entries.size() == 1);
  CHECK(h.entries[0].message.id == "id-1");
  CHECK_FALSE(h.entries[0].outgoing);
}

TEST_CASE("the inbox drops what it must not show, with exactly one warning", "[inbox]") {
  Fixture f;
  std::string why;
  SECTION("from disagrees with the topic") {
    f.accept(on_topic(topics::inbox("bob", "mallory"), mqchat::encode(dm("alice", "bob"))));
    why = "alice";
  }
  SECTION("garbage payload") {
    f.accept(on_topic(topics::inbox("bob", "alice"), "\x01garbage"));
    why = "JSON";
  }
  SECTION("payload that is not UTF-8") {
    f.accept(on_topic(topics::inbox("bob", "alice"), "\xff\xfe"));
    why = "UTF-8";
  }
  SECTION("addressed to someone else in the envelope") {
    f.accept(on_topic(topics::inbox("bob", "alice"), mqchat::encode(dm("alice", "carol"))));
    why = "carol";
  }
  SECTION("another user's inbox topic") {
    f.accept(sent(dm("alice", "carol")));
    why = "bob";
  }
  SECTION("not an inbox topic") {
    f.accept(on_topic(topics::user("alice"), mqchat::encode(dm("alice", "bob"))));
    why = "bob";
  }
  SECTION("a group message on the inbox") {
    Envelope g{"g1", MessageType::group, "alice", {}, "ops", "hi", "2026-11-25T13:32:07Z"};
    f.accept(on_topic(topics::inbox("bob", "alice"), mqchat::encode(g)));
    why = "dm";
  }
  REQUIRE(f.warnings.size() == 1);
  CHECK_THAT(f.warnings[0], Catch::Contains("dropped") && Catch::Contains(why));
  CHECK(f.history.read().entries.empty());
}

TEST_CASE("a dropped message's topic is printed without control characters", "[inbox]") {
  Fixture f;
  f.accept(on_topic("mqchat/v1/inbox/bob/\x1b]0;pwned\x07", "x"));
  REQUIRE(f.warnings.size() == 1);
  CHECK(f.warnings[0].find('\x1b') == std::string::npos);
  CHECK(f.warnings[0].find('\x07') == std::string::npos);
}

TEST_CASE("a message shown once is not shown again", "[inbox]") {
  Fixture f;
  auto first = f.accept(sent(dm("alice", "bob")));
  REQUIRE(first);
  f.inbox.record(*first);
  // A redelivery is normal MQTT (QoS 1 after a reconnect): dropped quietly, not recorded again.
  CHECK_FALSE(f.accept(sent(dm("alice", "bob"))));
  CHECK(f.warnings.empty());
  CHECK(f.history.read().entries.size() == 1);

  SECTION("also after a restart, from the seen-ids file") {
    mqchat::SeenIds seen2(f.tmp.path() / "seen_ids");
    mqchat::Inbox again("bob", seen2, f.history);
    CHECK_FALSE(again.accept(sent(dm("alice", "bob")), [](const std::string&) {}));
  }
  SECTION("a different id is a different message") {
    CHECK(f.accept(sent(dm("alice", "bob", "id-2"))));
  }
}

TEST_CASE("a message accepted but not recorded is offered again", "[inbox]") {
  Fixture f;
  REQUIRE(f.accept(sent(dm("alice", "bob"))));
  CHECK(f.accept(sent(dm("alice", "bob"))));
  CHECK(f.history.read().entries.empty());
}

TEST_CASE("a message that cannot be recorded is not marked seen", "[inbox]") {
  Fixture f;
  auto e = f.accept(sent(dm("alice", "bob")));
  REQUIRE(e);
  // The history is a directory: appending fails as on a full disk.
  std::filesystem::create_directories(f.history.file());
  CHECK_THROWS_AS(f.inbox.record(*e), mqchat::Error);
  CHECK(f.accept(sent(dm("alice", "bob"))));
}
