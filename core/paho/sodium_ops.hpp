#pragma once

#include "core/module/crypto_ops.hpp"

namespace mqchat::paho {

/// libsodium's table, initialised on first call; nullptr when sodium_init fails.
const CryptoOps* sodium_ops();

}  // namespace mqchat::paho
