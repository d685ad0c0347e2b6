// Hostile input that is not a message: retained junk in the shared directory, and damaged
// files in the state directory. Each bad item costs one warning or one clear error, never a
// crash, a stall, or the rest of the data.

#include <filesystem>
#include <fstream>

#include "tests/integration/harness.hpp"

using namespace itest;
namespace fs = std::filesystem;

namespace {

void retain(const Broker& broker, const std::string& topic, const std::string& payload) {
  mosquitto_pub(broker.port(), {"-q", "1", "-r", "-t", topic, "-m", payload});
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("retained junk in the directory is skipped with one warning per record",
          "[hostile][who][group]") {
  Broker broker;
  User alice("alice", broker);
  alice.register_user();
  REQUIRE_EXIT(alice.run({"group", "join", "Group_1"}), 0);
  retain(broker, "mqchat/v1/users/junk1", "not json at all");
  retain(broker, "mqchat/v1/users/junk2", R"({"name": 42})");
  retain(broker, "mqchat/v1/users/junk3", "[1,2,3]");
  retain(broker, "mqchat/v1/presence/alice", R"({"online": "very"})");
  retain(broker, "mqchat/v1/groups/Group_1/members/junk4", "{");
  retain(broker, "mqchat/v1/groups/Group_2/members/junk5", R"({"joined_at": null})");
  {
    // A payload far beyond any record (1 MiB of 'x').
    fs::path big = broker.dir() / "big.txt";
    std::ofstream(big) << std::string(1 << 20, 'x');
    mosquitto_pub(broker.port(),
                  {"-q", "1", "-r", "-t", "mqchat/v1/users/junk6", "-f", big.string()});
  }

  auto who = alice.run({"who", "--json"});
  REQUIRE_EXIT(who, 0);
  auto users = parse_json_lines(who.out);
  REQUIRE(users.size() == 1);
  CHECK(str(users[0], "name") == "alice");
  for (const char* junk : {"junk1", "junk2", "junk3", "junk6"}) {
    INFO(junk);
    CHECK(count_of(who.err, std::string("mqchat/v1/users/") + junk) == 1);
  }
  CHECK(count_of(who.err, "mqchat/v1/presence/alice") == 1);

  auto groups = alice.run({"group", "list", "--json"});
  REQUIRE_EXIT(groups, 0);
  auto listed = parse_json_lines(groups.out);
  REQUIRE(listed.size() == 1);
  CHECK(str(listed[0], "name") == "Group_1");
  CHECK(listed[0]["members"] == 1);
  CHECK(count_of(groups.err, "junk4") == 1);
  CHECK(count_of(groups.err, "junk5") == 1);
}

TEST_CASE("a damaged profile or config is named with a repair hint and left as it was",
          "[hostile][state]") {
  Broker broker;
  User alice("alice", broker);
  alice.register_user();
  const fs::path profile = alice.home() / "profiles" / "alice.yaml";
  const fs::path config = alice.home() / "config.yaml";
  std::string damaged;
  fs::path file;
  SECTION("a truncated profile") {
    file = profile;
    damaged = "name: [alice\n";
  }
  SECTION("a profile that is not a mapping") {
    file = profile;
    damaged = "- just\n- a list\n";
  }
  SECTION("binary junk in the config") {
    file = config;
    damaged = std::string("\x00\xff\xfe{{", 5);
  }
  std::ofstream(file, std::ios::binary | std::ios::trunc) << damaged;
  auto r = alice.run({"send", "alice", "hello"});
  CHECK_EXIT(r, 1);
  CHECK_THAT(r.err, Catch::Contains(file.string()) && Catch::Contains("repair"));
  CHECK(count_of(r.err, "\n") == 1);
  // Nothing was overwritten: the damaged file is still there for the user to repair.
  CHECK(file_contents(file) == damaged);
}

TEST_CASE("a torn line in the history costs that line only", "[hostile][state][history]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();
  for (const char* text : {"first", "second", "third"}) alice.send(bob, text);
  const fs::path history = alice.home() / "state" / "alice" / "history.jsonl";
  std::string text = file_contents(history);
  // Tear the middle line as a crash or a full disk would.
  auto second = text.find("second");
  REQUIRE(second != std::string::npos);
  auto line_start = text.rfind('\n', second) + 1;
  auto line_end = text.find('\n', second);
  text.erase(line_start + 10, line_end - line_start - 10);
  std::ofstream(history, std::ios::trunc) << text;

  auto r = alice.run({"history", "--json"});
  REQUIRE_EXIT(r, 0);
  CHECK(texts_of(parse_json_lines(r.out)) == std::vector<std::string>{"first", "third"});
  CHECK_THAT(r.err, Catch::Contains("history.jsonl"));
  // And the next send appends after it, on a line of its own.
  alice.send(bob, "fourth");
  auto after = alice.run({"history", "--json"});
  CHECK(texts_of(parse_json_lines(after.out)) ==
        std::vector<std::string>{"first", "third", "fourth"});
}
