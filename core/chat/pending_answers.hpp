#pragma once

#include <cstdint>
#include <vector>

#include "core/wire/transport.hpp"

namespace mqchat {

/// Answers that a connection did not wait for when it asked: a listen's start-up subscribes
/// and presence, which a broker resuming a session sends only after everything it queued
/// (docs/mqtt-notes.md). Confirmed later, as they come in.
class PendingAnswers {
 public:
  enum class State {
    waiting,    ///< some are still on their way
    confirmed,  ///< all came, none refused
    dropped,    ///< the connection was lost first: nothing was confirmed
  };

  explicit PendingAnswers(Transport& transport);

  /// TICKET (from publish_async or subscribe_async) is to be confirmed.
  void add(std::uint64_t ticket) { tickets_.push_back(ticket); }
  bool empty() const { return tickets_.empty(); }

  /// Confirms the answers that are there (with WAIT all of them, waiting for the rest); a
  /// refusal throws as the wait would, once. After a lost connection they are dropped unwaited
  /// instead: paho may never complete the requests of a lost persistent session, and the
  /// connection that came back must restore what they asked for anyway (listen's LinkWatch).
  State settle(bool wait);

 private:
  bool same_connection() const;

  Transport& transport_;
  std::uint64_t connection_;  // connection_count() when they were asked for
  std::vector<std::uint64_t> tickets_;
};

}  // namespace mqchat
