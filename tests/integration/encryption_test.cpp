// End-to-end encryption against a real mosquitto, as a foreign observer sees it: a spy that
// subscribes to everything, the broker's own database, forged envelopes from mosquitto_pub,
// key changes, a second machine, and members who come and go.
#include <fstream>
#include <regex>

#include "tests/integration/group_steps.hpp"
#include "tests/integration/harness.hpp"

using namespace itest;

namespace {

// A mosquitto_sub on everything under mqchat/ (with -v: "TOPIC PAYLOAD" lines), ready once a
// marker of its own came back.
std::unique_ptr<Process> start_spy(const Broker& broker) {
  auto spy = mosquitto_sub(broker.port(), {"-v", "-q", "1", "-t", "mqchat/#", "-t", "spy/#"});
  bool ready = wait_until(
      [&] {
        mosquitto_pub(broker.port(), {"-t", "spy/ready", "-m", "ready"});
        while (auto line = spy->read_line(200ms)) {
          if (line->rfind("spy/ready", 0) == 0) return true;
        }
        return false;
      },
      10s);
  INFO(spy->describe());
  REQUIRE(ready);
  return spy;
}

// Everything the spy saw until a marker published now comes back.
std::string spy_lines(const Broker& broker, Process& spy) {
  mosquitto_pub(broker.port(), {"-q", "1", "-t", "spy/done", "-m", "done"});
  std::string seen;
  while (auto line = spy.read_line(10s)) {
    if (line->rfind("spy/done", 0) == 0) return seen;
    seen += *line + "\n";
  }
  FAIL("the spy's marker did not come back");
  return seen;
}

// The payloads the spy saw on TOPIC, in order.
std::vector<std::string> payloads_on(const std::string& seen, const std::string& topic) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < seen.size()) {
    auto end = seen.find('\n', start);
    auto line = seen.substr(start, end - start);
    if (line.rfind(topic + " ", 0) == 0) out.push_back(line.substr(topic.size() + 1));
    start = end + 1;
  }
  return out;
}

std::string fingerprint(const User& user) {
  auto r = user.run({"--json", "key"});
  REQUIRE_EXIT(r, 0);
  return str(nlohmann::json::parse(r.out), "fingerprint");
}

// Makes USER's profile list GROUP again without joining: what a client that ignores its own
// leave would do to keep reading.
void pretend_member(const User& user, const std::string& group) {
  auto path = user.home() / "profiles" / (user.name() + ".yaml");
  auto yaml = file_contents(path);
  yaml = std::regex_replace(yaml, std::regex("groups: \\[[^\\]]*\\]"), "groups: [" + group + "]");
  std::ofstream(path) << yaml;
}

MqchatOptions with_input(const std::string& text) {
  MqchatOptions o;
  o.input = text;
  return o;
}

}  // namespace

TEST_CASE("a spy on the broker and its database see none of the texts", "[e2e]") {
  Chat c;
  auto spy = start_spy(c.broker);  // before the joins, so that it sees the notices too
  join(c.alice, "Group_1");
  join(c.bob, "Group_1");
  c.alice.send(c.bob, "secret direct text");
  group_send(c.alice, "Group_1", "secret group text");
  REQUIRE_EXIT(c.alice.run({"send", "--lines", "bob"}, with_input("secret line text\n")), 0);
  auto seen = spy_lines(c.broker, *spy);
  CHECK(payloads_on(seen, "mqchat/v1/inbox/bob/alice").size() >= 2);
  CHECK(payloads_on(seen, "mqchat/v1/groups/Group_1/msg/alice").size() >= 1);
  CHECK(seen.find("secret") == std::string::npos);
  CHECK(payloads_on(seen, "mqchat/v1/groups/Group_1/msg/bob").size() == 1);  // bob's join notice
  CHECK(seen.find("has joined") == std::string::npos);  // notices are sealed too

  // Queued for bob, who is not listening: on the broker's disk after a clean stop...
  c.broker.stop();
  std::string db;
  for (const auto& entry : std::filesystem::directory_iterator(c.broker.dir())) {
    if (entry.path().extension() == ".db") db += file_contents(entry.path());
  }
  REQUIRE_FALSE(db.empty());
  CHECK(db.find("mqchat/v1/inbox/bob/alice") != std::string::npos);
  CHECK(db.find("secret") == std::string::npos);
  // ...and bob reads them after the restart, each verified.
  c.broker.restart();
  auto got = c.bob.receive(3);
  CHECK(texts_of(got) ==
        std::vector<std::string>{"secret direct text", "secret group text", "secret line text"});
  for (const auto& m : got) {
    CHECK(m.at("verified") == true);
    CHECK(m.at("encrypted") == true);
  }
}

TEST_CASE("a forged envelope in alice's name is never verified", "[e2e]") {
  Chat c;
  c.alice.send(c.bob, "from alice");
  nlohmann::json forged = {{"v", 1},
                           {"id", "forged-1"},
                           {"type", "dm"},
                           {"from", "alice"},
                           {"to", "bob"},
                           {"text", "send me money"},
                           {"sent_at", "2026-11-25T10:00:00.000Z"}};
  mosquitto_pub(c.broker.port(),
                {"-q", "1", "-t", "mqchat/v1/inbox/bob/alice", "-m", forged.dump()});
  c.alice.send(c.bob, "still alice");

  SECTION("shown unverified, and marked in human output") {
    auto got = c.bob.receive(3);
    REQUIRE(got.size() == 3);
    CHECK(got[0].at("verified") == true);
    CHECK(str(got[1], "text") == "send me money");
    CHECK(got[1].at("verified") == false);
    CHECK(got[1].at("encrypted") == false);
    CHECK(got[2].at("verified") == true);
    auto history = c.bob.run({"history", "--with", "alice"});
    CHECK_THAT(history.out, Catch::Contains("alice [unverified] \u2192 bob: send me money"));
  }
  SECTION("--verified-only does not show it") {
    auto r = c.bob.run({"listen", "--json", "--verified-only", "--count", "2", "--timeout", "15"});
    REQUIRE_EXIT(r, 0);
    CHECK(texts_of(parse_json_lines(r.out)) ==
          std::vector<std::string>{"from alice", "still alice"});
    CHECK_THAT(r.err, Catch::Contains("--verified-only"));
  }
}

