#include "core/module/crypto_ops.hpp"

#include <atomic>

#include "core/module/paho_module.hpp"
#include "core/wire/error.hpp"

namespace mqchat {

namespace {

std::atomic<const CryptoOps*>& override_ops() {
  static std::atomic<const CryptoOps*> ops{nullptr};
  return ops;
}

const CryptoOps& module_ops() {
  static const CryptoOps* ops = paho_module().crypto();
  if (!ops) throw failure("libsodium could not be initialised (no random source?): cannot encrypt");
  return *ops;
}

}  // namespace

const CryptoOps& crypto_ops() {
  if (const CryptoOps* ops = override_ops().load()) return *ops;
  return module_ops();
}

void set_crypto_ops(const CryptoOps* ops) { override_ops().store(ops); }

}  // namespace mqchat
