#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "core/chat/connection_recovery.hpp"
#include "core/store/history.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/error.hpp"
#include "core/wire/transport.hpp"

namespace mqchat {

/// The outcome of one item of a batch: the envelope the broker acknowledged, or why not.
struct BatchOutcome {
  std::size_t item = 0;  ///< the number the caller gave (send --batch: the input line)
  std::optional<Envelope> sent;
  std::optional<Error> error;
};

/// Publishes a stream of envelopes over one connection with at most WINDOW unacknowledged at
/// once, like publish_in_order, but one failure does not end the batch: every item gets its own
/// outcome, reported in the order the items were given (also items refused before publishing).
/// Acknowledged envelopes go to HISTORY as sent, in batches. A lost connection is ridden out as
/// RECONNECTION says (what the broker had not acknowledged is published again, with the same
/// ids); when the broker stays away, every item not yet acknowledged fails with exit 5.
class BatchOutbox {
 public:
  using Report = std::function<void(const BatchOutcome&)>;

  /// ENCODE makes each payload (plain v1 when empty); a resend encodes again.
  BatchOutbox(Transport& transport, int qos, std::size_t window, History& history, Report report,
              PayloadEncoder encode = {}, Reconnection reconnection = {});
  ~BatchOutbox();
  BatchOutbox(const BatchOutbox&) = delete;
  BatchOutbox& operator=(const BatchOutbox&) = delete;

  /// Publishes ENVELOPE as item ITEM; waits for the oldest while the window is full.
  void submit(std::size_t item, const Envelope& envelope);
  /// Records item ITEM as failed with ERROR, reported in its turn.
  void reject(std::size_t item, const Error& error);
  /// Waits for everything outstanding and reports it; the history is written.
  void flush();
  /// Rides out LOSS, a transient error met outside the outbox (a directory lookup for the next
  /// item): true when the connection is back and the unacknowledged items were published again.
  bool recover_from(const Error& loss) { return recovered(loss); }

 private:
  struct Pending {
    std::size_t item;
    std::optional<Envelope> envelope;
    std::optional<std::uint64_t> ticket;
    std::optional<Error> error;
  };
  void settle_front();
  void report_ready();
  void write_history();
  std::uint64_t publish(const Envelope& envelope);
  // After the error LOSS: true when the connection is back and everything unacknowledged was
  // published again; else FAILURE is the error of every unacknowledged item from now on.
  bool recovered(const Error& loss);

  Transport& transport_;
  int qos_;
  std::size_t window_;
  History& history_;
  Report report_;
  std::deque<Pending> queue_;
  std::size_t in_flight_ = 0;
  std::vector<HistoryEntry> acknowledged_;
  PayloadEncoder encode_;
  Reconnection reconnection_;
  ConnectionRecovery recovery_{reconnection_};
  std::size_t acknowledged_count_ = 0;
  std::optional<Error> failure_;  // the broker did not come back: nothing more is tried
};

}  // namespace mqchat
