#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "core/wire/error.hpp"
#include "core/wire/transport.hpp"

namespace mqchat {

/// How a publisher rides out a lost connection: it connects again, with growing pauses, and
/// resends what the broker had not acknowledged. The resent messages keep their ids, so a
/// receiver that got one before the loss drops the repeat.
struct Reconnection {
  /// How long the broker may stay away, counted from the loss; zero: fail at once.
  Millis retry_for{0};
  /// Connects the transport again; throws Error (transient when worth another try).
  std::function<void()> connect;
  /// Told one line when the connection is lost and one when it is back.
  std::function<void(const std::string&)> notify;
};

/// The clock and the reconnect loop of a Reconnection, shared by the publishers (send --lines,
/// send --batch). The time allowed runs from the first loss; only progress since then earns a
/// fresh allowance, so a broker that accepts connections and drops them cannot keep us.
class ConnectionRecovery {
 public:
  explicit ConnectionRecovery(const Reconnection& reconnection);

  /// True when a transient loss may be ridden out at all (a time allowed and a way to connect).
  bool enabled() const;

  struct Outcome {
    enum class Kind { reconnected, gave_up, failed } kind;
    /// gave_up: the last transient error; failed: the refusal that ends it (not transient).
    std::optional<Error> error;
  };

  /// After the transient loss LOSS, with DONE messages acknowledged so far: tells LOST_LINE,
  /// pauses and connects again until it works or the time allowed is over.
  Outcome recover(const Error& loss, std::size_t done, const std::string& lost_line);

  void notify(const std::string& line) const;
  /// "the broker did not come back within 30 s (LAST)": why the time allowed ran out.
  std::string gave_up_text(const Error& last) const;

 private:
  using Clock = std::chrono::steady_clock;

  const Reconnection& reconnection_;
  std::optional<Clock::time_point> deadline_;
  std::size_t done_at_loss_ = 0;
  Millis no_progress_pause_;  // before reconnecting when the last connection sent nothing
};

}  // namespace mqchat
