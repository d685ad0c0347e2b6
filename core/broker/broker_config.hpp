#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace mqchat {

/// The port MQTT brokers listen on unless told otherwise.
inline constexpr int kDefaultBrokerPort = 1883;

/// The port of a TLS listener unless told otherwise (MQTT over TLS, IANA).
inline constexpr int kDefaultTlsPort = 8883;

/// A TLS listener beside the plain one: same bind address, its own port.
struct TlsListener {
  int port = kDefaultTlsPort;
  std::filesystem::path cert;  ///< PEM server certificate (chain)
  std::filesystem::path key;   ///< PEM private key of CERT
};

/// What `mqchat broker` needs to know to configure mosquitto for mqchat.
struct BrokerOptions {
  int port = kDefaultBrokerPort;
  std::string bind = "127.0.0.1";  ///< loopback unless the user opens it up on purpose
  std::filesystem::path data_dir;  ///< persistence database and generated config live here
  bool run_as_root = false;        ///< keep mosquitto root instead of dropping to `mosquitto`
  /// No anonymous clients: accounts in DATA_DIR/passwd, per-user rules in DATA_DIR/acl.
  bool auth = false;
  std::optional<TlsListener> tls;  ///< a TLS listener too, when set
};

/// Throws a usage Error unless PORT is 1-65535, BIND is an IP address or host name, and DATA_DIR
/// is set and fits on one config line.
void validate_broker_options(const BrokerOptions& opts);

/// The mosquitto 2.0 configuration for mqchat, commented so an operator can read why each line
/// is there. Validates OPTS first.
std::string render_mosquitto_config(const BrokerOptions& opts);

/// Where `broker start` writes the rendered configuration: DATA_DIR/mosquitto.conf.
std::filesystem::path mosquitto_config_path(const BrokerOptions& opts);

/// The accounts of an auth broker (mosquitto's password file): DATA_DIR/passwd.
std::filesystem::path password_file_path(const std::filesystem::path& data_dir);

/// The access rules of an auth broker (mosquitto's acl_file): DATA_DIR/acl.
std::filesystem::path acl_file_path(const std::filesystem::path& data_dir);

/// The ACL file for mqchat's topic scheme: every user writes only topics whose user level is its
/// own name, and reads its own inbox, the directory, presence and groups.
std::string render_acl();

}  // namespace mqchat
