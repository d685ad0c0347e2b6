// Every command's --json output against the schema of man/mqchat-json.7, read from the page
// itself: a field printed but not documented, documented but missing, or of another type fails.

#include "tests/integration/json_schema.hpp"

#include <set>

#include "tests/integration/harness.hpp"

using namespace itest;

namespace {

// Checks every JSON line of TEXT as an object of KIND; records the kind as seen.
struct SchemaCheck {
  JsonSchema schema = read_schema(json_man_page());
  std::set<std::string> kinds_seen;
  std::set<std::string> commands_seen;

  void lines(const std::string& command, const std::string& kind, const std::string& text,
             std::size_t at_least = 1) {
    INFO("mqchat " << command << " --json printed:\n" << text);
    auto objects = parse_json_lines(text);
    CHECK(objects.size() >= at_least);
    for (const auto& o : objects) {
      INFO("object of kind '" << kind << "': " << o.dump());
      CHECK(schema_problems(schema, kind, o) == std::vector<std::string>{});
    }
    kinds_seen.insert(kind);
    commands_seen.insert(command);
  }

  void run(const User& u, const std::string& command, const std::vector<std::string>& args,
           const std::string& kind, int exit_code = 0, MqchatOptions o = {}) {
    std::vector<std::string> full{"--json"};
    full.insert(full.end(), args.begin(), args.end());
    auto r = u.run(full, o);
    CHECK_EXIT(r, exit_code);
    lines(command, kind, r.out);
  }
};

// The commands of `mqchat --help`, nested ones as "group send".
std::set<std::string> all_commands() {
  auto subs = [](const std::string& help) {
    std::vector<std::string> out;
    bool in = false;
    for (const auto& line : lines_of(help)) {
      if (line.rfind("Subcommands:", 0) == 0) {
        in = true;
        continue;
      }
      if (!line.empty() && line[0] != ' ') in = false;
      if (in && line.size() > 2 && line[2] >= 'a' && line[2] <= 'z') {
        out.push_back(line.substr(2, line.find(' ', 2) - 2));
      }
    }
    return out;
  };
  std::set<std::string> out;
  for (const auto& top : subs(run_mqchat({"--help"}).out)) {
    auto nested = subs(run_mqchat({top, "--help"}).out);
    if (nested.empty()) out.insert(top);
    for (const auto& n : nested) out.insert(top + " " + n);
  }
  return out;
}

}  // namespace

TEST_CASE("the JSON schema page parses and documents every object kind it names", "[json][docs]") {
  auto schema = read_schema(json_man_page());
  for (const char* kind :
       {"message", "history entry", "profile", "signed out", "sent", "batch result", "membership",
        "group", "user", "member", "setting", "setting change", "local profile", "profile choice",
        "version", "error", "warning"}) {
    INFO(kind);
    REQUIRE(schema.count(kind) == 1);
    CHECK_FALSE(schema.at(kind).empty());
  }
  // The checker itself catches drift.
  CHECK_FALSE(
      schema_problems(schema, "group", {{"name", "g"}, {"members", 1}, {"new", 1}}).empty());
  CHECK_FALSE(schema_problems(schema, "group", {{"name", "g"}}).empty());
  CHECK_FALSE(schema_problems(schema, "group", {{"name", "g"}, {"members", "1"}}).empty());
  CHECK_FALSE(schema_problems(schema, "message",
                              {{"v", 1},
                               {"id", "x"},
                               {"type", "shout"},
                               {"from", "a"},
                               {"text", "t"},
                               {"sent_at", "2026-11-25T10:00:00.000Z"}})
                  .empty());
  CHECK(schema_problems(schema, "group", {{"name", "g"}, {"members", 2}}).empty());
}

