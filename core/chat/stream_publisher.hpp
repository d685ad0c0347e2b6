#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/chat/connection_recovery.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/transport.hpp"

namespace mqchat {

/// Where publish_stream takes its messages from, one at a time: a vector, or stdin lines as
/// they arrive.
class EnvelopeSource {
 public:
  virtual ~EnvelopeSource() = default;
  /// The next message, waiting for it if need be; nullopt once there are no more. May throw
  /// Error (bad input): publish_stream then finishes what it sent and throws it on.
  virtual std::optional<Envelope> next() = 0;
  /// True when next() would return without waiting (a message is there, or the input ended).
  virtual bool ready() = 0;
};

/// Told about acknowledged messages, in order, in batches.
using AcknowledgedBatch = std::function<void(const std::vector<Envelope>&)>;

/// Publishes what SOURCE gives, in order, with at most WINDOW unacknowledged at once, and tells
/// ACKNOWLEDGED as the broker acknowledges them (before waiting on SOURCE, everything in flight
/// is settled and told: a slow input never holds back results). A lost connection is ridden
/// out as RECONNECTION says. Returns how many messages were acknowledged. On a failure it
/// throws a PartialSendError with that count: exit 5 when the broker did not come back within
/// retry_for, else the exit code of the cause. TOTAL, when known, only words the messages.
/// ENCODE makes each payload (plain v1 when empty); a resend encodes again.
std::size_t publish_stream(Transport& transport, EnvelopeSource& source, int qos,
                           std::size_t window, const AcknowledgedBatch& acknowledged,
                           const Reconnection& reconnection,
                           std::optional<std::size_t> total = std::nullopt,
                           const PayloadEncoder& encode = {});

}  // namespace mqchat
