#pragma once

#include <string>
#include <string_view>
#include <vector>

// mosquitto's password file, written in-process so that a password never appears on the
// command line of a child (mosquitto_passwd -b would show it in the process list).
namespace mqchat {

/// Throws a usage Error unless PASSWORD is 1-1024 bytes without NUL or line breaks (a password
/// file holds one account per line, and MQTT sends the password as is).
void validate_password(std::string_view password);

/// mosquitto 2.0's "$7$" hash of PASSWORD: PBKDF2-HMAC-SHA512, 101 iterations, the given SALT,
/// 64 bytes, as $7$101$BASE64(SALT)$BASE64(HASH). Deterministic, for tests.
std::string mosquitto_password_hash(std::string_view password, const std::string& salt);

/// The same with a fresh random 12-byte salt, as mosquitto_passwd makes it.
std::string mosquitto_password_hash(std::string_view password);

/// CONTENT (a password file) with NAME's line set to NAME:HASH, added at the end when absent.
std::string with_password_entry(const std::string& content, const std::string& name,
                                const std::string& hash);

/// CONTENT without NAME's line; FOUND says whether there was one.
std::string without_password_entry(const std::string& content, const std::string& name,
                                   bool& found);

/// The account names in CONTENT, in file order.
std::vector<std::string> password_entry_names(const std::string& content);

}  // namespace mqchat
