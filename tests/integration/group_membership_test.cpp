// group join and leave: membership in the broker and the profile, join and leave notices, and
// what a member's listen receives after a join or a leave returned (running listen, next listen,
// never listened), also on a second machine after login.

#include <signal.h>

#include <algorithm>

#include "tests/integration/group_steps.hpp"
#include "tests/integration/harness.hpp"

using namespace itest;

namespace {

// The names `group members GROUP --json` shows to VIEWER (none when the group is unknown).
std::vector<std::string> member_names(const User& viewer, const std::string& group) {
  auto r = viewer.run({"group", "members", group, "--json"});
  INFO(describe(r));
  REQUIRE((r.exit_code == 0 || r.exit_code == 3));
  std::vector<std::string> names;
  if (r.exit_code == 0) {
    for (const auto& m : parse_json_lines(r.out)) names.push_back(str(m, "name"));
  }
  return names;
}

// The groups in USER's local profile, as `whoami --json` shows them.
std::vector<std::string> profile_groups(const User& user) {
  auto r = user.run({"whoami", "--json"});
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  auto objects = parse_json_lines(r.out);
  REQUIRE(objects.size() == 1);
  INFO(objects[0].dump());
  REQUIRE(objects[0].contains("groups"));
  REQUIRE(objects[0]["groups"].is_array());
  return objects[0]["groups"].get<std::vector<std::string>>();
}

std::vector<std::string> group_texts(const std::vector<nlohmann::json>& messages,
                                     const std::string& group) {
  std::vector<std::string> texts;
  for (const auto& m : messages) {
    if (str(m, "group") == group) texts.push_back(str(m, "text"));
  }
  return texts;
}

std::vector<nlohmann::json> history_of(const User& user, const std::string& group) {
  auto r = user.run({"history", "--group", group, "--json"});
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  return parse_json_lines(r.out);
}

}  // namespace

TEST_CASE("group join records the membership in the broker and in the profile", "[group]") {
  Broker broker;
  User alice("alice", broker);
  alice.register_user();
  CHECK(profile_groups(alice).empty());

  auto r = alice.run({"group", "join", "Group_1", "--json"});
  REQUIRE_EXIT(r, 0);

  // The retained member topic, read by a foreign client.
  auto sub = mosquitto_sub(broker.port(),
                           {"-C", "1", "-W", "10", "-t", "mqchat/v1/groups/Group_1/members/alice"});
  auto payload = sub->read_line(10s);
  INFO(sub->describe());
  REQUIRE(payload.has_value());
  auto record = nlohmann::json::parse(*payload, nullptr, false);
  REQUIRE(record.is_object());
  CHECK(is_rfc3339_utc(str(record, "joined_at")));

  CHECK(member_names(alice, "Group_1") == std::vector<std::string>{"alice"});
  CHECK(profile_groups(alice) == std::vector<std::string>{"Group_1"});

  // Joining again changes nothing and announces nothing new.
  REQUIRE_EXIT(alice.run({"group", "join", "Group_1"}), 0);
  CHECK(profile_groups(alice) == std::vector<std::string>{"Group_1"});
  CHECK(member_names(alice, "Group_1") == std::vector<std::string>{"alice"});
}

TEST_CASE("a join is announced to the group and a running member's listen shows it",
          "[group][listen]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();
  join(alice, "Group_1");

  auto listen = start_listen(alice, bob);
  join(bob, "Group_1");

  auto seen =
      read_json_until(*listen, [](const nlohmann::json& m) { return str(m, "type") == "join"; });
  INFO(listen->describe());
  REQUIRE(seen.size() == 1);
  const auto& notice = seen[0];
  CHECK(str(notice, "type") == "join");
  CHECK(str(notice, "group") == "Group_1");
  CHECK(str(notice, "from") == "bob");
  CHECK(str(notice, "text").find("bob") != std::string::npos);
  CHECK(str(notice, "text").find("Group_1") != std::string::npos);
  CHECK_FALSE(str(notice, "id").empty());
  CHECK(is_rfc3339_utc(str(notice, "sent_at")));
  CHECK(listen->running());
  stop(*listen);
}

