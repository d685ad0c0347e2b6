#pragma once

#include <string>
#include <vector>

#include "core/delivery/sender.hpp"
#include "core/store/history.hpp"
#include "core/wire/envelope.hpp"

namespace mqchat {

/// Offers ENVELOPES to the running listen of SENDER's profile, which looks up LOOKUP (unless
/// empty) and publishes them on its own connection (core/handoff/handoff.hpp). True when the
/// listen published them all: they are in HISTORY. False when no listen answered: send
/// directly. Throws the Error a direct send would have given (with what was acknowledged in
/// HISTORY).
bool send_via_listen(const Sender& sender, const std::vector<Envelope>& envelopes,
                     const std::string& lookup, History& history);

}  // namespace mqchat
