#include "tests/integration/cluster.hpp"

#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "tests/integration/ports.hpp"
#include "tests/integration/temp_dir.hpp"

namespace itest {

namespace fs = std::filesystem;

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(10);
constexpr auto kStopTimeout = std::chrono::seconds(5);
constexpr int kPortAttempts = 5;

fs::path fixture_dir() { return fs::path(MQCHAT_CLUSTER_FIXTURE_DIR); }

std::string require_program(const std::string& name, const std::string& package) {
  auto program = find_program(name);
  if (!program) FAIL(name << " not found on PATH (apt-get install " << package << ")");
  return *program;
}

void stop_process(std::unique_ptr<Process>& process) {
  if (!process) return;
  process->signal(SIGTERM);
  if (!process->wait_exit(kStopTimeout)) process->kill_and_wait();
  process.reset();
}

}  // namespace

Cluster::Cluster(int nodes) : dir_("mqchat-it-cluster") {
  if (!fs::exists(fixture_dir() / "node_modules" / "aedes")) {
    FAIL("the aedes cluster fixture is not installed: run 'npm ci' in "
         << fixture_dir().string() << " (scripts/test does it)");
  }
  start_redis();
  nodes_.resize(static_cast<std::size_t>(nodes));
  for (int i = 0; i < nodes; ++i) start_node(i);
}

Cluster::~Cluster() {
  for (auto& node : nodes_) stop_process(node.process);
  stop_process(redis_);
}

std::string Cluster::url(int node) const {
  return "mqtt://127.0.0.1:" + std::to_string(port(node));
}

std::string Cluster::urls(int first) const {
  std::string out;
  for (int i = 0; i < size(); ++i) {
    if (!out.empty()) out += ",";
    out += url((first + i) % size());
  }
  return out;
}

bool Cluster::running(int node) const {
  const auto& process = nodes_.at(node).process;
  return process && process->running();
}

void Cluster::kill9(int node) {
  auto& process = nodes_.at(node).process;
  if (!process) return;
  process->kill_and_wait();
  process.reset();
}

std::string Cluster::log() const {
  std::string out = "--- redis\n" + file_contents(dir_.path() / "redis.out");
  for (int i = 0; i < size(); ++i) {
    out += "--- node " + std::to_string(i) + "\n" +
           file_contents(dir_.path() / ("node" + std::to_string(i) + ".out"));
  }
  return out;
}

void Cluster::start_redis() {
  auto program = require_program("redis-server", "redis-server");
  // A free port can be taken by someone else before the server binds it: try a few.
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    redis_port_ = free_port();
    SpawnOptions options;
    options.output_file = dir_.path() / "redis.out";
    redis_ = std::make_unique<Process>(
        program,
        std::vector<std::string>{"--port", std::to_string(redis_port_), "--bind", "127.0.0.1",
                                 "--save", "", "--appendonly", "no", "--dir", dir_.path().string()},
        std::move(options));
    if (wait_port_accepts(redis_port_, kStartTimeout, [this] { return redis_->running(); })) {
      return;
    }
    redis_.reset();  // kills and reaps it
  }
  FAIL("redis-server did not start on a free port; log:\n" << log());
}

void Cluster::start_node(int index) {
  auto node_program = require_program("node", "nodejs");
  auto& node = nodes_.at(static_cast<std::size_t>(index));
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    node.port = free_port();
    SpawnOptions options;
    options.output_file = dir_.path() / ("node" + std::to_string(index) + ".out");
    node.process = std::make_unique<Process>(
        node_program,
        std::vector<std::string>{(fixture_dir() / "aedes-node.mjs").string(),
                                 "node-" + std::to_string(index), std::to_string(node.port),
                                 std::to_string(redis_port_)},
        std::move(options));
    if (wait_port_accepts(node.port, kStartTimeout, [&node] { return node.process->running(); })) {
      return;
    }
    node.process.reset();
  }
  FAIL("aedes node " << index << " did not start on a free port; log:\n" << log());
}

}  // namespace itest
