#pragma once

#include <deque>
#include <memory>
#include <set>
#include <string>

#include "core/wire/transport.hpp"

namespace mqchat {

/// The listen's own connection as a directory lookup from inside the receive loop sees it: the
/// lookup's subscriptions and marker go to the real connection, and of what arrives it gets
/// the directory entries and sync markers; everything else is set aside in LATER for the loop
/// to handle next, in order. A second connection would do too, but paho.mqtt.c serves all
/// clients of a process from one receive thread that polls in 1 s steps: a client opened
/// beside a connected one waits 1-2 s for its CONNECT to go out.
class LoopLookupTransport final : public Transport {
 public:
  LoopLookupTransport(Transport& connection, std::deque<IncomingMessage>& later)
      : connection_(connection), later_(later) {}

  ConnectResult connect(const ConnectOptions&) override { return ConnectResult{}; }
  std::uint64_t publish_async(const std::string& topic, const std::string& payload, int qos,
                              bool retain) override {
    return connection_.publish_async(topic, payload, qos, retain);
  }
  void wait(std::uint64_t ticket) override { connection_.wait(ticket); }
  void subscribe(const std::vector<std::string>& filters, int qos, bool no_local) override {
    connection_.subscribe(filters, qos, no_local);
    subscribed_.insert(filters.begin(), filters.end());
  }
  void unsubscribe(const std::vector<std::string>& filters) override {
    connection_.unsubscribe(filters);
  }
  std::optional<IncomingMessage> next_message(Millis timeout) override;
  bool is_connected() const override { return connection_.is_connected(); }
  int mqtt_version() const override { return connection_.mqtt_version(); }
  void disconnect() override {}

 private:
  Transport& connection_;
  std::deque<IncomingMessage>& later_;
  // The lookup's own topics (its entry and its marker): a hand-off lookup running at the same
  // time has markers and entries of its own, which must reach the loop.
  std::set<std::string> subscribed_;
};

}  // namespace mqchat
