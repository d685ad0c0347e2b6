#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/module/crypto_ops.hpp"
#include "core/wire/transport.hpp"

// paho-mqtt and the OpenSSL it links cost ~3 ms of loading and relocation per process, more
// than a whole send handed to a running listen. They live in a module, mqchat-paho.so, that is
// loaded the first time a command needs the broker or a password hash; the mqchat binary
// itself does not link them.
namespace mqchat {

/// Bumped whenever PahoModule changes, so that a module of another build is refused.
constexpr int kPahoModuleAbi = 2;

/// The file name of the module, looked for beside the mqchat binary and in its install dir.
constexpr const char* kPahoModuleFile = "mqchat-paho.so";

/// What the module provides. Plain function pointers behind one C entry point
/// (mqchat_paho_module) so that loading needs no symbol but that one.
struct PahoModule {
  int abi;              ///< kPahoModuleAbi of the build that made the module
  const char* version;  ///< MQCHAT_VERSION of that build
  std::unique_ptr<Transport> (*make_transport)();
  std::string (*paho_c_version)();    ///< loaded paho.mqtt.c, e.g. "1.3.11"
  std::string (*paho_cpp_version)();  ///< paho-mqtt-cpp compiled against, e.g. "1.2.0"
  /// PBKDF2-HMAC-SHA512 of PASSWORD with SALT into OUT[0..OUT_SIZE); false when OpenSSL fails.
  bool (*pbkdf2_hmac_sha512)(std::string_view password, std::string_view salt, int iterations,
                             unsigned char* out, int out_size);
  /// libsodium's primitives (core/module/crypto_ops.hpp); nullptr when sodium_init failed.
  const CryptoOps* (*crypto)();
};

/// The loaded module; loads it on first use. Throws a failure Error that names the file and
/// says to reinstall when it is missing, unloadable or from another build.
const PahoModule& paho_module();

/// Where to load the module from instead of the places beside the binary; for test programs
/// that do not live beside it. Takes effect only before the first paho_module().
void set_paho_module_path(std::filesystem::path path);

}  // namespace mqchat

extern "C" {
/// The module's one exported symbol.
using MqchatPahoModuleEntry = const mqchat::PahoModule* (*)();
}
