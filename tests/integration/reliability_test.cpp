// Delivery under faults: a listen killed or stopped mid-stream, a state dir that cannot be
// written. Nothing that reached the user's session may be lost, and nothing may be shown twice
// beyond one message per kill.

#include <csignal>
#include <filesystem>
#include <map>
#include <set>

#include "tests/integration/harness.hpp"

using namespace itest;
namespace fs = std::filesystem;

namespace {

std::string numbered(int i) { return "message " + std::to_string(i); }

// Options whose stdin is COUNT numbered lines.
MqchatOptions numbered_lines(int count) {
  MqchatOptions options;
  options.input = "";
  for (int i = 1; i <= count; ++i) *options.input += numbered(i) + "\n";
  return options;
}

// The texts of the JSON lines in OUT (lines a kill tore off are skipped).
std::vector<std::string> texts_in(const std::string& out) {
  std::vector<std::string> texts;
  std::size_t start = 0;
  while (start < out.size()) {
    auto end = out.find('\n', start);
    if (end == std::string::npos) break;
    auto j = nlohmann::json::parse(out.substr(start, end - start), nullptr, false);
    start = end + 1;
    if (j.is_object() && j.contains("text")) texts.push_back(j["text"].get<std::string>());
  }
  return texts;
}

}  // namespace

TEST_CASE("messages left when listen --count was reached are shown by the next listen",
          "[reliability][listen]") {
  Chat chat;
  const User& alice = chat.alice;
  const User& bob = chat.bob;
  REQUIRE_EXIT(alice.run({"send", "--lines", "bob"}, numbered_lines(5)), 0);
  // The broker hands all five to bob's session at once; paho acknowledges them on arrival.
  CHECK(texts_of(bob.receive(1)) == std::vector<std::string>{numbered(1)});
  CHECK(texts_of(bob.receive(4)) ==
        std::vector<std::string>{numbered(2), numbered(3), numbered(4), numbered(5)});
}

TEST_CASE("listen killed twice during a stream of 3,000 messages loses none",
          "[reliability][listen]") {
  constexpr int kMessages = 3000;
  Chat chat;
  const User& alice = chat.alice;
  const User& bob = chat.bob;

  auto sender = alice.start({"send", "--lines", "bob"}, numbered_lines(kMessages));
  std::vector<std::string> shown;
  // Two listens, each SIGKILLed after it printed some messages, while the sender still sends.
  for (int kill = 0; kill < 2; ++kill) {
    auto listen = bob.start({"listen", "--json"});
    int lines = 0;
    while (lines < 300 + kill * 500) {
      sender->drain();  // feeds its stdin too
      auto line = listen->read_line(15s);
      INFO(listen->describe());
      REQUIRE(line);
      ++lines;
    }
    listen->signal(SIGKILL);
    listen->wait_exit(10s);
    listen->drain();
    auto texts = texts_in(listen->out());
    shown.insert(shown.end(), texts.begin(), texts.end());
  }
  {
    INFO(sender->describe());
    REQUIRE(sender->wait_exit(120s) == std::optional<int>(0));
  }
  // A third listen shows the rest (and may first repeat the one message each kill interrupted
  // between showing and recording it).
  std::set<std::string> distinct(shown.begin(), shown.end());
  auto rest = bob.start({"listen", "--json"});
  while (distinct.size() < static_cast<std::size_t>(kMessages)) {
    auto line = rest->read_line(30s);
    INFO(rest->describe());
    REQUIRE(line);
    auto texts = texts_in(*line + "\n");
    shown.insert(shown.end(), texts.begin(), texts.end());
    distinct.insert(texts.begin(), texts.end());
  }
  rest->signal(SIGTERM);
  CHECK(rest->wait_exit(10s) == std::optional<int>(0));

  std::map<std::string, int> times;
  for (const auto& text : shown) ++times[text];
  int duplicates = 0;
  for (int i = 1; i <= kMessages; ++i) {
    INFO(numbered(i));
    CHECK(times[numbered(i)] >= 1);
    if (times[numbered(i)] > 1) duplicates += times[numbered(i)] - 1;
  }
  CHECK(duplicates <= 2);  // at most one per kill
  // And nothing more is waiting.
  CHECK_EXIT(bob.run({"listen", "--count", "1", "--timeout", "2"}), 5);
}

TEST_CASE("a history that cannot be written ends listen with exit 1 and loses no message",
          "[reliability][listen]") {
  Chat chat;
  const User& alice = chat.alice;
  const User& bob = chat.bob;
  REQUIRE_EXIT(alice.run({"send", "--lines", "bob"}, numbered_lines(3)), 0);
  // Every write to the history fails as on a full disk.
  const fs::path history = bob.home() / "state" / "bob" / "history.jsonl";
  fs::remove(history);
  fs::create_symlink("/dev/full", history);
  auto failed = bob.run({"listen", "--count", "3", "--timeout", "10"});
  CHECK_EXIT(failed, 1);
  CHECK_THAT(failed.err, Catch::Contains("history.jsonl") && Catch::Contains("disk space"));
  // Nothing was marked seen that was not recorded: with a writable history all three come.
  fs::remove(history);
  auto texts = texts_of(bob.receive(3));
  CHECK(texts == std::vector<std::string>{numbered(1), numbered(2), numbered(3)});
}
