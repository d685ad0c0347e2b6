#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/broker/broker_config.hpp"

namespace mqchat {

/// Where mosquitto is looked for after PATH: Debian installs it outside a user's PATH.
inline const std::vector<std::filesystem::path> kMosquittoFallbackDirs = {"/usr/sbin",
                                                                          "/usr/local/sbin"};

/// The mosquitto executable: the first in PATH_ENV (a $PATH value), then in FALLBACK_DIRS.
/// Throws a failure Error saying how to install it when there is none.
std::filesystem::path find_mosquitto(
    const std::optional<std::string>& path_env,
    const std::vector<std::filesystem::path>& fallback_dirs = kMosquittoFallbackDirs);

/// Throws a failure Error when nothing can listen on BIND:PORT (in use, or not a local address),
/// and a usage Error when BIND does not resolve.
void check_port_free(const std::string& bind, int port);

/// Runs mosquitto in the foreground: validates OPTS, checks the port, locks the data dir (one
/// broker per data dir), writes the config to mosquitto_config_path(OPTS), executes MOSQUITTO
/// with it, forwards SIGINT, SIGTERM and SIGHUP, and returns its exit status (0 after a stop by
/// SIGINT or SIGTERM, 128+N if killed by another signal N). STARTING, when set, is called once
/// every check has passed, just before mosquitto starts.
int run_mosquitto(const BrokerOptions& opts, const std::filesystem::path& mosquitto,
                  const std::function<void()>& starting = {});

}  // namespace mqchat
