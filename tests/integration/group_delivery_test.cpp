// Group messages: each member sees each once, in each sender's order; the sender's own message
// stays out of its listen but is in its history; history --group; listen --group; forged and
// garbage group traffic is dropped with one warning each.

#include <signal.h>

#include <map>
#include <set>

#include "tests/integration/group_steps.hpp"
#include "tests/integration/harness.hpp"

using namespace itest;

namespace {

std::string numbered(const std::string& prefix, int i) {
  std::string n = std::to_string(i);
  return prefix + std::string(n.size() < 2 ? 2 - n.size() : 0, '0') + n;
}

// What VIEWER saw of GROUP's messages: per sender, the texts in the order shown. Fails on a
// repeated id.
std::map<std::string, std::vector<std::string>> by_sender(const std::vector<nlohmann::json>& seen,
                                                          const std::string& group,
                                                          const std::string& viewer) {
  std::map<std::string, std::vector<std::string>> out;
  std::set<std::string> ids;
  for (const auto& m : seen) {
    INFO(viewer << " saw " << m.dump());
    CHECK(ids.insert(str(m, "id")).second);
    if (str(m, "type") != "group") continue;
    CHECK(str(m, "group") == group);
    out[str(m, "from")].push_back(str(m, "text"));
  }
  return out;
}

std::string group_envelope(const std::string& id, const std::string& type, const std::string& from,
                           const std::string& group, const std::string& text) {
  nlohmann::json j = {{"v", 1},
                      {"id", id},
                      {"type", type},
                      {"from", from},
                      {"group", group},
                      {"text", text},
                      {"sent_at", "2026-11-25T10:00:00.000Z"}};
  return j.dump();
}

}  // namespace

TEST_CASE("every member sees each group message once, in each sender's order", "[group][listen]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  User carol("carol", broker);
  for (const User* u : {&alice, &bob, &carol}) {
    u->register_user();
    join(*u, "Group_1");
  }
  // carol listens throughout; alice and bob only afterwards (their messages queue meanwhile).
  auto listen = start_listen(carol, alice);

  std::vector<std::string> from_alice, from_bob;
  for (int i = 1; i <= 10; ++i) {  // interleaved, one command each
    from_alice.push_back(numbered("alice ", i));
    group_send(alice, "Group_1", from_alice.back());
    from_bob.push_back(numbered("bob ", i));
    group_send(bob, "Group_1", from_bob.back());
  }
  // Then both at once, ten lines each over one connection.
  std::string alice_lines, bob_lines;
  for (int i = 11; i <= 20; ++i) {
    from_alice.push_back(numbered("alice ", i));
    alice_lines += from_alice.back() + "\n";
    from_bob.push_back(numbered("bob ", i));
    bob_lines += from_bob.back() + "\n";
  }
  MqchatOptions a_in, b_in;
  a_in.input = alice_lines;
  b_in.input = bob_lines;
  auto a_send = alice.start({"group", "send", "--lines", "Group_1"}, a_in);
  auto b_send = bob.start({"group", "send", "--lines", "Group_1"}, b_in);
  INFO(a_send->describe() << b_send->describe());
  REQUIRE(a_send->wait_exit(20s) == std::optional<int>(0));
  REQUIRE(b_send->wait_exit(20s) == std::optional<int>(0));

  // A direct message after everything marks the end of what each listen must show.
  for (const User* u : {&alice, &bob, &carol}) alice.send(*u, "end");
  auto is_end = [](const nlohmann::json& m) {
    return str(m, "type") == "dm" && str(m, "text") == "end";
  };

  auto carol_seen = read_json_until(*listen, is_end, 30s);
  stop(*listen);
  auto carol_got = by_sender(carol_seen, "Group_1", "carol");
  CHECK(carol_got["alice"] == from_alice);
  CHECK(carol_got["bob"] == from_bob);
  CHECK(carol_got.size() == 2);

  auto alice_listen = alice.start({"listen", "--json"});
  auto alice_seen = read_json_until(*alice_listen, is_end, 30s);
  stop(*alice_listen);
  auto alice_got = by_sender(alice_seen, "Group_1", "alice");
  CHECK(alice_got["bob"] == from_bob);
  CHECK(alice_got.count("alice") == 0);  // her own messages are not shown back to her
  for (const auto& m : alice_seen) CHECK((str(m, "from") != "alice" || str(m, "type") == "dm"));

  auto bob_listen = bob.start({"listen", "--json"});
  auto bob_seen = read_json_until(*bob_listen, is_end, 30s);
  stop(*bob_listen);
  auto bob_got = by_sender(bob_seen, "Group_1", "bob");
  CHECK(bob_got["alice"] == from_alice);
  CHECK(bob_got.count("bob") == 0);

  // Nothing more is pending for anyone: no late duplicates.
  for (const User* u : {&alice, &bob, &carol}) {
    auto more = u->run({"listen", "--json", "--count", "1", "--timeout", "2"});
    INFO(u->name());
    CHECK_EXIT(more, 5);
    CHECK(more.out.empty());
  }
}

