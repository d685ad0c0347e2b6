#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mqchat {

/// Default and configurable ceiling on the size of one message text.
inline constexpr std::size_t kDefaultMaxTextBytes = 64 * 1024;

/// True when NAME is 1-32 of [A-Za-z0-9_.-] and starts with a letter or digit.
bool is_valid_name(std::string_view name);

/// Throws a usage Error naming WHAT ("user", "group") when NAME breaks the name rules.
void validate_name(std::string_view name, std::string_view what);

/// True when TEXT is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view text);

/// Throws a usage Error when TEXT is empty, not UTF-8, or longer than MAX_BYTES.
void validate_text(std::string_view text, std::size_t max_bytes = kDefaultMaxTextBytes);

/// Returns the phone number with spaces, dashes, dots and parentheses removed; throws a usage
/// Error unless what remains is an optional '+' and 3-20 digits.
std::string normalize_phone(std::string_view phone);

}  // namespace mqchat
