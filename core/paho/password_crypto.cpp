// The one use of OpenSSL outside paho: mosquitto's "$7$" password hash needs PBKDF2-SHA512.
// It is in the module because paho loads OpenSSL anyway; the mqchat binary does not link it.
#include <openssl/evp.h>

#include "core/paho/module_parts.hpp"

namespace mqchat::paho {

bool pbkdf2_hmac_sha512(std::string_view password, std::string_view salt, int iterations,
                        unsigned char* out, int out_size) {
  return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                           reinterpret_cast<const unsigned char*>(salt.data()),
                           static_cast<int>(salt.size()), iterations, EVP_sha512(), out_size,
                           out) == 1;
}

}  // namespace mqchat::paho