TEST_CASE("a group message sent after a join by another command reaches the already running listen",
          "[group][listen]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();
  join(alice, "Group_1");

  // bob's listen runs before bob joins; the join is a separate command on the same profile.
  auto listen = start_listen(bob, alice);
  join(bob, "Group_1");
  CHECK(listen->running());
  group_send(alice, "Group_1", "welcome bob");

  auto seen = read_json_until(*listen, text_is("welcome bob"));
  const auto& m = seen.back();
  CHECK(str(m, "type") == "group");
  CHECK(str(m, "group") == "Group_1");
  CHECK(str(m, "from") == "alice");
  // Nothing but that message: bob's own join notice is not shown back to him.
  CHECK(seen.size() == 1);

  // And the listen stays subscribed: a second message arrives too.
  group_send(alice, "Group_1", "second one");
  CHECK(read_json_until(*listen, text_is("second one")).size() == 1);
  stop(*listen);
}

TEST_CASE("a group message sent after a join reaches a member who has never run listen",
          "[group][listen]") {
  Broker broker;
  User alice("alice", broker);
  User carol("carol", broker);
  alice.register_user();
  carol.register_user();  // carol never runs listen before the message is sent
  join(alice, "Group_1");
  join(carol, "Group_1");
  group_send(alice, "Group_1", "hello carol");

  auto messages = carol.receive(1);
  CHECK(str(messages[0], "type") == "group");
  CHECK(str(messages[0], "group") == "Group_1");
  CHECK(str(messages[0], "from") == "alice");
  CHECK(str(messages[0], "text") == "hello carol");
}

TEST_CASE("a group message sent after a join reaches the member's next listen", "[group][listen]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();
  join(alice, "Group_1");

  // bob has listened before (his session exists), then stops, joins and listens again.
  alice.send(bob, "a direct one first");
  CHECK(texts_of(bob.receive(1)) == std::vector<std::string>{"a direct one first"});
  join(bob, "Group_1");
  group_send(alice, "Group_1", "for the next listen");

  auto messages = bob.receive(1);
  CHECK(str(messages[0], "group") == "Group_1");
  CHECK(str(messages[0], "text") == "for the next listen");
}

TEST_CASE("after group leave returned, a running listen gets nothing more from the group",
          "[group][listen]") {
  GroupChat chat;  // alice and bob, both in Group_1
  auto& alice = chat.alice;
  auto& bob = chat.bob;

  auto listen = start_listen(bob, alice);
  group_send(alice, "Group_1", "before the leave");
  read_json_until(*listen, text_is("before the leave"));

  leave(bob, "Group_1");
  CHECK(listen->running());
  for (int i = 1; i <= 3; ++i) group_send(alice, "Group_1", "after the leave " + std::to_string(i));
  alice.send(bob, "sentinel");

  // The direct message sent last arrives; none of the group messages sent before it does.
  auto seen = read_json_until(*listen, text_is("sentinel"));
  CHECK(group_texts(seen, "Group_1").empty());
  CHECK(seen.size() == 1);
  listen->drain();
  stop(*listen);
  CHECK(listen->out().find("after the leave") == std::string::npos);

  // Not in the broker's member list, nor the profile, nor the history.
  CHECK_FALSE(contains(member_names(alice, "Group_1"), "bob"));
  CHECK(profile_groups(bob).empty());
  for (const auto& m : history_of(bob, "Group_1")) {
    INFO(m.dump());
    CHECK(str(m, "text").find("after the leave") == std::string::npos);
  }
}

