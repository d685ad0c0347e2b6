#include "tests/integration/broker.hpp"

#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "tests/integration/ports.hpp"
#include "tests/integration/temp_dir.hpp"

namespace itest {

namespace fs = std::filesystem;

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(5);
constexpr auto kStopTimeout = std::chrono::seconds(10);
constexpr int kPortAttempts = 5;

}  // namespace

Broker::Broker() : dir_("mqchat-it-broker") {
  auto program = find_program("mosquitto");
  if (!program) FAIL("mosquitto not found on PATH or in /usr/sbin (apt-get install mosquitto)");
  program_ = *program;
  // A free port can be taken by someone else before mosquitto binds it: try a few.
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    port_ = free_port();
    if (start_once()) return;
  }
  FAIL("mosquitto did not start on a free port after " << kPortAttempts << " attempts; log:\n"
                                                       << log());
}

Broker::~Broker() {
  if (process_) stop();
}

std::string Broker::url() const { return "mqtt://127.0.0.1:" + std::to_string(port_); }

std::string Broker::log() const {
  return file_contents(dir() / "mosquitto.log") + file_contents(dir() / "mosquitto.out");
}

bool Broker::running() const { return process_ && process_->running(); }

void Broker::write_config() const {
  std::ofstream conf(dir() / "mosquitto.conf");
  conf << "listener " << port_ << " 127.0.0.1\n"
       << "allow_anonymous true\n"
       << "persistence true\n"
       << "persistence_location " << dir().string() << "/\n"
       << "max_queued_messages 100000\n"
       << "persistent_client_expiration 1d\n"
       << "log_dest file " << (dir() / "mosquitto.log").string() << "\n";
  // As root, mosquitto would drop to user mosquitto, which cannot write our 0700 temp dir;
  // with `user root` it stays root.
  if (::geteuid() == 0) conf << "user root\n";
}

// Starts mosquitto on port_; false when it exited before accepting (e.g. the port was taken).
bool Broker::start_once() {
  write_config();
  SpawnOptions options;
  options.output_file = dir() / "mosquitto.out";
  process_ = std::make_unique<Process>(
      program_, std::vector<std::string>{"-c", (dir() / "mosquitto.conf").string()},
      std::move(options));
  if (wait_port_accepts(port_, kStartTimeout, [this] { return process_->running(); })) {
    return true;
  }
  if (process_->running()) {
    process_.reset();  // kills and reaps it
    FAIL("mosquitto did not accept connections on port " << port_ << " within 5 s; log:\n"
                                                         << log());
  }
  process_.reset();
  return false;
}

void Broker::stop() {
  if (!process_) return;
  process_->signal(SIGTERM);
  if (!process_->wait_exit(kStopTimeout)) process_->kill_and_wait();
  process_.reset();
}

void Broker::kill9() {
  if (!process_) return;
  process_->kill_and_wait();
  process_.reset();
}

void Broker::restart() {
  stop();
  if (!start_once()) {
    FAIL("mosquitto did not restart on port " << port_ << "; log:\n" << log());
  }
}

}  // namespace itest
