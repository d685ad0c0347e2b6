// send and its delivery: a sent message reaches the recipient's listen, also when offline.

#include <set>

#include "tests/integration/harness.hpp"

using namespace itest;

namespace {

std::string numbered(const std::string& prefix, int i) {
  std::string n = std::to_string(i);
  return prefix + std::string(n.size() < 2 ? 2 - n.size() : 0, '0') + n;
}

}  // namespace

TEST_CASE("a message sent right after register reaches the first listen", "[send][listen]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();  // bob has never run listen

  auto sent = alice.run({"send", "bob", "hello", "bob"});
  REQUIRE_EXIT(sent, 0);

  auto messages = bob.receive(1);
  const auto& m = messages[0];
  INFO(m.dump());
  CHECK(str(m, "type") == "dm");
  CHECK(str(m, "from") == "alice");
  CHECK(str(m, "to") == "bob");
  CHECK(str(m, "text") == "hello bob");
  CHECK_FALSE(str(m, "id").empty());
  CHECK(is_rfc3339_utc(str(m, "sent_at")));
}

TEST_CASE("fifty messages sent while offline arrive in order exactly once", "[send][listen]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();

  std::vector<std::string> expected;
  for (int i = 1; i <= 50; ++i) {
    expected.push_back(numbered("offline message ", i));
    alice.send(bob, expected.back());
  }

  auto messages = bob.receive(50, 30);
  CHECK(texts_of(messages) == expected);
  std::set<std::string> ids;
  for (const auto& m : messages) ids.insert(str(m, "id"));
  CHECK(ids.size() == 50);

  // A second listen shows none of them again...
  auto again = bob.run({"listen", "--json", "--count", "1", "--timeout", "2"});
  CHECK_EXIT(again, 5);
  CHECK(again.out.empty());
  // ...and is not simply deaf: a new message still arrives.
  alice.send(bob, "after the fifty");
  CHECK(texts_of(bob.receive(1)) == std::vector<std::string>{"after the fifty"});
}

TEST_CASE("send takes the text from its words or from stdin", "[send]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();

  std::string expected;
  SECTION("words are joined by single spaces") {
    REQUIRE_EXIT(alice.run({"send", "bob", "several", "words", "here"}), 0);
    expected = "several words here";
  }
  SECTION("no text: stdin") {
    MqchatOptions o;
    o.input = "from stdin\n";
    REQUIRE_EXIT(alice.run({"send", "bob"}, o), 0);
    expected = "from stdin";
  }
  SECTION("'-': stdin, keeping inner newlines") {
    MqchatOptions o;
    o.input = "first line\nsecond line\n";
    REQUIRE_EXIT(alice.run({"send", "bob", "-"}, o), 0);
    expected = "first line\nsecond line";
  }
  SECTION("unicode text arrives unchanged") {
    REQUIRE_EXIT(alice.run({"send", "bob", "Grüße, 世界 🎉"}), 0);
    expected = "Grüße, 世界 🎉";
  }
  auto messages = bob.receive(1);
  CHECK(str(messages[0], "text") == expected);
}

TEST_CASE("send --lines sends each stdin line as its own message", "[send]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();

  MqchatOptions o;
  o.input = "one\ntwo\nthree\n";
  REQUIRE_EXIT(alice.run({"send", "bob", "--lines"}, o), 0);

  CHECK(texts_of(bob.receive(3)) == std::vector<std::string>{"one", "two", "three"});
  auto extra = bob.run({"listen", "--json", "--count", "1", "--timeout", "2"});
  CHECK_EXIT(extra, 5);
  CHECK(extra.out.empty());
}

TEST_CASE("a send to a user whose directory entry went since the last send exits 3", "[send]") {
  // A name that was sent to before (in the name cache, its key pinned) is looked up again on
  // every send: the entry may have been removed since, and a message for nobody is an error,
  // not a success (issue 17 kept the lookup for this).
  Chat chat;
  REQUIRE_EXIT(chat.alice.run({"send", "bob", "first"}), 0);
  mosquitto_pub(chat.broker.port(), {"-q", "1", "-r", "-n", "-t", "mqchat/v1/users/bob"});

  auto r = chat.alice.run({"send", "bob", "are you still there"});
  CHECK_EXIT(r, 3);
  CHECK(r.err.find("'bob'") != std::string::npos);
  CHECK(lines_of(r.err).size() == 1);
  CHECK(texts_of(chat.bob.receive(1)) == std::vector<std::string>{"first"});
}