TEST_CASE("after group leave returned, the next listen gets nothing more from the group",
          "[group][listen]") {
  GroupChat chat;  // alice and bob, both in Group_1
  auto& broker = chat.broker;
  auto& alice = chat.alice;
  auto& bob = chat.bob;
  group_send(alice, "Group_1", "before the leave");
  CHECK(texts_of(bob.receive(1)) == std::vector<std::string>{"before the leave"});

  leave(bob, "Group_1");
  for (int i = 1; i <= 3; ++i) group_send(alice, "Group_1", "after the leave " + std::to_string(i));
  alice.send(bob, "sentinel");

  // Queued in that order: any group message still delivered would come before the sentinel.
  auto messages = bob.receive(1);
  CHECK(str(messages[0], "text") == "sentinel");
  auto more = bob.run({"listen", "--json", "--count", "1", "--timeout", "2"});
  CHECK_EXIT(more, 5);
  CHECK(more.out.empty());

  CHECK_FALSE(contains(member_names(alice, "Group_1"), "bob"));
  CHECK(profile_groups(bob).empty());
  // The retained member topic is gone, for foreign clients too.
  auto retained = retained_lines(broker.port(), "mqchat/v1/groups/Group_1/members/+",
                                 "mqchat/v1/groups/Group_1/members/zz-marker");
  INFO("retained member records:\n"
       << [&] {
            std::string s;
            for (const auto& l : retained) s += l + "\n";
            return s;
          }());
  REQUIRE(retained.size() == 1);
  CHECK(retained[0].rfind("mqchat/v1/groups/Group_1/members/alice ", 0) == 0);
}

TEST_CASE("a member who never listened and then left gets nothing from the group",
          "[group][listen]") {
  GroupChat chat;  // alice and bob, both in Group_1
  auto& alice = chat.alice;
  auto& bob = chat.bob;
  leave(bob, "Group_1");
  group_send(alice, "Group_1", "after the leave");
  alice.send(bob, "sentinel");

  auto messages = bob.receive(1);
  CHECK(str(messages[0], "text") == "sentinel");
  auto more = bob.run({"listen", "--json", "--count", "1", "--timeout", "2"});
  CHECK_EXIT(more, 5);
  CHECK(more.out.find("after the leave") == std::string::npos);
}

TEST_CASE("the leave notice names the user and the group and other members see it",
          "[group][listen]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  User carol("carol", broker);
  alice.register_user();
  bob.register_user();
  carol.register_user();
  join(alice, "Group_1");
  join(carol, "Group_1");
  join(bob, "Group_1");

  auto listen = start_listen(alice, bob);
  leave(bob, "Group_1");

  auto seen =
      read_json_until(*listen, [](const nlohmann::json& m) { return str(m, "type") == "leave"; });
  const auto& notice = seen.back();
  CHECK(str(notice, "from") == "bob");
  CHECK(str(notice, "group") == "Group_1");
  CHECK(str(notice, "text").find("bob") != std::string::npos);
  CHECK(str(notice, "text").find("left") != std::string::npos);
  CHECK(str(notice, "text").find("Group_1") != std::string::npos);
  stop(*listen);

  // carol, who was not listening, reads it in human form at her next listen (after the join
  // notice of bob, sent earlier).
  auto human = carol.run({"listen", "--count", "2", "--timeout", "15"});
  REQUIRE_EXIT(human, 0);
  auto lines = lines_of(human.out);
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].find("bob has left") != std::string::npos);
  CHECK(lines[1].find("Group_1") != std::string::npos);

  // Leaving a group one is not in: exit 3, one line.
  auto again = bob.run({"group", "leave", "Group_1"});
  CHECK_EXIT(again, 3);
  CHECK(lines_of(again.err).size() == 1);
}

