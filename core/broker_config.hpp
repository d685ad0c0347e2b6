#pragma once

#include <filesystem>
#include <string>

namespace mqchat {

/// The port MQTT brokers listen on unless told otherwise.
inline constexpr int kDefaultBrokerPort = 1883;

/// What `mqchat broker` needs to know to configure mosquitto for mqchat.
struct BrokerOptions {
  int port = kDefaultBrokerPort;
  std::string bind = "127.0.0.1";  ///< loopback unless the user opens it up on purpose
  std::filesystem::path data_dir;  ///< persistence database and generated config live here
  bool run_as_root = false;        ///< keep mosquitto root instead of dropping to `mosquitto`
  // Issue 5 (--auth, --tls) adds its fields here; render_mosquitto_config has the matching seam.
};

/// Throws a usage Error unless PORT is 1-65535, BIND is an IP address or host name, and DATA_DIR
/// is set and fits on one config line.
void validate_broker_options(const BrokerOptions& opts);

/// The mosquitto 2.0 configuration for mqchat, commented so an operator can read why each line
/// is there. Validates OPTS first.
std::string render_mosquitto_config(const BrokerOptions& opts);

/// Where `broker start` writes the rendered configuration: DATA_DIR/mosquitto.conf.
std::filesystem::path mosquitto_config_path(const BrokerOptions& opts);

}  // namespace mqchat
