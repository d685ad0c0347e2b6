#pragma once

#include <string>
#include <string_view>

namespace mqchat {

/// A fresh message id: 32 lowercase hex digits from the OS's random source, time-ordered by
/// its first 12 digits (milliseconds since the epoch) so that ids sort roughly by creation.
std::string new_message_id();

/// N random lowercase hex digits, for client-id suffixes and sync-marker nonces.
std::string random_hex(std::size_t n);

/// BYTES as lowercase hex, two digits a byte.
std::string to_hex(std::string_view bytes);

}  // namespace mqchat
