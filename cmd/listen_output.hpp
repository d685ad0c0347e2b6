#pragma once

#include <optional>
#include <regex>
#include <string>

#include "cmd/context.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/message_template.hpp"

// What listen shows and how: the filters (--from, --group, --match) and the three output forms
// (human, --json, --format TEMPLATE).
namespace mqchat {

/// The filters of listen; a message shows when it passes all that are set.
struct MessageFilter {
  std::optional<std::string> from;
  std::optional<std::string> group;
  std::optional<std::regex> match;  ///< searched in the text (anchor with ^ and $)

  bool wants(const Envelope& envelope) const;
  bool any() const { return from || group || match; }
};

/// PATTERN compiled as an ECMAScript regular expression; a usage Error saying why when invalid.
std::regex compile_match(const std::string& pattern);

/// Prints messages to ctx.out in the chosen form, one line each, flushed.
class MessagePrinter {
 public:
  MessagePrinter(Context& ctx, std::optional<MessageTemplate> format)
      : ctx_(ctx), format_(std::move(format)) {}

  /// Prints ENVELOPE; false when the output is gone (a closed pipe).
  bool print(const Envelope& envelope);

 private:
  Context& ctx_;
  std::optional<MessageTemplate> format_;
};

/// True when FD is a pipe whose reader went away (mqchat listen | head -1): listen notices it
/// while waiting, without having to write the next message first.
bool output_closed(int fd);

}  // namespace mqchat
