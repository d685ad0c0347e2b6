#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/store/files.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/records.hpp"
#include "core/wire/topics.hpp"
#include "tests/fakes/alice_and_bob.hpp"
#include "tests/fakes/fake_transport.hpp"

using mqchat::fakes::FakeBroker;
using mqchat::fakes::Machine;
using nlohmann::json;
namespace topics = mqchat::topics;

namespace {

using Fixture = mqchat::fakes::AliceAndBob;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string dm_payload(const std::string& id, const std::string& from, const std::string& to,
                       const std::string& text) {
  return mqchat::encode(mqchat::Envelope{
      id, mqchat::MessageType::dm, from, to, {}, text, "2026-11-25T13:32:07.123Z"});
}

}  // namespace

TEST_CASE("listen --count prints the messages queued while offline and exits 0", "[listen]") {
  Fixture f;
  REQUIRE(f.alice.run({"send", "bob", "first"}).code == 0);
  REQUIRE(f.alice.run({"send", "bob", "second"}).code == 0);

  auto r = f.bob.run({"listen", "--count", "2", "--timeout", "5"});
  CHECK(r.code == 0);
  auto lines = lines_of(r.out);
  REQUIRE(lines.size() == 2);
  CHECK_THAT(lines[0], Catch::Matches("\\[[^\\]]+\\] alice: first"));
  CHECK_THAT(lines[1], Catch::EndsWith("alice: second"));
  CHECK(r.err.empty());

  SECTION("it used the profile's persistent session with an offline will") {
    // The session's connection; a short one looked alice's key up in the directory.
    std::optional<mqchat::ConnectOptions> session;
    for (const auto& c : f.broker->connects()) {
      if (c.will) session = c;
    }
    REQUIRE(session);
    auto c = *session;
    CHECK_FALSE(c.clean_start);
    CHECK(c.session_expiry_seconds > 0);
    REQUIRE(c.will);
    CHECK(c.will->topic == topics::presence("bob"));
  }
  SECTION("it said online, then offline") {
    auto presence = f.broker->published_to(topics::presence("bob"));
    REQUIRE(presence.size() == 2);
    CHECK(mqchat::decode_presence(presence[0].payload).online);
    CHECK_FALSE(mqchat::decode_presence(presence[1].payload).online);
  }
  SECTION("the messages are in the history and not shown again") {
    auto h = f.bob.run({"history"});
    CHECK(lines_of(h.out).size() == 2);
    auto again = f.bob.run({"listen", "--count", "1", "--timeout", "0.1"});
    CHECK(again.code == 5);
    CHECK(again.out.empty());
  }
}

TEST_CASE("listen --timeout ending before --count exits 5", "[listen]") {
  Fixture f;
  REQUIRE(f.alice.run({"send", "bob", "only one"}).code == 0);
  auto start = std::chrono::steady_clock::now();
  auto r = f.bob.run({"listen", "--count", "2", "--timeout", "0.3"});
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(r.code == 5);
  CHECK(lines_of(r.out).size() == 1);
  CHECK_THAT(r.err, Catch::Contains("1 of 2"));
  CHECK(took >= std::chrono::milliseconds(250));
  CHECK(took < std::chrono::seconds(3));
}

TEST_CASE("listen --timeout without --count exits 0", "[listen]") {
  Fixture f;
  auto r = f.bob.run({"listen", "--timeout", "0.05"});
  CHECK(r.code == 0);
  CHECK(r.out.empty());
}

