#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "core/chat/stream_publisher.hpp"
#include "core/store/history.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/transport.hpp"

namespace mqchat {

/// A new envelope from FROM: a fresh id and the current time.
Envelope make_direct_message(const std::string& from, const std::string& to,
                             const std::string& text);

/// The topic an envelope is published to: the recipient's inbox or the group, with the sender
/// as last level.
std::string topic_for(const Envelope& envelope);

/// Told that envelopes [BEGIN, END) were acknowledged by the broker; called in order, in
/// batches, and once more with what was acknowledged before a failure.
using AcknowledgedSink = std::function<void(std::size_t begin, std::size_t end)>;

/// Publishes ENVELOPES in order with at most WINDOW unacknowledged at once, telling ACKNOWLEDGED
/// as they are. A lost connection is ridden out as RECONNECTION says. On a failure it throws a
/// PartialSendError that says how many were acknowledged: exit 5 when the broker did not come
/// back within retry_for, else the exit code of the cause.
void publish_in_order(Transport& transport, const std::vector<Envelope>& envelopes, int qos,
                      std::size_t window, const AcknowledgedSink& acknowledged,
                      const Reconnection& reconnection = {}, const PayloadEncoder& encode = {});

/// Appends the envelopes [FIRST, LAST) to HISTORY as outgoing messages, in one write.
void append_sent(History& history, std::vector<Envelope>::const_iterator first,
                 std::vector<Envelope>::const_iterator last);

/// A sink that appends the acknowledged ENVELOPES to HISTORY as sent (both must outlive it).
AcknowledgedSink record_sent(const std::vector<Envelope>& envelopes, History& history);

/// Publishes ENVELOPES in order with at most WINDOW unacknowledged at once, and appends each
/// acknowledged one to HISTORY as sent. On a failure, what was acknowledged is in the history
/// and the PartialSendError says how many, so a script can resume.
void publish_in_order(Transport& transport, const std::vector<Envelope>& envelopes, int qos,
                      std::size_t window, History& history, const Reconnection& reconnection = {},
                      const PayloadEncoder& encode = {});

}  // namespace mqchat
