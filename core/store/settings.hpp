#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/store/state_store.hpp"
#include "core/wire/transport.hpp"

namespace mqchat {

/// The effective settings of one command run.
struct Settings {
  std::vector<std::string> brokers;  ///< checked URLs, in the order to try
  int qos = 1;
  Millis connect_timeout{5000};
  std::size_t max_text_bytes = 64 * 1024;
  std::uint32_t session_expiry_seconds = 30 * 24 * 3600;
  TlsOptions tls;                   ///< for mqtts:// brokers (keys cafile, cert, key, insecure)
  bool encryption = true;           ///< "encryption": on (wire v2) or off (plain v1)
  bool require_encryption = false;  ///< refuse to send in plain text to a user without a key
  bool verified_only = false;       ///< listen drops messages that are not verified
  /// Credentials, set by the command: USERNAME is the mqchat user name (empty: anonymous);
  /// the password never comes from a command line argument.
  std::string username;
  std::string password;
  PasswordPrompt ask_password;  ///< asked when the broker wants a password nobody gave
};

/// One layer of raw values by key (broker, qos, connect_timeout, max_text_bytes,
/// session_expiry, cafile, cert, key, insecure, encryption, require_encryption, verified_only);
/// missing keys fall through to the next layer.
using SettingLayer = std::function<std::optional<std::string>(const std::string& key)>;

/// Keys that config set/get accept, in display order.
const std::vector<std::string>& setting_keys();

/// The default value of KEY, as text.
std::string default_setting(const std::string& key);

/// True for a key of setting_keys().
bool is_setting_key(const std::string& key);

/// What KEY accepts, in words ("use 0, 1 or 2"), for error messages and 'config' help.
std::string setting_rule(const std::string& key);

/// Checks VALUE for KEY as resolve_settings would; throws a usage Error naming the key and
/// what it accepts (also for an unknown key, listing the keys).
void validate_setting(const std::string& key, const std::string& value);

/// Resolves and checks every setting from LAYERS, first match wins (flag, environment, profile,
/// config; defaults last). Throws a usage Error naming the key and its source on a bad value.
Settings resolve_settings(const std::vector<std::pair<std::string, SettingLayer>>& layers);

}  // namespace mqchat
