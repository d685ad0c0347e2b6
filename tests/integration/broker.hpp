#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "tests/integration/process.hpp"
#include "tests/integration/temp_dir.hpp"

namespace itest {

/// A Debian mosquitto of our own on a free port of 127.0.0.1, with persistence and queues large
/// enough for offline users, in its own temp dir. Started by the constructor (the test fails
/// clearly when it does not come up), stopped and removed by the destructor.
class Broker {
 public:
  Broker();
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  int port() const { return port_; }
  /// mqtt://127.0.0.1:PORT
  std::string url() const;
  /// The temp dir holding the config, the persistence file and the log.
  const std::filesystem::path& dir() const { return dir_.path(); }
  /// The broker's log so far, for failure messages.
  std::string log() const;
  bool running() const;

  /// SIGTERM and wait (SIGKILL after a deadline): a clean shutdown that saves persistence.
  void stop();
  /// SIGKILL: a crash; what was not saved yet is lost.
  void kill9();
  /// Starts again on the same port with the same persistence dir; call after stop() or kill9().
  void restart();

 private:
  bool start_once();
  void write_config() const;

  TempDir dir_;
  int port_ = 0;
  std::string program_;
  std::unique_ptr<Process> process_;
};

}  // namespace itest
