// listen: counts and timeouts, live output, one listen per profile, foreign clients, dedupe and
// dropping of bad envelopes.

#include <signal.h>

#include <set>

#include "tests/integration/harness.hpp"

using namespace itest;

namespace {

std::string envelope(const std::string& id, const std::string& from, const std::string& to,
                     const std::string& text) {
  nlohmann::json j = {{"v", 1},
                      {"id", id},
                      {"type", "dm"},
                      {"from", from},
                      {"to", to},
                      {"text", text},
                      {"sent_at", "2026-11-25T10:00:00.000Z"}};
  return j.dump();
}

}  // namespace

TEST_CASE("listen --count exits 0 after N messages and 5 when --timeout ends first", "[listen]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();
  alice.send(bob, "first");
  alice.send(bob, "second");

  SECTION("enough messages") {
    auto r = bob.run({"listen", "--json", "--count", "2", "--timeout", "15"});
    REQUIRE_EXIT(r, 0);
    CHECK(texts_of(parse_json_lines(r.out)) == std::vector<std::string>{"first", "second"});
  }
  SECTION("too few messages: exit 5 after the timeout, with what did arrive printed") {
    auto r = bob.run({"listen", "--json", "--count", "3", "--timeout", "2"});
    CHECK_EXIT(r, 5);
    CHECK(texts_of(parse_json_lines(r.out)) == std::vector<std::string>{"first", "second"});
    CHECK(r.elapsed >= 1500ms);
    CHECK(r.elapsed < 8s);
  }
}

TEST_CASE("listen prints each message as it arrives", "[listen]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();

  // stdout is a pipe, as in `mqchat listen --json | jq`: each line must still come at once.
  auto listen = bob.start({"listen", "--json"});
  for (const std::string text : {"live one", "live two", "live three"}) {
    alice.send(bob, text);
    auto line = listen->read_line(10s);
    INFO(listen->describe());
    REQUIRE(line.has_value());
    auto m = nlohmann::json::parse(*line, nullptr, false);
    REQUIRE(m.is_object());
    CHECK(str(m, "text") == text);
    CHECK(listen->running());
  }
  listen->signal(SIGINT);
  INFO(listen->describe());
  CHECK(listen->wait_exit(10s).has_value());
}

TEST_CASE("send does not disturb a running listen of the same profile", "[listen][send]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();

  auto listen = bob.start({"listen", "--json"});
  REQUIRE(wait_until([&] { return contains(online_users(alice), "bob"); }, 10s));

  for (int i = 0; i < 3; ++i) bob.send(alice, "reply " + std::to_string(i));
  alice.send(bob, "still listening?");
  auto line = listen->read_line(10s);
  INFO(listen->describe());
  REQUIRE(line.has_value());
  CHECK(str(nlohmann::json::parse(*line, nullptr, false), "text") == "still listening?");
  CHECK(listen->running());
  CHECK(contains(online_users(alice), "bob"));

  CHECK(texts_of(alice.receive(3)) == std::vector<std::string>{"reply 0", "reply 1", "reply 2"});
}

TEST_CASE("a second listen on the same profile exits 1 and a killed listen never blocks the next",
          "[listen]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();

  auto first = bob.start({"listen", "--json"});
  REQUIRE(wait_until([&] { return contains(online_users(alice), "bob"); }, 10s));

  auto second = bob.run({"listen", "--json", "--count", "1", "--timeout", "5"});
  CHECK_EXIT(second, 1);
  CHECK(lines_of(second.err).size() == 1);
  CHECK(second.elapsed < 4s);
  CHECK(first->running());

  // The first listen still owns the session: a message reaches it.
  alice.send(bob, "to the first listen");
  auto line = first->read_line(10s);
  INFO(first->describe());
  REQUIRE(line.has_value());
  auto shown = nlohmann::json::parse(*line, nullptr, false);
  CHECK(str(shown, "text") == "to the first listen");

  // Kill it once it has recorded the message as seen: a kill between printing and recording
  // would rightly show that one message again (at least once; see mqchat-listen(1)).
  const auto seen_ids = bob.home() / "state" / "bob" / "seen_ids";
  REQUIRE(wait_until(
      [&] { return file_contents(seen_ids).find(str(shown, "id")) != std::string::npos; }, 10s));
  first->kill_and_wait();
  alice.send(bob, "to the next listen");
  CHECK(texts_of(bob.receive(1)) == std::vector<std::string>{"to the next listen"});
}

