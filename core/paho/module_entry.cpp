// The one symbol mqchat-paho.so exports (everything else is hidden): the table that
// core/module/paho_module.cpp looks up after dlopen.
#include "core/module/paho_module.hpp"
#include "core/paho/module_parts.hpp"
#include "core/paho/sodium_ops.hpp"

extern "C" __attribute__((visibility("default"))) const mqchat::PahoModule* mqchat_paho_module() {
  static const mqchat::PahoModule module{
      mqchat::kPahoModuleAbi,       MQCHAT_VERSION,
      mqchat::paho::make_transport, mqchat::paho::c_version,
      mqchat::paho::cpp_version,    mqchat::paho::pbkdf2_hmac_sha512,
      mqchat::paho::sodium_ops,
  };
  return &module;
}
