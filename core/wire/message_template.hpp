#pragma once

#include <string>
#include <vector>

#include "core/wire/envelope.hpp"

namespace mqchat {

/// A `listen --format` template such as "{from}\t{text}": literal text with the fields {id}
/// {type} {from} {to} {group} {text} {sent_at} and the escapes \t \n \\ \{ \}. Field values are
/// escaped as jq's @tsv does (\ tab newline CR become \\ \t \n \r) and other control characters
/// replaced, so that one message is always one line.
class MessageTemplate {
 public:
  /// Parses TEXT; throws a usage Error naming the unknown field, escape or unclosed brace.
  static MessageTemplate parse(const std::string& text);

  /// ENVELOPE rendered through the template, without a trailing newline.
  std::string render(const Envelope& envelope) const;

  /// The field names a template may use, in the order the help lists them.
  static const std::vector<std::string>& field_names();

 private:
  struct Part {
    bool is_field = false;
    std::string text;  ///< literal text, or the field name
  };
  std::vector<Part> parts_;
};

/// VALUE with \ tab newline CR written as \\ \t \n \r and other control characters replaced by
/// U+FFFD: safe on one line of a terminal or a tab-separated file.
std::string escape_field(const std::string& value);

}  // namespace mqchat