TEST_CASE("the sender's own group message is not shown to its listen but is in its history",
          "[group][listen][history]") {
  GroupChat chat;  // alice and bob, both in Group_1
  auto& alice = chat.alice;
  auto& bob = chat.bob;

  auto listen = start_listen(alice, bob);
  auto sent = alice.run({"group", "send", "--json", "Group_1", "my own words"});
  REQUIRE_EXIT(sent, 0);
  auto results = parse_json_lines(sent.out);
  REQUIRE(results.size() == 1);
  std::string id = str(results[0], "id");
  CHECK_FALSE(id.empty());
  bob.send(alice, "sentinel");

  // Before the sentinel at most bob's join notice, queued since alice joined first; never her
  // own group message.
  auto seen = read_json_until(*listen, text_is("sentinel"));
  for (const auto& m : seen) {
    INFO(m.dump());
    CHECK(str(m, "from") == "bob");
    CHECK(str(m, "type") != "group");
  }
  stop(*listen);

  auto history = alice.run({"history", "--group", "Group_1", "--json"});
  REQUIRE_EXIT(history, 0);
  std::vector<nlohmann::json> mine;
  for (const auto& m : parse_json_lines(history.out)) {
    if (str(m, "type") == "group") mine.push_back(m);
  }
  REQUIRE(mine.size() == 1);
  CHECK(str(mine[0], "text") == "my own words");
  CHECK(str(mine[0], "direction") == "out");
  CHECK(str(mine[0], "from") == "alice");
  CHECK(str(mine[0], "group") == "Group_1");
  CHECK(str(mine[0], "id") == id);

  // bob gets it with the same id.
  auto got = bob.receive(1);
  CHECK(str(got[0], "id") == id);
}

TEST_CASE("history --group shows the group's messages and notices seen here, in order",
          "[group][history]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();
  join(alice, "Group_1");
  join(alice, "Other");
  join(bob, "Group_1");
  join(bob, "Other");

  group_send(bob, "Group_1", "b1");
  group_send(bob, "Other", "elsewhere");
  bob.send(alice, "a direct message");
  // bob's two join notices, b1, elsewhere and the dm.
  CHECK(texts_of(alice.receive(5)) == std::vector<std::string>{"bob has joined Group_1",
                                                               "bob has joined Other", "b1",
                                                               "elsewhere", "a direct message"});
  group_send(alice, "Group_1", "a1");
  group_send(bob, "Group_1", "b2");
  REQUIRE_EXIT(bob.run({"group", "leave", "Group_1"}), 0);
  CHECK(texts_of(alice.receive(2)) == std::vector<std::string>{"b2", "bob has left Group_1"});

  auto r = alice.run({"history", "--group", "Group_1", "--json"});
  REQUIRE_EXIT(r, 0);
  auto history = parse_json_lines(r.out);
  std::vector<std::string> got;
  for (const auto& m : history) {
    INFO(m.dump());
    CHECK(str(m, "group") == "Group_1");
    CHECK_FALSE(str(m, "id").empty());
    CHECK(is_rfc3339_utc(str(m, "sent_at")));
    got.push_back(str(m, "type") + " " + str(m, "from") + " " + str(m, "direction") + " " +
                  str(m, "text"));
  }
  std::vector<std::string> expected = {
      "join alice out alice has joined Group_1",
      "join bob in bob has joined Group_1",
      "group bob in b1",
      "group alice out a1",
      "group bob in b2",
      "leave bob in bob has left Group_1",
  };
  CHECK(got == expected);

  auto last = alice.run({"history", "--group", "Group_1", "-n", "2", "--json"});
  REQUIRE_EXIT(last, 0);
  CHECK(texts_of(parse_json_lines(last.out)) ==
        std::vector<std::string>{"b2", "bob has left Group_1"});

  auto human = alice.run({"history", "--group", "Group_1"});
  REQUIRE_EXIT(human, 0);
  auto lines = lines_of(human.out);
  REQUIRE(lines.size() == expected.size());
  CHECK(lines[2].find("bob") != std::string::npos);
  CHECK(lines[2].find("b1") != std::string::npos);
  CHECK(lines[5].find("bob has left Group_1") != std::string::npos);
  CHECK(human.out.find("elsewhere") == std::string::npos);
  CHECK(human.out.find("a direct message") == std::string::npos);
}

