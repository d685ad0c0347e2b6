#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/mqchat.hpp"
#include "tests/integration/process.hpp"
#include "tests/integration/temp_dir.hpp"

namespace itest {

/// `mqchat broker start --auth` on a free port of 127.0.0.1: mosquitto with exactly the config,
/// password file and ACL that mqchat generates, in a temp data dir. Stopped by the destructor.
class AuthBroker {
 public:
  /// With TLS, also a TLS listener on a free port with CERT and KEY (`--tls --cert --key`).
  explicit AuthBroker(bool tls = false, const std::filesystem::path& cert = {},
                      const std::filesystem::path& key = {});
  ~AuthBroker();
  AuthBroker(const AuthBroker&) = delete;
  AuthBroker& operator=(const AuthBroker&) = delete;

  int port() const { return port_; }
  int tls_port() const { return tls_port_; }
  /// mqtt://127.0.0.1:PORT
  std::string url() const;
  /// mqtts://127.0.0.1:TLS_PORT
  std::string tls_url() const;
  const std::filesystem::path& data_dir() const { return data_.path(); }
  Process& process() { return *process_; }

  /// `mqchat broker adduser NAME --data-dir DIR` with the password in MQCHAT_PASSWORD; the test
  /// fails unless it exits 0. Returns its stdout.
  std::string adduser(const std::string& name, const std::string& password);
  /// `mqchat broker deluser NAME --data-dir DIR`; the test fails unless it exits 0.
  void deluser(const std::string& name);

  /// The pids of `mqchat broker start` and of its children (mosquitto).
  std::vector<int> pids();

 private:
  TempDir data_;
  TempDir home_;
  int port_ = 0;
  int tls_port_ = 0;
  std::unique_ptr<Process> process_;
};

/// The NUL-separated command line of process PID, as one string ("" when it is gone).
std::string command_line_of(int pid);

/// The direct children of PID (from /proc/PID/task/*/children).
std::vector<int> children_of(int pid);

}  // namespace itest
