// A broker that goes away in the middle of work: a send --lines or --batch rides out a restart and
// resends what was not acknowledged, gives up with a count to resume from when the broker stays
// away, and a running listen reconnects and shows what was sent meanwhile.

#include <algorithm>
#include <csignal>
#include <set>
#include <thread>

#include "tests/integration/harness.hpp"
#include "tests/integration/json_lines.hpp"

using namespace itest;
using namespace std::chrono_literals;

namespace {

std::string numbered(int i) { return "line " + std::to_string(i); }

std::string numbered_lines(int first, int last) {
  std::string text;
  for (int i = first; i <= last; ++i) text += numbered(i) + "\n";
  return text;
}

std::vector<std::string> numbered_texts(int first, int last) {
  std::vector<std::string> texts;
  for (int i = first; i <= last; ++i) texts.push_back(numbered(i));
  return texts;
}

// The result lines (--json) a running send has printed so far.
std::size_t results_so_far(Process& send) {
  send.drain();
  return static_cast<std::size_t>(std::count(send.out().begin(), send.out().end(), '\n'));
}

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

std::string batch_lines(const std::string& to, int first, int last) {
  std::string text;
  for (int i = first; i <= last; ++i) {
    text += nlohmann::json{{"to", to}, {"text", numbered(i)}}.dump() + "\n";
  }
  return text;
}

// A send --lines as a process whose stdin the test writes piece by piece.
std::unique_ptr<Process> start_streaming_send(const User& from,
                                              const std::vector<std::string>& args) {
  MqchatOptions options;
  options.input = "";
  options.keep_input_open = true;
  return from.start(args, options);
}

// Stops the broker, gives SEND the input MORE while it is away, restarts the broker and ends
// the input; returns SEND's exit code, after checking that it said it lost and regained the
// connection.
std::optional<int> restart_broker_under(Chat& chat, Process& send, const std::string& more) {
  chat.broker.stop();
  // This input meets a dead connection: send must hold it until the broker is back.
  send.write_input(more);
  std::this_thread::sleep_for(1500ms);
  chat.broker.restart();
  send.close_input();
  auto code = send.wait_exit(60s);
  send.drain();
  CHECK(occurrences(send.err(), "lost the connection") >= 1);
  CHECK(occurrences(send.err(), "reconnected") >= 1);
  return code;
}

}  // namespace

TEST_CASE("send --lines rides out a broker restart and every message arrives once",
          "[reliability][send]") {
  Chat chat;
  auto send = start_streaming_send(chat.alice, {"--json", "send", "--lines", "bob"});
  send->write_input(numbered_lines(1, 1000));
  // send --lines reports what the broker acknowledged as soon as its input pauses.
  REQUIRE(wait_until([&] { return results_so_far(*send) >= 1000; }, 20s));

  auto code = restart_broker_under(chat, *send, numbered_lines(1001, 2000));
  INFO(send->describe());
  REQUIRE(code == 0);
  auto results = parse_json_lines(send->out());
  std::set<std::string> ids;
  for (const auto& r : results) ids.insert(str(r, "id"));
  CHECK(results.size() == 2000);
  CHECK(ids.size() == 2000);

  // Every line once, in order, though some may have crossed the wire twice.
  CHECK(texts_of(chat.bob.receive(2000, 60)) == numbered_texts(1, 2000));
  auto more = chat.bob.run({"listen", "--json", "--timeout", "2"});
  CHECK_EXIT(more, 0);
  CHECK(more.out.empty());
  // The sender's history has each message once.
  auto history = parse_json_lines(chat.alice.run({"history", "--json", "-n", "5000"}).out);
  CHECK(history.size() == 2000);
}

TEST_CASE("a broker that stays away ends send --lines with exit 5 and a count to resume from",
          "[reliability][send]") {
  Chat chat;
  auto send =
      start_streaming_send(chat.alice, {"--json", "send", "--lines", "--retry-for", "2", "bob"});
  send->write_input(numbered_lines(1, 500));
  REQUIRE(wait_until([&] { return results_so_far(*send) >= 500; }, 20s));
  chat.broker.stop();
  send->write_input(numbered_lines(501, 1000));
  send->close_input();

  auto code = send->wait_exit(30s);
  send->drain();
  INFO(send->describe());
  REQUIRE(code == 5);
  CHECK(parse_json_lines(send->out()).size() == 500);
  // Under --json the error is the last line on stderr, with the count as a number.
  auto err_lines = lines_of(send->err());
  REQUIRE_FALSE(err_lines.empty());
  auto error = nlohmann::json::parse(err_lines.back());
  CHECK(error.at("exit_code") == 5);
  CHECK(error.at("acknowledged") == 500);
  CHECK_THAT(str(error, "error"), Catch::Contains("did not come back within 2 s") &&
                                      Catch::Contains("500 messages were acknowledged") &&
                                      Catch::Contains("--skip 500"));

  // Resuming as the error says sends the rest, and nothing twice.
  chat.broker.restart();
  MqchatOptions all;
  all.input = numbered_lines(1, 1000);
  REQUIRE_EXIT(chat.alice.run({"send", "--lines", "--skip", "500", "bob"}, all), 0);
  CHECK(texts_of(chat.bob.receive(1000, 60)) == numbered_texts(1, 1000));
  CHECK(chat.bob.run({"listen", "--json", "--timeout", "2"}).out.empty());
}

