#pragma once

#include <functional>
#include <string>

#include "cmd/context.hpp"
#include "cmd/message_input.hpp"
#include "cmd/send_retry.hpp"
#include "core/store/settings.hpp"
#include "core/store/state_store.hpp"
#include "core/wire/envelope.hpp"

namespace mqchat {

/// What send --lines and group send --lines send, and to whom.
struct LinesSend {
  const MessageInput& input;
  const RetryOption& retry;
  std::function<Envelope(const std::string& text)> make;  ///< one message from one line
  std::string lookup;      ///< the user to find in the directory first; empty: none
  std::string target;      ///< "bob", "group ops": for the summary line
  std::string group = {};  ///< the group the messages go to; empty: direct messages
};

/// Sends each non-empty stdin line as its own message as soon as it is read, over one
/// connection, so `tail -f log | mqchat send --lines ops` works. Each line is checked as it
/// comes: a bad one ends the send after what came before it was sent, with how to resume.
/// Results (history, --json lines) are recorded as the broker acknowledges.
void send_lines(Context& ctx, const Profile& profile, const Settings& settings,
                const LinesSend& send);

}  // namespace mqchat
