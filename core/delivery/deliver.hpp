#pragma once

#include <vector>

#include "core/delivery/sender.hpp"
#include "core/wire/envelope.hpp"

namespace mqchat {

/// Sends ENVELOPES, in order, to TO as `send` and a member's `group send` do: handed to the
/// running listen of SENDER's profile when one takes them, else over a connection of its own
/// (the user looked up, exit 3 when not registered, or the group admitted into the Sealer),
/// riding out a lost connection for SENDER's retry_for. Every envelope the broker acknowledged
/// is in the profile's history, also when it throws (a PartialSendError when the publishing
/// stopped: how many made it).
void deliver(const Sender& sender, const Recipient& to, const std::vector<Envelope>& envelopes);

}  // namespace mqchat
