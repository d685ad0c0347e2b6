#pragma once

#include <cstddef>
#include <functional>
#include <utility>

#include "core/wire/transport.hpp"

namespace mqchat {

/// A Transport that forwards everything to another and tells COUNTED how many publishes were
/// acknowledged so far after each one, so publish_stream needs no knowledge of progress.
class CountingTransport : public Transport {
 public:
  using Counted = std::function<void(std::size_t done)>;

  CountingTransport(Transport& inner, Counted counted)
      : inner_(inner), counted_(std::move(counted)) {}

  ConnectResult connect(const ConnectOptions& o) override { return inner_.connect(o); }
  std::uint64_t publish_async(const std::string& topic, const std::string& payload, int qos,
                              bool retain) override {
    return inner_.publish_async(topic, payload, qos, retain);
  }
  void wait(std::uint64_t ticket) override {
    inner_.wait(ticket);
    ++done_;
    if (counted_) counted_(done_);
  }
  void subscribe(const std::vector<std::string>& filters, int qos, bool no_local) override {
    inner_.subscribe(filters, qos, no_local);
  }
  void unsubscribe(const std::vector<std::string>& filters) override {
    inner_.unsubscribe(filters);
  }
  std::optional<IncomingMessage> next_message(Millis timeout) override {
    return inner_.next_message(timeout);
  }
  bool is_connected() const override { return inner_.is_connected(); }
  std::uint64_t connection_count() const override { return inner_.connection_count(); }
  int mqtt_version() const override { return inner_.mqtt_version(); }
  bool keeps_session() const override { return inner_.keeps_session(); }
  void disconnect() override { inner_.disconnect(); }

 private:
  Transport& inner_;
  Counted counted_;
  std::size_t done_ = 0;
};

}  // namespace mqchat
