#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>

#include "cmd/context.hpp"
#include "core/wire/transport.hpp"

namespace mqchat {

/// True when a long send should show progress: --lines, stderr a terminal, and no -q.
bool shows_progress(const Context& ctx, bool lines);

/// "sent N of TOTAL" (or "sent N" when TOTAL is 0: unknown) on stderr, redrawn in place with '\r'
/// at most ten times a second, and only once the send has taken longer than DELAY: short sends stay
/// silent.
class ProgressMeter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  ProgressMeter(
      std::ostream& err, bool enabled, std::size_t total,
      std::chrono::milliseconds delay = std::chrono::milliseconds(1000),
      Clock now = [] { return std::chrono::steady_clock::now(); });

  /// Records that DONE items are finished; draws when due.
  void update(std::size_t done);
  /// Erases the progress line, if one was drawn, so what follows starts on a clean line.
  void finish();

 private:
  std::ostream& err_;
  bool enabled_;
  std::size_t total_;
  std::chrono::milliseconds delay_;
  Clock now_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_{};
  bool drawn_ = false;
  std::size_t shown_ = 0;  // the count last drawn

  std::string text(std::size_t done) const;
};

/// A Transport that forwards everything to another and tells a ProgressMeter about every
/// acknowledged publish, so publish_in_order needs no knowledge of progress.
class CountingTransport : public Transport {
 public:
  CountingTransport(Transport& inner, ProgressMeter& meter) : inner_(inner), meter_(meter) {}

  ConnectResult connect(const ConnectOptions& o) override { return inner_.connect(o); }
  std::uint64_t publish_async(const std::string& topic, const std::string& payload, int qos,
                              bool retain) override {
    return inner_.publish_async(topic, payload, qos, retain);
  }
  void wait(std::uint64_t ticket) override {
    inner_.wait(ticket);
    meter_.update(++done_);
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
  void disconnect() override { inner_.disconnect(); }

 private:
  Transport& inner_;
  ProgressMeter& meter_;
  std::size_t done_ = 0;
};

}  // namespace mqchat
