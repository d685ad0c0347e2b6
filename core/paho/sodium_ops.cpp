// libsodium behind the CryptoOps table (core/crypto/crypto_ops.hpp): one call per entry.
#include "core/paho/sodium_ops.hpp"

#include <sodium.h>

#include <cstdlib>

namespace mqchat::paho {

namespace {

const char* version() { return sodium_version_string(); }

void random_bytes(unsigned char* out, std::size_t size) { randombytes_buf(out, size); }

bool sign_keypair(unsigned char* pk, unsigned char* sk) { return crypto_sign_keypair(pk, sk) == 0; }

bool sign_seed_keypair(unsigned char* pk, unsigned char* sk, const unsigned char* seed) {
  return crypto_sign_seed_keypair(pk, sk, seed) == 0;
}

bool sign_detached(unsigned char* sig, const unsigned char* m, std::size_t size,
                   const unsigned char* sk) {
  return crypto_sign_detached(sig, nullptr, m, size, sk) == 0;
}

bool sign_verify_detached(const unsigned char* sig, const unsigned char* m, std::size_t size,
                          const unsigned char* pk) {
  return crypto_sign_verify_detached(sig, m, size, pk) == 0;
}

bool ed_public_to_x(unsigned char* x, const unsigned char* ed) {
  return crypto_sign_ed25519_pk_to_curve25519(x, ed) == 0;
}

bool ed_secret_to_x(unsigned char* x, const unsigned char* ed) {
  return crypto_sign_ed25519_sk_to_curve25519(x, ed) == 0;
}

bool box_beforenm(unsigned char* shared, const unsigned char* pk, const unsigned char* sk) {
  return crypto_box_beforenm(shared, pk, sk) == 0;
}

bool box_seal_afternm(unsigned char* out, const unsigned char* m, std::size_t size,
                      const unsigned char* nonce, const unsigned char* shared) {
  return crypto_box_easy_afternm(out, m, size, nonce, shared) == 0;
}

bool box_open_afternm(unsigned char* out, const unsigned char* c, std::size_t size,
                      const unsigned char* nonce, const unsigned char* shared) {
  return crypto_box_open_easy_afternm(out, c, size, nonce, shared) == 0;
}

bool aead_seal(unsigned char* out, const unsigned char* m, std::size_t size,
               const unsigned char* ad, std::size_t ad_size, const unsigned char* nonce,
               const unsigned char* key) {
  return crypto_aead_xchacha20poly1305_ietf_encrypt(out, nullptr, m, size, ad, ad_size, nullptr,
                                                    nonce, key) == 0;
}

bool aead_open(unsigned char* out, const unsigned char* c, std::size_t size,
               const unsigned char* ad, std::size_t ad_size, const unsigned char* nonce,
               const unsigned char* key) {
  return crypto_aead_xchacha20poly1305_ietf_decrypt(out, nullptr, nullptr, c, size, ad, ad_size,
                                                    nonce, key) == 0;
}

bool generic_hash(unsigned char* out, std::size_t out_size, const unsigned char* in,
                  std::size_t size) {
  return crypto_generichash(out, out_size, in, size, nullptr, 0) == 0;
}

std::string to_base64(std::string_view bytes) {
  const int variant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::optional<std::string> from_base64(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t size = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &size, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(size);
  return out;
}

}  // namespace

const CryptoOps* sodium_ops() {
  // sodium_init is idempotent and thread-safe; -1 means no usable random source, which no
  // key can be made without.
  if (sodium_init() < 0) return nullptr;
  static const CryptoOps ops{
      version,          random_bytes,      sign_keypair,     sign_seed_keypair,
      sign_detached,    sign_verify_detached, ed_public_to_x, ed_secret_to_x,
      box_beforenm,     box_seal_afternm,  box_open_afternm, aead_seal,
      aead_open,        generic_hash,      to_base64,        from_base64,
  };
  return &ops;
}

}  // namespace mqchat::paho
