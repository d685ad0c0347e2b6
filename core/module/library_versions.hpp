#pragma once

#include <filesystem>
#include <optional>
#include <string>

// Versions of the MQTT libraries and broker that mqchat works with, for `mqchat --version`.
namespace mqchat {

/// The paho-mqtt-cpp version mqchat was compiled against, e.g. "1.2.0".
std::string paho_cpp_version();

/// The paho.mqtt.c version loaded at run time (MQTTAsync_getVersionInfo), e.g. "1.3.11";
/// "unknown" when the library does not say.
std::string paho_c_version();

/// The version PROGRAM (a mosquitto executable) reports for itself with -h, e.g. "2.0.11", or
/// nullopt when it cannot be run or says no version.
std::optional<std::string> mosquitto_version(const std::filesystem::path& program);

}  // namespace mqchat