TEST_CASE("group send by a non-member exits 3 with a hint, and with --join joins first",
          "[group]") {
  Broker broker;
  User alice("alice", broker);
  User dave("dave", broker);
  alice.register_user();
  dave.register_user();
  join(alice, "Group_1");
  auto listen = start_listen(alice, dave);

  auto refused = dave.run({"group", "send", "Group_1", "not a member yet"});
  CHECK_EXIT(refused, 3);
  CHECK(lines_of(refused.err).size() == 1);
  CHECK(refused.err.find("--join") != std::string::npos);
  CHECK_FALSE(contains(member_names(alice, "Group_1"), "dave"));
  CHECK(profile_groups(dave).empty());

  auto joined = dave.run({"group", "send", "--join", "Group_1", "now a member"});
  REQUIRE_EXIT(joined, 0);
  CHECK(contains(member_names(alice, "Group_1"), "dave"));
  CHECK(profile_groups(dave) == std::vector<std::string>{"Group_1"});

  // alice sees the join notice, then the message; never the refused one.
  auto seen = read_json_until(*listen, text_is("now a member"));
  REQUIRE(seen.size() == 2);
  CHECK(str(seen[0], "type") == "join");
  CHECK(str(seen[0], "from") == "dave");
  CHECK(str(seen[1], "type") == "group");
  CHECK(str(seen[1], "from") == "dave");
  CHECK(str(seen[1], "group") == "Group_1");
  stop(*listen);
  CHECK(listen->out().find("not a member yet") == std::string::npos);

  // dave is now a member like any other: replies reach him.
  group_send(alice, "Group_1", "welcome dave");
  CHECK(texts_of(dave.receive(1)) == std::vector<std::string>{"welcome dave"});
}

TEST_CASE("login on a new machine restores the groups", "[group][login]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();
  join(alice, "Group_1");
  join(alice, "Group_2");
  join(bob, "Group_1");

  User laptop("alice", broker);  // alice's second machine: an empty state directory
  // With the identity of the first machine, so that bob's pin of alice's key still holds.
  auto exported = alice.run({"key", "export"});
  REQUIRE_EXIT(exported, 0);
  MqchatOptions with_key;
  with_key.input = exported.out;
  REQUIRE_EXIT(laptop.run({"login", "alice", "--key-file", "-"}, with_key), 0);
  CHECK(profile_groups(laptop) == std::vector<std::string>{"Group_1", "Group_2"});

  // Sent after the login returned: the laptop's first listen shows it...
  group_send(bob, "Group_1", "to the laptop");
  auto first =
      laptop.run({"listen", "--json", "--group", "Group_1", "--count", "1", "--timeout", "15"});
  REQUIRE_EXIT(first, 0);
  CHECK(texts_of(parse_json_lines(first.out)) == std::vector<std::string>{"to the laptop"});

  // ...and a running listen on the laptop gets the next one.
  auto listen = start_listen(laptop, bob);
  group_send(bob, "Group_1", "live to the laptop");
  auto seen = read_json_until(*listen, text_is("live to the laptop"));
  CHECK(str(seen.back(), "group") == "Group_1");
  CHECK(str(seen.back(), "from") == "bob");
  stop(*listen);
}

TEST_CASE("a running listen follows a group leave and a re-join without a restart",
          "[group][listen]") {
  GroupChat chat;  // alice and bob, both in Group_1
  auto& alice = chat.alice;
  auto& bob = chat.bob;

  auto listen = start_listen(bob, alice);
  leave(bob, "Group_1");
  group_send(alice, "Group_1", "while bob is out");
  join(bob, "Group_1");
  CHECK(profile_groups(bob) == std::vector<std::string>{"Group_1"});
  CHECK(contains(member_names(alice, "Group_1"), "bob"));
  group_send(alice, "Group_1", "bob is back");

  auto seen = read_json_until(*listen, text_is("bob is back"));
  CHECK(group_texts(seen, "Group_1") == std::vector<std::string>{"bob is back"});
  stop(*listen);
}

