#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/process.hpp"

namespace itest {

/// How to run the mqchat binary.
struct MqchatOptions {
  std::optional<std::filesystem::path> home;  ///< MQCHAT_HOME
  std::optional<std::string> broker;          ///< MQCHAT_BROKER
  /// Root of HOME and the XDG dirs of the child, so nothing ever touches the real home; a
  /// process-wide temp dir when unset.
  std::optional<std::filesystem::path> machine;
  std::vector<std::pair<std::string, std::string>> env;  ///< extra variables, applied last
  std::optional<std::string> input;                      ///< stdin; nullopt: /dev/null
  bool keep_input_open = false;  ///< start_mqchat: stdin stays open for Process::write_input
  Millis timeout{20000};         ///< run_mqchat only
};

/// The path of the mqchat binary under test.
std::string mqchat_binary();

/// The child's environment: ours without any MQCHAT_* variable, plus MQCHAT_HOME, MQCHAT_BROKER,
/// NO_COLOR=1, HOME and XDG dirs inside the machine dir, then OPTIONS.env.
std::vector<std::string> mqchat_environment(const MqchatOptions& options);

/// Runs mqchat ARGS to completion; the test fails (after the child is killed) when it does not
/// finish within options.timeout.
RunResult run_mqchat(const std::vector<std::string>& args, const MqchatOptions& options = {});

/// Starts mqchat ARGS in the background (e.g. listen, broker start).
std::unique_ptr<Process> start_mqchat(const std::vector<std::string>& args,
                                      const MqchatOptions& options = {});

}  // namespace itest
