#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace mqchat {

using SystemTime = std::chrono::system_clock::time_point;

/// Formats T as RFC 3339 UTC with milliseconds: 2026-11-25T13:32:07.123Z.
std::string to_rfc3339(SystemTime t);

/// The current time as RFC 3339 UTC.
std::string now_rfc3339();

/// Parses an RFC 3339 timestamp (UTC 'Z' or a numeric offset, optional fraction).
std::optional<SystemTime> parse_rfc3339(std::string_view text);

/// "just now", "5 min ago", "3 h ago", "2 days ago": for human output of last-seen times.
std::string relative_age(SystemTime then, SystemTime now);

}  // namespace mqchat
