// mqchat broker start / broker config: a real mosquitto configured for mqchat.

#include <signal.h>

#include <filesystem>
#include <regex>

#include "tests/integration/harness.hpp"

using namespace itest;
namespace fs = std::filesystem;

namespace {

// Starts `mqchat broker start` on a free port; retries when the port was taken meanwhile.
struct StartedBroker {
  int port = 0;
  std::unique_ptr<Process> process;
};

StartedBroker start_broker_command(const fs::path& data_dir, const MqchatOptions& options) {
  StartedBroker started;
  for (int attempt = 0; attempt < 3; ++attempt) {
    started.port = free_port();
    started.process = start_mqchat({"broker", "start", "--port", std::to_string(started.port),
                                    "--bind", "127.0.0.1", "--data-dir", data_dir.string()},
                                   options);
    Process& p = *started.process;
    if (wait_port_accepts(started.port, 10s, [&] { return p.running(); })) return started;
    if (p.running()) break;
  }
  INFO(started.process->describe());
  FAIL("mqchat broker start did not accept connections on port " << started.port);
  return started;
}

}  // namespace

TEST_CASE("broker config prints a mosquitto config that queues enough for offline users",
          "[broker]") {
  TempDir home("mqchat-it-home");
  MqchatOptions o;
  o.home = home.path();
  auto r = run_mqchat({"broker", "config"}, o);
  REQUIRE_EXIT(r, 0);
  std::smatch match;
  REQUIRE(std::regex_search(r.out, match, std::regex(R"((^|\n)max_queued_messages\s+(\d+))")));
  INFO(r.out);
  CHECK(std::stol(match[2].str()) > 1000);  // mosquitto's default silently drops the rest
  CHECK(std::regex_search(r.out, std::regex(R"((^|\n)persistence\s+true)")));
  CHECK(std::regex_search(r.out, std::regex(R"((^|\n)listener\s+\d+)")));
}

TEST_CASE("broker start runs mosquitto in the foreground and two users chat through it",
          "[broker]") {
  TempDir data("mqchat-it-data");
  TempDir home("mqchat-it-home");
  MqchatOptions o;
  o.home = home.path();
  auto broker = start_broker_command(data.path(), o);
  std::string url = "mqtt://127.0.0.1:" + std::to_string(broker.port);
  {
    User alice("alice", url);
    User bob("bob", url);
    alice.register_user();
    bob.register_user();
    alice.send(bob, "through mqchat broker");
    CHECK(texts_of(bob.receive(1)) == std::vector<std::string>{"through mqchat broker"});
    CHECK(broker.process->running());
  }

  int sig = 0;
  SECTION("SIGTERM") { sig = SIGTERM; }
  SECTION("SIGINT") { sig = SIGINT; }
  broker.process->signal(sig);
  auto code = broker.process->wait_exit(10s);
  INFO(broker.process->describe());
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  // mosquitto is gone too (it may have been a child of mqchat), and it saved its state in DIR.
  CHECK(wait_until([&] { return !port_accepts(broker.port); }, 5s));
  bool saved = false;
  for (const auto& entry : fs::recursive_directory_iterator(data.path())) {
    if (entry.path().extension() == ".db") saved = true;
  }
  CHECK(saved);
}

TEST_CASE("messages queued in a broker started by mqchat survive its restart", "[broker]") {
  TempDir data("mqchat-it-data");
  TempDir home("mqchat-it-home");
  MqchatOptions o;
  o.home = home.path();
  auto first = start_broker_command(data.path(), o);
  std::string url = "mqtt://127.0.0.1:" + std::to_string(first.port);
  User alice("alice", url);
  User bob("bob", url);
  alice.register_user();
  bob.register_user();
  alice.send(bob, "kept across the restart");
  first.process->signal(SIGTERM);
  INFO(first.process->describe());
  REQUIRE(first.process->wait_exit(10s) == std::optional<int>(0));
  REQUIRE(wait_until([&] { return !port_accepts(first.port); }, 5s));

  auto second = start_mqchat({"broker", "start", "--port", std::to_string(first.port), "--bind",
                              "127.0.0.1", "--data-dir", data.path().string()},
                             o);
  INFO(second->describe());
  REQUIRE(wait_port_accepts(first.port, 10s, [&] { return second->running(); }));
  CHECK(texts_of(bob.receive(1)) == std::vector<std::string>{"kept across the restart"});
  second->signal(SIGTERM);
  CHECK(second->wait_exit(10s) == std::optional<int>(0));
}
