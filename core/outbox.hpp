#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/envelope.hpp"
#include "core/history.hpp"
#include "core/transport.hpp"

namespace mqchat {

/// A new envelope from FROM: a fresh id and the current time.
Envelope make_direct_message(const std::string& from, const std::string& to,
                             const std::string& text);

/// The topic an envelope is published to: the recipient's inbox or the group, with the sender
/// as last level.
std::string topic_for(const Envelope& envelope);

/// Publishes ENVELOPES in order with at most WINDOW unacknowledged at once, and appends each
/// acknowledged one to HISTORY as sent. On a failure, what was acknowledged is in the history
/// and the Error says how many were sent, so a script can resume.
void publish_in_order(Transport& transport, const std::vector<Envelope>& envelopes, int qos,
                      std::size_t window, History& history);

}  // namespace mqchat
