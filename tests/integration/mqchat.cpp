#include "tests/integration/mqchat.hpp"

#include <catch2/catch.hpp>
#include <map>

#include "tests/integration/temp_dir.hpp"

extern char** environ;

namespace itest {

namespace fs = std::filesystem;

namespace {

const fs::path& default_machine() {
  static TempDir dir("mqchat-it-machine");
  return dir.path();
}

}  // namespace

std::string mqchat_binary() { return MQCHAT_BINARY; }

std::vector<std::string> mqchat_environment(const MqchatOptions& options) {
  std::map<std::string, std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string kv(*entry);
    auto eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string key = kv.substr(0, eq);
    if (key.rfind("MQCHAT_", 0) == 0) continue;  // the tester's own settings must not leak in
    env[key] = kv.substr(eq + 1);
  }
  fs::path machine = options.machine ? *options.machine : default_machine();
  env["HOME"] = machine.string();
  env["XDG_CONFIG_HOME"] = (machine / "config").string();
  env["XDG_STATE_HOME"] = (machine / "state").string();
  env["XDG_DATA_HOME"] = (machine / "data").string();
  env["XDG_CACHE_HOME"] = (machine / "cache").string();
  env["XDG_RUNTIME_DIR"] = machine.string();
  env["NO_COLOR"] = "1";
  if (options.home) env["MQCHAT_HOME"] = options.home->string();
  if (options.broker) env["MQCHAT_BROKER"] = *options.broker;
  for (const auto& [key, value] : options.env) env[key] = value;

  std::vector<std::string> result;
  for (const auto& [key, value] : env) result.push_back(key + "=" + value);
  return result;
}

RunResult run_mqchat(const std::vector<std::string>& args, const MqchatOptions& options) {
  SpawnOptions spawn;
  spawn.env = mqchat_environment(options);
  spawn.input = options.input;
  RunResult result = run_process(mqchat_binary(), args, std::move(spawn), options.timeout);
  if (result.timed_out) {
    FAIL("mqchat did not finish within " << options.timeout.count() << " ms\n" << describe(result));
  }
  return result;
}

std::unique_ptr<Process> start_mqchat(const std::vector<std::string>& args,
                                      const MqchatOptions& options) {
  SpawnOptions spawn;
  spawn.env = mqchat_environment(options);
  spawn.input = options.input;
  spawn.keep_input_open = options.keep_input_open;
  return std::make_unique<Process>(mqchat_binary(), args, std::move(spawn));
}

}  // namespace itest