TEST_CASE("listen --json prints one message object a line", "[listen]") {
  Fixture f;
  REQUIRE(f.alice.run({"send", "bob", "hi there"}).code == 0);
  REQUIRE(f.alice.run({"send", "bob", "line1\nline2"}).code == 0);
  SECTION("before the subcommand") {
    auto r = f.bob.run({"--json", "listen", "--count", "2", "--timeout", "5"});
    REQUIRE(r.code == 0);
    auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 2);
    auto j = json::parse(lines[0]);
    CHECK(j.at("type") == "dm");
    CHECK(j.at("from") == "alice");
    CHECK(j.at("to") == "bob");
    CHECK(j.at("text") == "hi there");
    CHECK(j.contains("id"));
    CHECK(j.contains("sent_at"));
    CHECK(json::parse(lines[1]).at("text") == "line1\nline2");
  }
  SECTION("after the subcommand") {
    auto r = f.bob.run({"listen", "--count", "2", "--json", "--timeout", "5"});
    REQUIRE(r.code == 0);
    CHECK(json::parse(lines_of(r.out).at(0)).at("text") == "hi there");
  }
}

TEST_CASE("listen --from shows one sender's messages only", "[listen]") {
  Fixture f;
  Machine carol(f.broker);
  REQUIRE(carol.run({"register", "carol"}).code == 0);
  REQUIRE(carol.run({"send", "bob", "from carol"}).code == 0);
  REQUIRE(f.alice.run({"send", "bob", "from alice"}).code == 0);
  auto r = f.bob.run({"listen", "--from", "alice", "--count", "1", "--timeout", "5"});
  CHECK(r.code == 0);
  CHECK(lines_of(r.out).size() == 1);
  CHECK_THAT(r.out, Catch::Contains("from alice"));
  // The hidden one is still kept in the history.
  CHECK_THAT(f.bob.run({"history"}).out, Catch::Contains("from carol"));
}

