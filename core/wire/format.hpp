#pragma once

#include <string>

#include "core/wire/envelope.hpp"

namespace mqchat {

/// How a message is shown to a person.
struct MessageStyle {
  bool colour = false;          ///< ANSI bold/colour for names
  bool show_recipient = false;  ///< "alice → bob:" (history) rather than "alice:" (listen)
  bool mark_unverified = true;  ///< "alice [unverified]:" for a message not verified
};

/// One message for a person: "[2026-11-25 13:32] bob: hello", local time. Control characters
/// in the text are replaced so a message cannot drive the terminal; continuation lines of a
/// multi-line text are indented. No trailing newline.
std::string format_message(const Envelope& envelope, const MessageStyle& style);

/// TEXT with terminal control characters (except tab and newline) replaced by U+FFFD.
std::string sanitize_for_terminal(const std::string& text);

/// An RFC 3339 time as local "YYYY-MM-DD HH:MM"; the input unchanged when it does not parse.
std::string local_time_text(const std::string& rfc3339);

}  // namespace mqchat