TEST_CASE("a foreign client's envelope is shown and a repeated id is shown once",
          "[listen][wire]") {
  Broker broker;
  User bob("bob", broker);
  User alice("alice", broker);
  alice.register_user();
  bob.register_user();

  std::string topic = "mqchat/v1/inbox/bob/alice";
  std::string first = envelope("x1", "alice", "bob", "hi from mosquitto_pub");
  mosquitto_pub(broker.port(), {"-q", "1", "-t", topic, "-m", first});
  mosquitto_pub(broker.port(), {"-q", "1", "-t", topic, "-m", first});  // redelivered
  mosquitto_pub(broker.port(),
                {"-q", "1", "-t", topic, "-m", envelope("x2", "alice", "bob", "second one")});

  auto messages = bob.receive(2);
  CHECK(str(messages[0], "id") == "x1");
  CHECK(str(messages[0], "from") == "alice");
  CHECK(str(messages[0], "to") == "bob");
  CHECK(str(messages[0], "type") == "dm");
  CHECK(str(messages[0], "text") == "hi from mosquitto_pub");
  CHECK(str(messages[0], "sent_at") == "2026-11-25T10:00:00.000Z");
  CHECK(str(messages[1], "id") == "x2");

  // An id already shown stays hidden in a later listen too.
  mosquitto_pub(broker.port(), {"-q", "1", "-t", topic, "-m", first});
  auto again = bob.run({"listen", "--json", "--count", "1", "--timeout", "2"});
  CHECK_EXIT(again, 5);
  CHECK(again.out.empty());
}

TEST_CASE("listen drops forged and garbage envelopes with one warning each and goes on",
          "[listen][wire]") {
  Broker broker;
  User bob("bob", broker);
  User alice("alice", broker);
  alice.register_user();
  bob.register_user();
  std::string topic = "mqchat/v1/inbox/bob/alice";

  // Baseline: what listen writes on stderr for one good message.
  mosquitto_pub(broker.port(),
                {"-q", "1", "-t", topic, "-m", envelope("g1", "alice", "bob", "good one")});
  auto baseline = bob.run({"listen", "--json", "--count", "1", "--timeout", "15"});
  REQUIRE_EXIT(baseline, 0);
  REQUIRE(texts_of(parse_json_lines(baseline.out)) == std::vector<std::string>{"good one"});

  std::vector<std::string> bad = {
      envelope("f1", "mallory", "bob", "forged: from is not the topic's sender"),
      "this is not json",
      std::string("\xff\xfe\xfd not utf-8 at all"),
      std::string(R"({"v":1,"id":"u1","type":"dm","from":"alice","to":"bob","text":")") +
          "\xc3\x28" + R"(","sent_at":"2026-11-25T10:00:00.000Z"})",
  };
  for (const auto& payload : bad) {
    mosquitto_pub(broker.port(), {"-q", "1", "-t", topic, "-m", payload});
  }
  mosquitto_pub(broker.port(),
                {"-q", "1", "-t", topic, "-m", envelope("g2", "alice", "bob", "good two")});

  auto r = bob.run({"listen", "--json", "--count", "1", "--timeout", "15"});
  REQUIRE_EXIT(r, 0);
  auto messages = parse_json_lines(r.out);
  REQUIRE(messages.size() == 1);
  CHECK(str(messages[0], "text") == "good two");
  INFO("baseline stderr:\n" << baseline.err << "stderr:\n" << r.err);
  CHECK(lines_of(r.err).size() == lines_of(baseline.err).size() + bad.size());
  CHECK(r.out.find("forged") == std::string::npos);
}
