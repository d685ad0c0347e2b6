#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mqchat {

/// Splits a comma-separated --broker value into URLs and checks each: scheme mqtt:// or
/// mqtts:// (tcp:// and ssl:// accepted as aliases), a host, an optional port 1-65535.
/// Throws a usage Error naming the bad URL.
std::vector<std::string> parse_broker_list(std::string_view value);

/// Rewrites one checked URL into paho's form: tcp://host:port or ssl://host:port, with the
/// default port (1883, 8883) filled in.
std::string to_paho_uri(std::string_view url);

}  // namespace mqchat
