// send --batch (JSON Lines in, one result per line out, one connection) and the progress of
// send --lines, which only a terminal sees.

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "tests/integration/harness.hpp"
#include "tests/integration/pty.hpp"

using namespace itest;

TEST_CASE("send --batch answers every line in order and delivers the good ones", "[send][batch]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();
  REQUIRE_EXIT(alice.run({"group", "join", "devs"}), 0);
  REQUIRE_EXIT(bob.run({"group", "join", "devs"}), 0);

  MqchatOptions o;
  o.input =
      "{\"to\": \"bob\", \"text\": \"first\"}\n"
      "{\"to\": \"nobody\", \"text\": \"lost\"}\n"
      "\n"
      "{\"group\": \"devs\", \"text\": \"to the group\"}\n"
      "{\"text\": \"no recipient\"}\n"
      "this is not json\n"
      "{\"group\": \"ops\", \"text\": \"not a member\"}\n"
      "{\"to\": \"bob\", \"text\": \"last\"}\n";
  auto r = alice.run({"send", "--batch"}, o);
  CHECK_EXIT(r, 3);  // the first failure (line 2) is an unknown user
  CHECK(r.err.find("4 of 7 messages failed") != std::string::npos);

  auto results = parse_json_lines(r.out);
  REQUIRE(results.size() == 7);
  std::vector<int> lines;
  for (const auto& j : results) lines.push_back(j.at("line").get<int>());
  CHECK(lines == std::vector<int>{1, 2, 4, 5, 6, 7, 8});
  CHECK(results[0].at("ok") == true);
  CHECK(str(results[0], "to") == "bob");
  CHECK_FALSE(str(results[0], "id").empty());
  CHECK(results[1].at("ok") == false);
  CHECK(results[1].at("exit_code") == 3);
  CHECK(str(results[1], "error").find("nobody") != std::string::npos);
  CHECK(results[2].at("ok") == true);
  CHECK(str(results[2], "group") == "devs");
  CHECK(results[3].at("exit_code") == 2);
  CHECK(results[4].at("exit_code") == 2);
  CHECK(str(results[4], "error").find("JSON") != std::string::npos);
  CHECK(results[5].at("exit_code") == 3);
  CHECK(results[6].at("ok") == true);

  auto got = bob.receive(3);
  CHECK(texts_of(got) == std::vector<std::string>{"first", "to the group", "last"});
  CHECK(str(got[0], "id") == str(results[0], "id"));

  // Like any send, the batch is in the sender's history.
  auto history = parse_json_lines(alice.run({"--json", "history"}).out);
  std::vector<std::string> sent;
  for (const auto& h : history) {
    if (str(h, "direction") == "out" && str(h, "type") != "join") sent.push_back(str(h, "text"));
  }
  CHECK(sent == std::vector<std::string>{"first", "to the group", "last"});
}

TEST_CASE("send --batch of all good lines exits 0 and keeps their order", "[send][batch]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();
  std::string input;
  std::vector<std::string> expected;
  for (int i = 0; i < 500; ++i) {
    expected.push_back("batch " + std::to_string(i));
    input += "{\"to\": \"bob\", \"text\": \"" + expected.back() + "\"}\n";
  }
  MqchatOptions o;
  o.input = input;
  auto r = alice.run({"send", "--batch"}, o);
  REQUIRE_EXIT(r, 0);
  CHECK(r.err.empty());
  auto results = parse_json_lines(r.out);
  REQUIRE(results.size() == 500);
  for (std::size_t i = 0; i < results.size(); ++i) {
    CHECK(results[i].at("line") == i + 1);
    CHECK(results[i].at("ok") == true);
  }
  CHECK(texts_of(bob.receive(500, 30)) == expected);
}

namespace {

constexpr int kManyLines = 60000;

// Enough messages that sending takes well over the one second before progress shows (30,000
// took 1.46 s once the client turned Nagle off on its socket: too close).
std::string many_lines() {
  std::string input;
  for (int i = 0; i < kManyLines; ++i) input += "progress line " + std::to_string(i) + "\n";
  return input;
}

}  // namespace

TEST_CASE("send --lines shows no progress when stderr is not a terminal", "[send][progress]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();
  MqchatOptions o;
  o.input = many_lines();
  o.timeout = std::chrono::seconds(90);
  auto r = alice.run({"send", "--lines", "bob"}, o);
  REQUIRE_EXIT(r, 0);
  INFO("took " << r.elapsed.count() << " ms");
  CHECK(r.elapsed.count() > 1500);  // long enough that a terminal would have seen progress
  CHECK(r.err.empty());
  CHECK(r.out.empty());
}

TEST_CASE("send --lines shows a progress count on a terminal, and none with -q",
          "[send][progress]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();
  auto env = mqchat_environment(alice.options());
  auto started = std::chrono::steady_clock::now();
  auto r = run_with_terminal_stderr(mqchat_binary(), {"send", "--lines", "bob"}, env, many_lines(),
                                    std::chrono::seconds(90));
  auto took = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - started);
  INFO("took " << took.count() << " ms; the terminal got: " << r.terminal);
  REQUIRE(r.exit_code == 0);
  REQUIRE(took.count() > 1500);
  CHECK(r.terminal.find("\rmqchat: sent ") != std::string::npos);
  // A stream has no total: the count alone, growing, never past what was sent.
  std::vector<long> counts;
  const std::string mark = "mqchat: sent ";
  for (auto at = r.terminal.find(mark); at != std::string::npos;
       at = r.terminal.find(mark, at + 1)) {
    counts.push_back(std::atol(r.terminal.c_str() + at + mark.size()));
  }
  REQUIRE_FALSE(counts.empty());
  CHECK(std::is_sorted(counts.begin(), counts.end()));
  CHECK(counts.front() > 0);
  CHECK(counts.back() <= kManyLines);
  CHECK(r.out.empty());

  auto quiet = run_with_terminal_stderr(mqchat_binary(), {"-q", "send", "--lines", "bob"}, env,
                                        many_lines(), std::chrono::seconds(90));
  REQUIRE(quiet.exit_code == 0);
  CHECK(quiet.terminal.find("mqchat: sent") == std::string::npos);
}
