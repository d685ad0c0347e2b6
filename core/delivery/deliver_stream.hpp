#pragma once

#include <cstddef>
#include <functional>

#include "core/chat/stream_publisher.hpp"
#include "core/delivery/sender.hpp"

namespace mqchat {

/// What deliver_stream tells its caller as it goes, all on the calling thread; any may be empty.
struct StreamEvents {
  std::function<void()> publishing;               ///< connected and admitted: publishing starts
  std::function<void(std::size_t done)> counted;  ///< after each acknowledgement: how many so far
  AcknowledgedBatch sent;  ///< acknowledged envelopes, in order, once they are in the history
};

/// Sends what SOURCE gives to TO as it comes (send --lines), over a connection of its own
/// (never handed to a listen: the stream has no end to hand over), the user looked up or the
/// group admitted first, riding out a lost connection for SENDER's retry_for. Acknowledged
/// envelopes go to the profile's history, then to EVENTS.sent, in order. Returns how many were
/// acknowledged; on a failure (bad input from SOURCE too) throws a PartialSendError with that
/// count, as publish_stream does.
std::size_t deliver_stream(const Sender& sender, const Recipient& to, EnvelopeSource& source,
                           const StreamEvents& events);

}  // namespace mqchat