TEST_CASE("concurrent group joins on one profile all take effect", "[group]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();

  const std::vector<std::string> groups = {"G1", "G2", "G3", "G4", "G5"};
  std::vector<std::unique_ptr<Process>> joins;
  for (const auto& g : groups) joins.push_back(bob.start({"group", "join", g}));
  for (auto& j : joins) {
    auto code = j->wait_exit(30s);
    INFO(j->describe());
    CHECK(code == std::optional<int>(0));
  }
  CHECK(profile_groups(bob) == groups);
  for (const auto& g : groups) {
    INFO(g);
    CHECK(member_names(alice, g) == std::vector<std::string>{"bob"});
  }
  // bob's session receives all four groups.
  for (const auto& g : groups) {
    join(alice, g);
    group_send(alice, g, "hello " + g);
  }
  std::vector<std::string> texts;
  for (const auto& m : bob.receive(8)) {  // alice's join notice and message in each group
    if (str(m, "type") == "group") texts.push_back(str(m, "text"));
  }
  std::sort(texts.begin(), texts.end());
  CHECK(texts == std::vector<std::string>{"hello G1", "hello G2", "hello G3", "hello G4"});
}

TEST_CASE("group send --join while the profile's listen runs joins and sends", "[group][listen]") {
  Broker broker;
  User alice("alice", broker);
  User dave("dave", broker);
  alice.register_user();
  dave.register_user();
  join(alice, "Group_1");

  auto listen = start_listen(dave, alice);
  auto r = dave.run({"group", "send", "--join", "Group_1", "hi, I am new"});
  REQUIRE_EXIT(r, 0);
  CHECK(profile_groups(dave) == std::vector<std::string>{"Group_1"});
  CHECK(contains(member_names(alice, "Group_1"), "dave"));

  CHECK(texts_of(alice.receive(2)) ==
        std::vector<std::string>{"dave has joined Group_1", "hi, I am new"});
  group_send(alice, "Group_1", "welcome dave");
  auto seen = read_json_until(*listen, text_is("welcome dave"));
  CHECK(seen.size() == 1);
  stop(*listen);
}

TEST_CASE("a running listen still receives group messages after the broker restarted",
          "[group][listen]") {
  GroupChat chat;  // alice and bob, both in Group_1
  auto& broker = chat.broker;
  auto& alice = chat.alice;
  auto& bob = chat.bob;

  auto listen = start_listen(bob, alice);
  group_send(alice, "Group_1", "before the restart");
  read_json_until(*listen, text_is("before the restart"));

  broker.restart();
  REQUIRE(wait_until([&] { return contains(online_users(alice), "bob"); }, 20s));
  group_send(alice, "Group_1", "after the restart");
  auto seen = read_json_until(*listen, text_is("after the restart"), 20s);
  CHECK(group_texts(seen, "Group_1") == std::vector<std::string>{"after the restart"});
  CHECK(listen->running());
  stop(*listen);
}

TEST_CASE("a leave or join on one machine is followed by the same user's listen on another",
          "[group][listen]") {
  GroupChat chat;  // alice and bob, both in Group_1
  auto& broker = chat.broker;
  auto& alice = chat.alice;
  auto& bob = chat.bob;
  User laptop("bob", broker);  // bob's second machine
  REQUIRE_EXIT(laptop.run({"login", "bob"}), 0);
  REQUIRE(profile_groups(laptop) == std::vector<std::string>{"Group_1"});

  auto listen = start_listen(laptop, alice);
  leave(bob, "Group_1");  // on the first machine
  group_send(alice, "Group_1", "after bob left elsewhere");
  join(bob, "Group_2");
  join(alice, "Group_2");
  group_send(alice, "Group_2", "in the group bob joined elsewhere");
  // The sentinel comes last: everything before it has been handled by the laptop's listen.
  alice.send(bob, "sentinel");
  auto seen = read_json_until(*listen, text_is("sentinel"));
  stop(*listen);
  std::vector<std::string> texts;
  for (const auto& m : seen) texts.push_back(str(m, "text"));
  CHECK_FALSE(contains(texts, "after bob left elsewhere"));
  CHECK(contains(texts, "in the group bob joined elsewhere"));
  CHECK(profile_groups(laptop) == std::vector<std::string>{"Group_2"});
}