TEST_CASE("send to an unregistered user exits 3 and publishes nothing", "[send]") {
  Broker broker;
  User alice("alice", broker);
  alice.register_user();

  // Watch every inbox; a marker before and after brackets the send.
  auto watch = mosquitto_sub(broker.port(), {"-v", "-q", "1", "-t", "mqchat/v1/inbox/#"});
  bool ready = wait_until(
      [&] {
        mosquitto_pub(broker.port(), {"-q", "1", "-t", "mqchat/v1/inbox/zz-marker/zz", "-m", "1"});
        return watch->read_line(300ms).has_value();
      },
      10s, 0ms);
  INFO(watch->describe());
  REQUIRE(ready);

  auto r = alice.run({"send", "carol", "are you there"});
  CHECK_EXIT(r, 3);
  CHECK(r.err.find("carol") != std::string::npos);
  CHECK(lines_of(r.err).size() == 1);

  mosquitto_pub(broker.port(), {"-q", "1", "-t", "mqchat/v1/inbox/zz-marker/end", "-m", "end"});
  std::vector<std::string> seen;
  for (;;) {
    auto line = watch->read_line(5s);
    REQUIRE(line.has_value());
    if (*line == "mqchat/v1/inbox/zz-marker/end end") break;
    if (line->rfind("mqchat/v1/inbox/zz-marker/", 0) != 0) seen.push_back(*line);
  }
  CHECK(seen.empty());
}

TEST_CASE("send --json reports the id that the recipient sees", "[send]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();

  auto r = alice.run({"send", "--json", "bob", "with an id"});
  REQUIRE_EXIT(r, 0);
  auto out = parse_json_lines(r.out);
  REQUIRE(out.size() == 1);
  std::string id = str(out[0], "id");
  REQUIRE_FALSE(id.empty());

  auto messages = bob.receive(1);
  CHECK(str(messages[0], "id") == id);
}

TEST_CASE("human listen output names the sender and the text", "[listen]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();
  alice.send(bob, "plain words for humans");

  auto r = bob.run({"listen", "--count", "1", "--timeout", "15"});
  REQUIRE_EXIT(r, 0);
  auto lines = lines_of(r.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find("alice") != std::string::npos);
  CHECK(lines[0].find("plain words for humans") != std::string::npos);
  CHECK(lines[0].find('\x1b') == std::string::npos);  // NO_COLOR and not a terminal
}

TEST_CASE("listen --from shows only that sender", "[listen]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  User carol("carol", broker);
  alice.register_user();
  bob.register_user();
  carol.register_user();
  alice.send(bob, "from alice");
  carol.send(bob, "from carol");

  auto r = bob.run({"listen", "--json", "--from", "carol", "--count", "1", "--timeout", "15"});
  REQUIRE_EXIT(r, 0);
  auto messages = parse_json_lines(r.out);
  REQUIRE(messages.size() == 1);
  CHECK(str(messages[0], "from") == "carol");
  CHECK(str(messages[0], "text") == "from carol");
}

TEST_CASE("history shows the messages sent to and received from one user", "[history]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  User carol("carol", broker);
  alice.register_user();
  bob.register_user();
  carol.register_user();

  alice.send(bob, "question from alice");
  CHECK(texts_of(bob.receive(1)) == std::vector<std::string>{"question from alice"});
  bob.send(alice, "answer from bob");
  alice.send(carol, "not part of the conversation with bob");
  CHECK(texts_of(alice.receive(1)) == std::vector<std::string>{"answer from bob"});

  auto r = alice.run({"history", "--with", "bob", "--json"});
  REQUIRE_EXIT(r, 0);
  auto messages = parse_json_lines(r.out);
  REQUIRE(messages.size() == 2);
  CHECK(str(messages[0], "text") == "question from alice");
  CHECK(str(messages[0], "from") == "alice");
  CHECK(str(messages[0], "to") == "bob");
  CHECK(str(messages[1], "text") == "answer from bob");
  CHECK(str(messages[1], "from") == "bob");
  CHECK(str(messages[1], "to") == "alice");
  for (const auto& m : messages) {
    INFO(m.dump());
    CHECK(str(m, "type") == "dm");
    CHECK_FALSE(str(m, "id").empty());
    CHECK(is_rfc3339_utc(str(m, "sent_at")));
  }

  auto last = alice.run({"history", "--with", "bob", "-n", "1", "--json"});
  REQUIRE_EXIT(last, 0);
  CHECK(texts_of(parse_json_lines(last.out)) == std::vector<std::string>{"answer from bob"});

  auto human = alice.run({"history", "--with", "bob"});
  REQUIRE_EXIT(human, 0);
  CHECK(human.out.find("question from alice") != std::string::npos);
  CHECK(human.out.find("answer from bob") != std::string::npos);
  CHECK(human.out.find("not part of the conversation") == std::string::npos);
}
