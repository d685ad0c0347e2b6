#include "tests/integration/auth_broker.hpp"

#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "tests/integration/ports.hpp"

namespace itest {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

AuthBroker::AuthBroker(bool tls, const fs::path& cert, const fs::path& key)
    : data_("mqchat-it-authdata"), home_("mqchat-it-authhome") {
  MqchatOptions o;
  o.home = home_.path();
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = free_port();
    std::vector<std::string> args{"broker",
                                  "start",
                                  "--auth",
                                  "--port",
                                  std::to_string(port_),
                                  "--data-dir",
                                  data_.path().string()};
    if (tls) {
      do {
        tls_port_ = free_port();
      } while (tls_port_ == port_);
      args.insert(args.end(), {"--tls", "--tls-port", std::to_string(tls_port_), "--cert",
                               cert.string(), "--key", key.string()});
    }
    process_ = start_mqchat(args, o);
    Process& p = *process_;
    const bool up = wait_port_accepts(port_, 10s, [&] { return p.running(); }) &&
                    (!tls || wait_port_accepts(tls_port_, 10s, [&] { return p.running(); }));
    if (up) return;
    if (p.running()) break;
  }
  INFO(process_->describe());
  FAIL("mqchat broker start --auth did not accept connections on port " << port_);
}

AuthBroker::~AuthBroker() {
  if (!process_) return;
  process_->signal(SIGTERM);
  if (!process_->wait_exit(10s)) process_->kill_and_wait();
}

std::string AuthBroker::url() const { return "mqtt://127.0.0.1:" + std::to_string(port_); }

std::string AuthBroker::tls_url() const { return "mqtts://127.0.0.1:" + std::to_string(tls_port_); }

std::string AuthBroker::adduser(const std::string& name, const std::string& password) {
  MqchatOptions o;
  o.home = home_.path();
  o.env = {{"MQCHAT_PASSWORD", password}};
  auto r = run_mqchat({"broker", "adduser", name, "--data-dir", data_.path().string()}, o);
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  return r.out;
}

void AuthBroker::deluser(const std::string& name) {
  MqchatOptions o;
  o.home = home_.path();
  auto r = run_mqchat({"broker", "deluser", name, "--data-dir", data_.path().string()}, o);
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
}

std::vector<int> AuthBroker::pids() {
  std::vector<int> out{process_->pid()};
  for (int child : children_of(process_->pid())) out.push_back(child);
  return out;
}

std::string command_line_of(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<int> children_of(int pid) {
  std::vector<int> out;
  std::error_code ec;
  for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream in(task.path() / "children");
    for (int child; in >> child;) out.push_back(child);
  }
  return out;
}

}  // namespace itest
