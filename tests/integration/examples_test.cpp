// The scripts in examples/, run as a user would run them: PATH holds the built mqchat, and
// MQCHAT_HOME/MQCHAT_BROKER point at the test's own account and broker.

#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>

#include "tests/integration/harness.hpp"
#include "tests/integration/temp_dir.hpp"

using namespace itest;
namespace fs = std::filesystem;

namespace {

std::string example(const std::string& name) {
  return std::string(MQCHAT_EXAMPLES_DIR) + "/" + name;
}

SpawnOptions example_environment(const User& as,
                                 std::vector<std::pair<std::string, std::string>> extra = {}) {
  MqchatOptions o = as.options();
  const char* path = std::getenv("PATH");
  o.env.emplace_back("PATH", fs::path(mqchat_binary()).parent_path().string() + ":" +
                                 (path ? path : "/usr/bin:/bin"));
  for (auto& kv : extra) o.env.push_back(std::move(kv));
  SpawnOptions s;
  s.env = mqchat_environment(o);
  return s;
}

RunResult run_example(const User& as, const std::string& name, const std::vector<std::string>& args,
                      std::vector<std::pair<std::string, std::string>> extra = {},
                      Millis timeout = 60s) {
  auto r = run_process(example(name), args, example_environment(as, std::move(extra)), timeout);
  INFO(describe(r));
  REQUIRE_FALSE(r.timed_out);
  return r;
}

std::string today_local() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace

TEST_CASE("every example is an executable shell script", "[examples]") {
  int scripts = 0;
  for (const auto& e : fs::directory_iterator(MQCHAT_EXAMPLES_DIR)) {
    if (e.path().extension() != ".sh") continue;
    ++scripts;
    INFO(e.path());
    CHECK(::access(e.path().c_str(), X_OK) == 0);
    auto r = run_process("/bin/sh", {"-n", e.path().string()}, {}, 10s);
    CHECK_EXIT(r, 0);
  }
  CHECK(scripts >= 4);
}

TEST_CASE("examples/daily-message.sh sends the day's message, as from cron", "[examples]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();

  SECTION("the default text names the date") {
    auto r = run_example(alice, "daily-message.sh", {"bob"});
    CHECK_EXIT(r, 0);
    CHECK(r.out.empty());  // cron mails any output: success is silent
    auto m = bob.receive(1);
    CHECK(str(m[0], "from") == "alice");
    CHECK_THAT(str(m[0], "text"),
               Catch::StartsWith("Good morning!") && Catch::Contains(today_local()));
  }
  SECTION("a given text, even one that looks like an option, arrives as written") {
    CHECK_EXIT(run_example(alice, "daily-message.sh", {"bob", "-5 degrees: take a coat"}), 0);
    CHECK(texts_of(bob.receive(1)) == std::vector<std::string>{"-5 degrees: take a coat"});
  }
  SECTION("an unknown recipient fails at once with mqchat's exit status, without retries") {
    auto r = run_example(alice, "daily-message.sh", {"nobody"});
    CHECK_EXIT(r, 3);
    CHECK(r.elapsed < 8s);
    CHECK_THAT(r.err, Catch::Contains("nobody"));
  }
}

TEST_CASE("examples/route-by-sender.sh files messages per sender through listen --json | jq",
          "[examples]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  User carol("carol", broker);
  alice.register_user();
  bob.register_user();
  carol.register_user();
  const std::string tricky = "tab\there, newline\nhere, \"quotes\" and \\ backslash";
  alice.send(bob, "one from alice");
  carol.send(bob, "hello from carol");
  alice.send(bob, tricky);

  TempDir out("mqchat-it-route");
  auto r = run_example(bob, "route-by-sender.sh",
                       {(out.path() / "log").string(), "--count", "3", "--timeout", "20"});
  CHECK_EXIT(r, 0);
  auto from_alice = parse_json_lines(file_contents(out.path() / "log" / "alice.jsonl"));
  auto from_carol = parse_json_lines(file_contents(out.path() / "log" / "carol.jsonl"));
  CHECK(texts_of(from_alice) == std::vector<std::string>{"one from alice", tricky});
  CHECK(texts_of(from_carol) == std::vector<std::string>{"hello from carol"});
  REQUIRE_FALSE(from_carol.empty());
  CHECK(str(from_carol[0], "to") == "bob");
  CHECK(std::distance(fs::directory_iterator(out.path() / "log"), fs::directory_iterator()) == 2);
}

TEST_CASE("examples/auto-reply-bot.sh answers direct messages and ignores group traffic",
          "[examples]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();
  REQUIRE_EXIT(bob.run({"group", "join", "ops"}), 0);
  REQUIRE_EXIT(alice.run({"group", "join", "ops"}), 0);  // bob gets a join notice
  REQUIRE_EXIT(alice.run({"group", "send", "ops", "ping (to the group)"}), 0);
  alice.send(bob, "ping");
  alice.send(bob, "are you there? $(id) `id`");

  auto r = run_example(bob, "auto-reply-bot.sh", {"2"});
  CHECK_EXIT(r, 0);
  auto replies = alice.receive(2);
  CHECK(texts_of(replies) ==
        std::vector<std::string>{"pong", "Thanks alice, I'm away; I'll read your message later."});
  CHECK(str(replies[0], "from") == "bob");
  // Exactly two replies: the group message and the notice got none.
  auto more = alice.run({"listen", "--json", "--count", "1", "--timeout", "2"});
  CHECK_EXIT(more, 5);
  CHECK(more.out.empty());
}

TEST_CASE("examples/notify-bridge.sh hands hostile text verbatim to its hook, running nothing",
          "[examples]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();
  TempDir dir("mqchat-it-notify");
  std::string d = dir.path().string();
  const std::string hostile = "$(touch " + d + "/pwned1)\n`touch " + d + "/pwned2`; touch " + d +
                              "/pwned3 && echo 'single' \"double\" \\ * ?\n  -n";
  const std::string dashed = "-e starts with a dash";
  alice.send(bob, hostile);
  REQUIRE_EXIT(alice.run({"send", "bob", "--", dashed}), 0);

  auto log = dir.path() / "notifications.log";
  auto r = run_example(bob, "notify-bridge.sh", {"--count", "2", "--timeout", "20"},
                       {{"MQCHAT_NOTIFY_LOG", log.string()}});
  CHECK_EXIT(r, 0);
  auto text = file_contents(log);
  INFO(text);
  CHECK_THAT(text, Catch::StartsWith("mqchat: alice [20"));
  CHECK_THAT(text, Catch::Contains("]\n" + hostile + "\n.\n"));
  CHECK_THAT(text, Catch::EndsWith("]\n" + dashed + "\n.\n"));
  for (const char* f : {"pwned1", "pwned2", "pwned3"}) CHECK_FALSE(fs::exists(dir.path() / f));
}