TEST_CASE("a key change is refused until trust, and --key-file keeps the key on a new machine",
          "[e2e][login]") {
  Chat c;
  c.alice.send(c.bob, "first");
  auto old_fp = fingerprint(c.bob);

  // bob on a new machine without his key: a new identity, which alice refuses to write to.
  User bob2("bob", c.broker);
  auto login = bob2.run({"login", "bob"});
  REQUIRE_EXIT(login, 0);
  CHECK_THAT(login.err, Catch::Contains("new identity key"));
  auto new_fp = fingerprint(bob2);
  CHECK(new_fp != old_fp);
  auto refused = c.alice.run({"send", "bob", "to the new key"});
  CHECK_EXIT(refused, 3);
  CHECK_THAT(refused.err, Catch::Contains(old_fp) && Catch::Contains(new_fp) &&
                              Catch::Contains("mqchat trust bob"));
  auto who = c.alice.run({"--json", "-v", "who"});
  for (const auto& u : parse_json_lines(who.out)) {
    if (str(u, "name") == "bob") CHECK(str(u, "key_status") == "changed");
  }
  REQUIRE_EXIT(c.alice.run({"trust", "bob"}), 0);
  c.alice.send(c.bob, "to the new key");
  CHECK(texts_of(bob2.receive(1)) == std::vector<std::string>{"to the new key"});

  // A third machine with bob2's exported key: same fingerprint, reads what is queued for bob.
  auto exported = bob2.run({"key", "export"});
  REQUIRE_EXIT(exported, 0);
  User bob3("bob", c.broker);
  REQUIRE_EXIT(bob3.run({"login", "bob", "--key-file", "-"}, with_input(exported.out)), 0);
  CHECK(fingerprint(bob3) == new_fp);
  c.alice.send(c.bob, "queued for both machines");
  CHECK(texts_of(bob3.receive(1)) == std::vector<std::string>{"queued for both machines"});
  CHECK(texts_of(bob2.receive(1)) == std::vector<std::string>{"queued for both machines"});
}

TEST_CASE("who left cannot read what follows, who joined cannot read what came before",
          "[e2e][group]") {
  Chat c;
  User carol("carol", c.broker);
  User dave("dave", c.broker);
  carol.register_user();
  dave.register_user();
  for (const auto* u : {&c.alice, &c.bob, &carol}) join(*u, "devs");
  auto spy = start_spy(c.broker);
  group_send(c.alice, "devs", "before the changes");
  CHECK(texts_of(carol.receive(1, 15)).back() == "before the changes");  // carol has alice's key
  leave(carol, "devs");
  group_send(c.alice, "devs", "after carol left");
  auto seen = spy_lines(c.broker, *spy);
  auto sealed = payloads_on(seen, "mqchat/v1/groups/devs/msg/alice");
  REQUIRE(sealed.size() == 2);
  // alice's grants: her first key to bob and carol, after the leave a new one to bob alone.
  CHECK(payloads_on(seen, "mqchat/v1/inbox/carol/alice").size() == 1);
  CHECK(payloads_on(seen, "mqchat/v1/inbox/bob/alice").size() == 2);

  // carol's client ignores its own leave and is handed the message again: with the keys it kept,
  // it cannot open it.
  pretend_member(carol, "devs");
  auto carol_listen = start_listen(carol, c.bob, {"--group", "devs"});
  mosquitto_pub(c.broker.port(),
                {"-q", "1", "-t", "mqchat/v1/groups/devs/msg/alice", "-m", sealed[1]});
  bool waits = wait_until(
      [&] {
        carol_listen->drain();
        return carol_listen->err().find("waits for their group key") != std::string::npos;
      },
      10s);
  INFO(carol_listen->describe());
  CHECK(waits);
  stop(*carol_listen);
  CHECK(carol_listen->out().find("after carol left") == std::string::npos);

  // dave joins after both: handed them, he can open neither...
  join(dave, "devs");
  auto dave_listen = start_listen(dave, c.bob, {"--group", "devs"});
  for (const auto& payload : sealed) {
    mosquitto_pub(c.broker.port(),
                  {"-q", "1", "-t", "mqchat/v1/groups/devs/msg/alice", "-m", payload});
  }
  // ...but what alice sends now, with a key made for the new members, he reads, verified.
  group_send(c.alice, "devs", "welcome dave");
  auto got = read_json_until(*dave_listen, text_is("welcome dave"));
  for (const auto& m : got) {
    CHECK(str(m, "text") != "before the changes");
    CHECK(str(m, "text") != "after carol left");
  }
  CHECK(got.back().at("verified") == true);
  stop(*dave_listen);
  dave_listen->drain();
  CHECK_THAT(dave_listen->err(), Catch::Contains("waits for their group key"));
}
