#pragma once

#include <functional>
#include <string>

#include "cmd/context.hpp"
#include "cmd/message_input.hpp"
#include "cmd/send_retry.hpp"
#include "core/delivery/sender.hpp"
#include "core/store/settings.hpp"
#include "core/store/state_store.hpp"
#include "core/wire/envelope.hpp"

namespace mqchat {

/// What send --lines and group send --lines send, and to whom.
struct LinesSend {
  const MessageInput& input;
  const RetryOption& retry;
  std::function<Envelope(const std::string& text)> make;  ///< one message from one line
  Recipient to;        ///< the user to look up first, or the group the messages go to
  std::string target;  ///< "bob", "group ops": for the summary line
};

/// Sends each non-empty stdin line as its own message as soon as it is read, over one
/// connection, so `tail -f log | mqchat send --lines ops` works. Each line is checked as it
/// comes: a bad one ends the send after what came before it was sent, with how to resume.
/// Results (history, --json lines) are recorded as the broker acknowledges.
void send_lines(Context& ctx, const Profile& profile, const Settings& settings,
                const LinesSend& send);

}  // namespace mqchat