TEST_CASE("every command's --json output matches mqchat-json(7)", "[json][docs]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  SchemaCheck check;

  check.run(alice, "register", {"register", "alice", "--phone", "+15551234"}, "profile");
  check.run(bob, "register", {"register", "bob"}, "profile");
  check.run(alice, "whoami", {"whoami"}, "profile");
  check.run(bob, "login", {"login", "bob"}, "profile");
  check.run(alice, "group join", {"group", "join", "devs"}, "membership");
  check.run(bob, "group join", {"group", "join", "devs"}, "membership");
  // A garbage payload first in bob's inbox: his listen skips it with a warning, JSON under --json.
  mosquitto_pub(broker.port(), {"-q", "1", "-t", "mqchat/v1/inbox/bob/alice", "-m", "garbage"});
  check.run(alice, "send", {"send", "bob", "hello bob"}, "sent");
  check.run(alice, "group send", {"group", "send", "devs", "hello devs"}, "sent");

  MqchatOptions batch;
  batch.input =
      "{\"to\": \"bob\", \"text\": \"batched\"}\n{\"group\": \"devs\", \"text\": \"g\"}\n"
      "not json\n{\"to\": \"nobody\", \"text\": \"x\"}\n";
  auto b = alice.run({"--json", "send", "--batch"}, batch);
  CHECK_EXIT(b, 2);
  check.lines("send", "batch result", b.out, 4);
  check.lines("send", "error", b.err);

  // bob receives the dm, the group message and the batched dm and group message (alice joined
  // devs before him, so her join notice is not his).
  MqchatOptions wait;
  wait.timeout = std::chrono::seconds(30);
  auto listen = bob.run({"--json", "listen", "--count", "4", "--timeout", "15"}, wait);
  CHECK_EXIT(listen, 0);
  check.lines("listen", "message", listen.out, 4);
  check.lines("listen", "warning", listen.err);
  check.run(bob, "history", {"history"}, "history entry");
  check.run(alice, "history", {"history"}, "history entry");
  check.run(alice, "who", {"who"}, "user");
  check.run(alice, "who -v", {"-v", "who"}, "user");
  check.run(alice, "group members -v", {"-v", "group", "members", "devs"}, "member");
  check.run(alice, "key", {"key"}, "identity");
  check.run(alice, "key export", {"key", "export"}, "identity export");
  check.run(alice, "trust", {"trust", "bob"}, "trust");
  check.run(alice, "group list", {"group", "list"}, "group");
  check.run(alice, "group members", {"group", "members", "devs"}, "member");

  check.run(alice, "config list", {"config", "list"}, "setting");
  check.run(alice, "config get", {"config", "get", "qos"}, "setting");
  check.run(alice, "config set", {"config", "set", "qos", "1"}, "setting change");
  check.run(alice, "config set", {"config", "set", "--in-profile", "qos", "2"}, "setting change");
  check.run(alice, "config unset", {"config", "unset", "qos"}, "setting change");
  check.run(alice, "profile list", {"profile", "list"}, "local profile");
  check.run(alice, "profile use", {"profile", "use", "alice"}, "profile choice");
  check.run(alice, "version", {"--version"}, "version");
  // The test broker is configured for mqchat, so every row passes and doctor exits 0.
  check.run(alice, "doctor", {"doctor", "--queue", "50"}, "check");

  auto failed = alice.run({"--json", "send", "nobody", "hi"});
  CHECK_EXIT(failed, 3);
  CHECK(failed.out.empty());
  check.lines("send", "error", failed.err);
  CHECK(parse_json_lines(failed.err).at(0).at("exit_code") == 3);
  // A --lines send stopped by a bad line: the error says how many were acknowledged.
  MqchatOptions bad_line;
  bad_line.input = "fine\n\xff\n";
  auto stopped = alice.run({"--json", "send", "--lines", "bob"}, bad_line);
  CHECK_EXIT(stopped, 2);
  check.lines("send", "sent", stopped.out, 1);
  check.lines("send", "error", stopped.err);
  CHECK(parse_json_lines(stopped.err).back().at("acknowledged") == 1);
  auto usage = alice.run({"--json", "no-such-command"});
  CHECK_EXIT(usage, 2);
  check.lines("no-such-command", "error", usage.err);

  check.run(alice, "group leave", {"group", "leave", "devs"}, "membership");
  check.run(alice, "logout", {"logout"}, "signed out");

  // Every command was run (the broker commands print no JSON: see NOTES in the page), and every
  // kind the page documents was seen.
  for (const auto& command : all_commands()) {
    if (command.rfind("broker", 0) == 0) continue;
    INFO("command '" << command << "' was not checked: add it to this test");
    CHECK(check.commands_seen.count(command) == 1);
  }
  for (const auto& [kind, fields] : check.schema) {
    INFO("kind '" << kind << "' was never printed");
    CHECK(check.kinds_seen.count(kind) == 1);
  }
}