TEST_CASE("listen --group shows only that group's messages and notices", "[group][listen]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();
  join(alice, "Group_1");
  join(alice, "Group_2");
  join(bob, "Group_2");
  join(bob, "Group_1");

  group_send(bob, "Group_2", "in two");
  bob.send(alice, "direct");
  group_send(bob, "Group_1", "in one");
  auto r = alice.run({"listen", "--json", "--group", "Group_1", "--count", "2", "--timeout", "15"});
  REQUIRE_EXIT(r, 0);
  auto messages = parse_json_lines(r.out);
  REQUIRE(messages.size() == 2);
  CHECK(str(messages[0], "type") == "join");
  CHECK(str(messages[0], "from") == "bob");
  CHECK(str(messages[1], "text") == "in one");
  for (const auto& m : messages) CHECK(str(m, "group") == "Group_1");

  // The human form names the group and the sender.
  group_send(bob, "Group_1", "for humans");
  auto human = alice.run({"listen", "--group", "Group_1", "--count", "1", "--timeout", "15"});
  REQUIRE_EXIT(human, 0);
  auto lines = lines_of(human.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find("bob") != std::string::npos);
  CHECK(lines[0].find("Group_1") != std::string::npos);
  CHECK(lines[0].find("for humans") != std::string::npos);
}

TEST_CASE("forged and garbage group traffic is dropped with one warning each and listen goes on",
          "[group][listen][wire]") {
  GroupChat chat;  // alice and bob, both in Group_1
  auto& broker = chat.broker;
  auto& alice = chat.alice;
  auto& bob = chat.bob;
  const std::string topic = "mqchat/v1/groups/Group_1/msg/alice";

  auto listen = start_listen(bob, alice);
  // Baseline: a good envelope from a foreign client is shown, with no warning.
  mosquitto_pub(broker.port(), {"-q", "1", "-t", topic, "-m",
                                group_envelope("g1", "group", "alice", "Group_1", "good one")});
  read_json_until(*listen, text_is("good one"));
  listen->drain();
  auto warnings_before = lines_of(listen->err()).size();

  const std::vector<std::string> bad = {
      group_envelope("f1", "group", "mallory", "Group_1", "forged message"),
      group_envelope("f2", "join", "mallory", "Group_1", "mallory has joined Group_1"),
      group_envelope("f3", "leave", "mallory", "Group_1", "mallory has left Group_1"),
      group_envelope("f4", "group", "alice", "Group_2", "forged: another group"),
      "this is not json",
      std::string("\xff\xfe not utf-8"),
      R"({"v":1,"id":"f5","type":"group","from":"alice"})",
  };
  for (const auto& payload : bad) {
    mosquitto_pub(broker.port(), {"-q", "1", "-t", topic, "-m", payload});
  }
  mosquitto_pub(broker.port(), {"-q", "1", "-t", topic, "-m",
                                group_envelope("g2", "group", "alice", "Group_1", "good two")});

  auto seen = read_json_until(*listen, text_is("good two"));
  CHECK(seen.size() == 1);
  CHECK(listen->running());
  listen->drain();
  auto err_lines = lines_of(listen->err());
  INFO(listen->describe());
  CHECK(err_lines.size() == warnings_before + bad.size());
  stop(*listen);
  CHECK(listen->out().find("forged") == std::string::npos);
  CHECK(listen->out().find("mallory") == std::string::npos);

  // Nothing of it made it into the history either.
  auto history = bob.run({"history", "--group", "Group_1", "--json"});
  REQUIRE_EXIT(history, 0);
  CHECK(history.out.find("mallory") == std::string::npos);
  CHECK(history.out.find("forged") == std::string::npos);
  CHECK(history.out.find("good two") != std::string::npos);
}
