#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/process.hpp"
#include "tests/integration/temp_dir.hpp"

namespace itest {

/// A broker cluster of our own: a fresh redis-server (no persistence, in its own temp dir) and
/// NODES aedes nodes sharing it (tests/cluster/aedes-node.mjs), each on a free port of
/// 127.0.0.1. aedes shares retained messages, persistent sessions and wills through redis and
/// speaks MQTT 3.1.1 only. Started by the constructor (the test fails clearly when something does
/// not come up, e.g. when `npm ci` was not run in tests/cluster); every process is stopped by PID
/// in the destructor.
class Cluster {
 public:
  explicit Cluster(int nodes = 2);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  int size() const { return static_cast<int>(nodes_.size()); }
  int port(int node) const { return nodes_.at(node).port; }
  /// mqtt://127.0.0.1:PORT of NODE (0-based).
  std::string url(int node) const;
  /// Every node's URL, comma-separated, starting with FIRST: a --broker list for failover.
  std::string urls(int first = 0) const;
  bool running(int node) const;
  /// SIGKILLs NODE: its clients lose their connection without a DISCONNECT.
  void kill9(int node);
  /// The logs of redis and every node, for failure messages.
  std::string log() const;

 private:
  struct Node {
    int port = 0;
    std::unique_ptr<Process> process;
  };
  void start_redis();
  void start_node(int index);

  TempDir dir_;
  int redis_port_ = 0;
  std::unique_ptr<Process> redis_;
  std::vector<Node> nodes_;
};

}  // namespace itest