TEST_CASE("send --batch rides out a broker restart and every line arrives once",
          "[reliability][send][batch]") {
  Chat chat;
  auto send = start_streaming_send(chat.alice, {"send", "--batch"});
  send->write_input(batch_lines("bob", 1, 300));
  // --batch prints the result of every line read before it waits for more input.
  REQUIRE(wait_until([&] { return results_so_far(*send) >= 300; }, 20s));

  auto code = restart_broker_under(chat, *send, batch_lines("bob", 301, 600));
  INFO(send->describe());
  REQUIRE(code == 0);
  auto results = parse_json_lines(send->out());
  REQUIRE(results.size() == 600);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < results.size(); ++i) {
    CHECK(results[i].at("line") == i + 1);
    CHECK(results[i].at("ok") == true);
    ids.insert(str(results[i], "id"));
  }
  CHECK(ids.size() == 600);

  CHECK(texts_of(chat.bob.receive(600, 60)) == numbered_texts(1, 600));
  CHECK(chat.bob.run({"listen", "--json", "--timeout", "2"}).out.empty());
  auto history = parse_json_lines(chat.alice.run({"history", "--json", "-n", "5000"}).out);
  CHECK(history.size() == 600);
}

TEST_CASE("a broker that stays away fails the unsent lines of send --batch with exit 5",
          "[reliability][send][batch]") {
  Chat chat;
  auto send = start_streaming_send(chat.alice, {"send", "--batch", "--retry-for", "2"});
  send->write_input(batch_lines("bob", 1, 100));
  REQUIRE(wait_until([&] { return results_so_far(*send) >= 100; }, 20s));
  chat.broker.stop();
  send->write_input(batch_lines("bob", 101, 150));
  send->close_input();

  auto code = send->wait_exit(30s);
  send->drain();
  INFO(send->describe());
  REQUIRE(code == 5);
  auto results = parse_json_lines(send->out());
  REQUIRE(results.size() == 150);
  for (std::size_t i = 0; i < 100; ++i) CHECK(results[i].at("ok") == true);
  for (std::size_t i = 100; i < 150; ++i) {
    CHECK(results[i].at("ok") == false);
    CHECK(results[i].at("exit_code") == 5);
    CHECK_THAT(str(results[i], "error"), Catch::Contains("did not come back within 2 s"));
  }
  CHECK_THAT(send->err(), Catch::Contains("50 of 150 messages failed"));
}

TEST_CASE(
    "a running listen reconnects after a broker restart, says so once, and shows what "
    "was sent meanwhile",
    "[reliability][listen]") {
  Chat chat;
  auto listen = chat.bob.start({"listen", "--json"});
  REQUIRE(wait_until([&] { return contains(online_users(chat.alice), "bob"); }, 10s));
  chat.alice.send(chat.bob, "before the restart");
  REQUIRE(listen->read_line(10s).has_value());

  chat.broker.stop();
  std::this_thread::sleep_for(1000ms);  // listen notices and starts reconnecting
  chat.broker.restart();
  // Sent at once: listen may not be back yet; its session keeps the message for it.
  chat.alice.send(chat.bob, "while it reconnects");
  auto seen = read_json_until(*listen, [](const nlohmann::json& m) {
    return m.value("text", "") == "while it reconnects";
  });
  CHECK(texts_of(seen) == std::vector<std::string>{"while it reconnects"});
  // Presence is restored: bob is online again.
  CHECK(wait_until([&] { return contains(online_users(chat.alice), "bob"); }, 10s));
  CHECK(listen->running());
  listen->signal(SIGINT);
  REQUIRE(listen->wait_exit(10s) == 0);
  listen->drain();
  CHECK(occurrences(listen->err(), "lost the connection to the broker") == 1);
  CHECK(occurrences(listen->err(), "reconnected to the broker") == 1);
}

TEST_CASE("send --lines reports what it sent while its input waits after a blank or half line",
          "[send]") {
  Chat chat;
  auto send = start_streaming_send(chat.alice, {"--json", "send", "--lines", "bob"});
  send->write_input("one\ntwo\n\n");
  CHECK(wait_until([&] { return results_so_far(*send) == 2; }, 10s));
  send->write_input("three\nfour, half");
  CHECK(wait_until([&] { return results_so_far(*send) == 3; }, 10s));
  send->write_input(" a line\n");
  send->close_input();
  REQUIRE(send->wait_exit(20s) == 0);
  CHECK(results_so_far(*send) == 4);
  CHECK(texts_of(chat.bob.receive(4)) ==
        std::vector<std::string>{"one", "two", "three", "four, half a line"});
}

TEST_CASE("a listen stopped while the broker is down exits at once, not after the timeout",
          "[reliability][listen]") {
  Chat chat;
  auto listen = chat.bob.start({"--connect-timeout", "30", "listen", "--json"});
  REQUIRE(wait_until([&] { return contains(online_users(chat.alice), "bob"); }, 10s));
  chat.broker.stop();
  REQUIRE(wait_until(
      [&] {
        listen->drain();
        return listen->err().find("lost the connection") != std::string::npos;
      },
      10s));
  listen->signal(SIGINT);
  // Nothing to tell a broker that is away: no publish waits out the 30 s connect timeout.
  auto code = listen->wait_exit(5s);
  INFO(listen->describe());
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  chat.broker.restart();
}
