// The state directory: layout, permissions, and two or more mqchat processes on one profile.

#include <sys/stat.h>

#include <csignal>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "tests/integration/harness.hpp"

using namespace itest;
namespace fs = std::filesystem;

namespace {

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("the state directory holds YAML files of mode 0600 in directories of mode 0700",
          "[state]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  // A home that does not exist yet: mqchat creates it.
  fs::path home = alice.home() / "nested" / "state";
  MqchatOptions o;
  o.home = home;
  REQUIRE_EXIT(alice.run({"register", "alice", "--phone", "+4915100000001"}, o), 0);
  bob.register_user();
  REQUIRE_EXIT(alice.run({"send", "bob", "hello"}, o), 0);
  bob.send(alice, "hello back");
  auto listen = alice.run({"listen", "--count", "1", "--timeout", "15"}, o);
  REQUIRE_EXIT(listen, 0);
  REQUIRE_EXIT(alice.run({"history", "--with", "bob"}, o), 0);

  REQUIRE(fs::is_regular_file(home / "config.yaml"));
  REQUIRE(fs::is_regular_file(home / "profiles" / "alice.yaml"));
  CHECK(mode_of(home) == 0700);
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(home)) {
    INFO(entry.path().string());
    if (entry.is_symlink()) continue;
    if (entry.is_directory()) {
      CHECK(mode_of(entry.path()) == 0700);
    } else if (entry.is_regular_file()) {
      ++files;
      CHECK(mode_of(entry.path()) == 0600);
    }
  }
  CHECK(files >= 2);
}

TEST_CASE("twenty concurrent sends from one profile are each in history exactly once",
          "[state][send]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();
  // With and without the profile's own listen running (it holds the session, and sends may
  // go through it).
  std::unique_ptr<Process> alice_listen;
  SECTION("no listen runs for the sender") {}
  SECTION("the sender's listen runs") {
    alice_listen = alice.start({"listen"});
    REQUIRE(wait_until([&] { return contains(online_users(bob), "alice"); }, 10s));
  }

  std::vector<std::unique_ptr<Process>> senders;
  std::set<std::string> expected;
  for (int i = 0; i < 20; ++i) {
    std::string text = "concurrent message " + std::to_string(i);
    expected.insert(text);
    senders.push_back(alice.start({"send", "bob", text}));
  }
  for (auto& sender : senders) {
    auto code = sender->wait_exit(60s);
    INFO(sender->describe());
    CHECK(code == std::optional<int>(0));
  }

  auto history = alice.run({"history", "--with", "bob", "--json", "-n", "1000"});
  REQUIRE_EXIT(history, 0);
  std::map<std::string, int> counts;
  for (const auto& m : parse_json_lines(history.out)) ++counts[str(m, "text")];
  INFO(history.out);
  CHECK(counts.size() == expected.size());
  for (const auto& text : expected) {
    INFO(text);
    CHECK(counts[text] == 1);
  }

  // The profile survived too, and bob got each message exactly once.
  auto whoami = alice.run({"whoami"});
  REQUIRE_EXIT(whoami, 0);
  CHECK(lines_of(whoami.out) == std::vector<std::string>{"alice"});
  auto received = texts_of(bob.receive(20, 30));
  CHECK(std::set<std::string>(received.begin(), received.end()) == expected);
  if (alice_listen) {
    alice_listen->signal(SIGTERM);
    INFO(alice_listen->describe());
    CHECK(alice_listen->wait_exit(10s) == std::optional<int>(0));
  }
}