TEST_CASE("listen drops a forged message with a warning and goes on", "[listen]") {
  Fixture f;
  f.broker->publish_from_outside(topics::inbox("bob", "mallory"),
                                 dm_payload("x1", "alice", "bob", "forged"));
  f.broker->publish_from_outside(topics::inbox("bob", "alice"),
                                 dm_payload("x2", "alice", "bob", "real"));
  auto r = f.bob.run({"listen", "--count", "1", "--timeout", "5"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("real") && !Catch::Contains("forged"));
  CHECK_THAT(r.err, Catch::Contains("warning") && Catch::Contains("mallory"));
}

TEST_CASE("listen shows a redelivered message once", "[listen]") {
  Fixture f;
  auto payload = dm_payload("dup-1", "alice", "bob", "once");
  f.broker->publish_from_outside(topics::inbox("bob", "alice"), payload);
  f.broker->publish_from_outside(topics::inbox("bob", "alice"), payload);
  auto r = f.bob.run({"listen", "--count", "2", "--timeout", "0.2"});
  CHECK(r.code == 5);
  CHECK(lines_of(r.out).size() == 1);
}

TEST_CASE("listen neutralises terminal escapes in human output", "[listen]") {
  Fixture f;
  REQUIRE(f.alice.run({"send", "bob", "\x1b[2Jgotcha"}).code == 0);
  auto r = f.bob.run({"listen", "--count", "1", "--timeout", "5"});
  CHECK(r.code == 0);
  CHECK(r.out.find('\x1b') == std::string::npos);
  CHECK_THAT(r.out, Catch::Contains("gotcha"));
}

TEST_CASE("listen shows first what reached the session during register", "[listen]") {
  auto broker = std::make_shared<FakeBroker>();
  Machine bob(broker);
  REQUIRE(bob.run({"register", "bob"}).code == 0);
  auto pending = bob.home() / "state" / "bob" / "pending.jsonl";
  json stashed = {{"topic", topics::inbox("bob", "alice")},
                  {"payload", dm_payload("p1", "alice", "bob", "early bird")}};
  mqchat::write_file_atomic(pending, stashed.dump() + "\n");
  auto r = bob.run({"listen", "--count", "1", "--timeout", "5"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("early bird"));
  // Handled, so no longer pending.
  CHECK(mqchat::read_file(pending).value_or("").empty());
}

TEST_CASE("messages that arrived after listen --count was reached are shown by the next listen",
          "[listen]") {
  Fixture f;
  for (const char* text : {"one", "two", "three"}) {
    REQUIRE(f.alice.run({"send", "bob", text}).code == 0);
  }
  // The broker hands all three to the session at once; the first listen stops after one.
  auto first = f.bob.run({"listen", "--count", "1", "--timeout", "5"});
  REQUIRE(first.code == 0);
  CHECK_THAT(first.out, Catch::Contains("one"));
  CHECK_THAT(first.out, !Catch::Contains("two"));
  auto second = f.bob.run({"listen", "--count", "2", "--timeout", "5"});
  REQUIRE(second.code == 0);
  CHECK_THAT(second.out, Catch::Contains("two") && Catch::Contains("three"));
  CHECK_THAT(second.out, !Catch::Contains("one"));
}

TEST_CASE("listen refuses bad options with exit 2", "[listen]") {
  Fixture f;
  auto connects = f.broker->connects().size();
  std::vector<std::string> args;
  SECTION("--count 0") { args = {"listen", "--count", "0"}; }
  SECTION("a negative --count") { args = {"listen", "--count", "-1"}; }
  SECTION("--timeout 0") { args = {"listen", "--timeout", "0"}; }
  SECTION("--count that is no number") { args = {"listen", "--count", "many"}; }
  SECTION("--from a wildcard") { args = {"listen", "--from", "#"}; }
  auto r = f.bob.run(args);
  CHECK(r.code == 2);
  CHECK(f.broker->connects().size() == connects);
}

TEST_CASE("listen --count 0 is a usage error even when not signed in", "[listen]") {
  auto broker = std::make_shared<FakeBroker>();
  Machine m(broker);
  CHECK(m.run({"listen", "--count", "0"}).code == 2);
}

TEST_CASE("listen when not signed in exits 3", "[listen]") {
  auto broker = std::make_shared<FakeBroker>();
  Machine m(broker);
  auto r = m.run({"listen", "--count", "1", "--timeout", "0.1"});
  CHECK(r.code == 3);
  CHECK(broker->connects().empty());
}

TEST_CASE("listen with the broker down exits 4", "[listen]") {
  Fixture f;
  f.broker->refuse_connect = true;
  CHECK(f.bob.run({"listen", "--count", "1", "--timeout", "0.1"}).code == 4);
}

TEST_CASE("listen refuses a --timeout beyond a year instead of overflowing", "[listen]") {
  // A deadline of now + 1e10 s does not fit the clock; it must be a usage error, not an
  // instant timeout.
  Fixture f;
  REQUIRE(f.alice.run({"send", "bob", "hi"}).code == 0);
  auto r = f.bob.run({"listen", "--count", "1", "--timeout", "1e10"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--timeout"));
  CHECK(f.bob.run({"listen", "--count", "1", "--timeout", "31536000"}).code == 0);
}

TEST_CASE("a start-up subscription the broker refuses ends listen once the queue is shown",
          "[listen]") {
  // The broker answers a resumed session's subscribes only after what it queued: listen
  // shows that first, then ends on the refusal, as it would have at once before.
  Fixture f;
  REQUIRE(f.alice.run({"send", "bob", "first"}).code == 0);
  REQUIRE(f.alice.run({"send", "bob", "second"}).code == 0);
  f.broker->refused_subscriptions = {topics::inbox_of("bob")};

  auto r = f.bob.run({"listen", "--timeout", "5"});
  CHECK(r.code == 4);
  CHECK_THAT(r.err, Catch::Contains("refused a subscription"));
  auto lines = lines_of(r.out);
  REQUIRE(lines.size() == 2);
  CHECK_THAT(lines[0], Catch::EndsWith("alice: first"));
  CHECK_THAT(lines[1], Catch::EndsWith("alice: second"));
  // It still said offline on the way out.
  auto presence = f.broker->published_to(topics::presence("bob"));
  REQUIRE_FALSE(presence.empty());
  CHECK_FALSE(mqchat::decode_presence(presence.back().payload).online);
}
