#pragma once

#include <cstddef>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

#include "core/wire/transport.hpp"

namespace mqchat {

/// Keeps each message that reaches listen's session on disk until listen has handled it.
/// paho acknowledges a QoS 1 message to the broker as soon as its arrival callback returns, so
/// a message held only in memory would be lost when listen is killed, or stops (--count, a
/// signal, a full disk) before it reached the message. record() runs in that callback and
/// appends the message to the pending inbox file; once everything recorded has been handled,
/// the file is emptied. Whatever is left is shown first by the next listen, and the seen ids
/// keep it from being shown twice: at least once on the wire, once on screen.
class ArrivalSpool {
 public:
  /// Appends to FILE (PendingInbox's format), which already holds ALREADY_PENDING messages
  /// that this listen will handle before anything new.
  ArrivalSpool(std::filesystem::path file, std::size_t already_pending);
  ~ArrivalSpool();
  ArrivalSpool(const ArrivalSpool&) = delete;
  ArrivalSpool& operator=(const ArrivalSpool&) = delete;

  /// Appends MESSAGE with one write(). Called on the transport's thread; never throws: a
  /// failure is kept for failure().
  void record(const IncomingMessage& message) noexcept;

  /// One recorded (or already pending) message was handled: shown and marked seen, filtered
  /// out, or dropped as malformed. Empties the file when nothing recorded is left unhandled.
  void handled();

  /// The first write failure ("cannot append to FILE: No space left on device: ..."), if any.
  std::optional<std::string> failure() const;

  /// Whether MESSAGE is one listen may have to show (an inbox or group message); retained
  /// directory records are state, not messages, and are not kept.
  static bool keeps(const IncomingMessage& message);

 private:
  void fail(const std::string& what, int err);

  std::filesystem::path file_;
  mutable std::mutex mutex_;
  int fd_ = -1;
  std::size_t unhandled_;
  std::optional<std::string> failure_;
};

}  // namespace mqchat
