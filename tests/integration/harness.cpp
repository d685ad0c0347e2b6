#include "tests/integration/harness.hpp"

#include <algorithm>
#include <thread>

namespace itest {

bool wait_until(const std::function<bool()>& condition, Millis timeout, Millis interval) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}

namespace {

std::string mosquitto_client(const std::string& name) {
  auto program = find_program(name);
  if (!program) FAIL(name << " not found (apt-get install mosquitto-clients)");
  return *program;
}

std::vector<std::string> with_port(int port, const std::vector<std::string>& args) {
  std::vector<std::string> all{"-h", "127.0.0.1", "-p", std::to_string(port)};
  all.insert(all.end(), args.begin(), args.end());
  return all;
}

}  // namespace

void mosquitto_pub(int broker_port, const std::vector<std::string>& args) {
  auto r = run_process(mosquitto_client("mosquitto_pub"), with_port(broker_port, args), {}, 10s);
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
}

std::unique_ptr<Process> mosquitto_sub(int broker_port, const std::vector<std::string>& args) {
  return std::make_unique<Process>(mosquitto_client("mosquitto_sub"), with_port(broker_port, args),
                                   SpawnOptions{});
}

Chat::Chat() {
  alice.register_user();
  bob.register_user();
}

std::vector<std::string> online_users(const User& viewer) {
  auto r = viewer.run({"who", "--online", "--json"});
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> names;
  for (const auto& user : parse_json_lines(r.out)) {
    INFO(user.dump());
    CHECK(user.value("online", false));
    names.push_back(str(user, "name"));
  }
  return names;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<std::string> texts_of(const std::vector<nlohmann::json>& messages) {
  std::vector<std::string> texts;
  for (const auto& m : messages) texts.push_back(str(m, "text"));
  return texts;
}

std::vector<std::string> retained_lines(int broker_port, const std::string& filter,
                                        const std::string& marker_topic) {
  auto watch = mosquitto_sub(broker_port, {"-v", "-q", "1", "-t", filter});
  const std::string marker = marker_topic + " retained-lines-marker";
  std::vector<std::string> lines;
  bool done = wait_until(
      [&] {
        mosquitto_pub(broker_port, {"-q", "1", "-t", marker_topic, "-m", "retained-lines-marker"});
        while (auto line = watch->read_line(300ms)) {
          if (*line == marker) return true;
          lines.push_back(*line);
        }
        return false;
      },
      10s, 0ms);
  INFO(watch->describe());
  REQUIRE(done);
  return lines;
}

std::vector<nlohmann::json> read_json_until(Process& listen,
                                            const std::function<bool(const nlohmann::json&)>& last,
                                            Millis timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<nlohmann::json> messages;
  for (;;) {
    auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    auto line = left.count() > 0 ? listen.read_line(left) : std::nullopt;
    if (!line) {
      listen.drain();
      FAIL("the awaited message did not come within " << timeout.count() << " ms\n"
                                                      << listen.describe());
    }
    auto m = nlohmann::json::parse(*line, nullptr, false);
    if (m.is_discarded() || !m.is_object()) {
      FAIL("not a JSON object line: " << *line << "\n" << listen.describe());
    }
    messages.push_back(m);
    if (last(m)) return messages;
  }
}

}  // namespace itest
