#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/mqchat.hpp"
#include "tests/integration/temp_dir.hpp"

namespace itest {

class Broker;

/// One person on one machine: a name, a fresh state directory (MQCHAT_HOME) and a machine dir
/// for HOME and the XDG dirs, both removed at the end. Runs mqchat as that person.
class User {
 public:
  User(std::string name, std::string broker_url);
  User(std::string name, const Broker& broker);

  const std::string& name() const { return name_; }
  /// The state directory (MQCHAT_HOME).
  const std::filesystem::path& home() const { return home_.path(); }
  const std::string& broker_url() const { return broker_url_; }

  /// Every later run gets MQCHAT_PASSWORD=PASSWORD (for brokers with accounts).
  void set_password(std::string password) { password_ = std::move(password); }

  /// The options run() and start() use; OPTIONS's own home, broker and machine win.
  MqchatOptions options(MqchatOptions options = {}) const;
  /// Runs mqchat ARGS as this user.
  RunResult run(const std::vector<std::string>& args, MqchatOptions options = {}) const;
  /// Starts mqchat ARGS in the background as this user.
  std::unique_ptr<Process> start(const std::vector<std::string>& args,
                                 MqchatOptions options = {}) const;

  // Steps that must succeed for the test to make sense; each fails the test otherwise.

  /// mqchat register NAME [--phone PHONE]
  void register_user(const std::optional<std::string>& phone = std::nullopt) const;
  /// mqchat send TO TEXT
  void send(const User& to, const std::string& text) const;
  /// mqchat listen --json --count COUNT --timeout TIMEOUT_SECONDS: the messages received.
  std::vector<nlohmann::json> receive(int count, int timeout_seconds = 15) const;

 private:
  std::string name_;
  std::string broker_url_;
  std::string password_;
  TempDir home_;
  TempDir machine_;
};

}  // namespace itest
