// libsodium behind the CryptoOps table (core/module/crypto_ops.hpp): one call per entry, but
// for base64 decoding, which is OpenSSL's (loaded with paho anyway): libsodium's decoder is
// constant-time, a fifth of opening a sealed message, and what it decodes is public (nonces,
// ciphertexts, public keys).
#include "core/paho/sodium_ops.hpp"

#include <openssl/evp.h>
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

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

std::optional<std::string> from_base64(std::string_view text) {
  // EVP_DecodeBlock skips surrounding white space and knows nothing of padding: check the form
  // first (whole groups of four, '=' only as the last one or two characters).
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') {
    ++padding;
  }
  for (std::size_t i = 0; i + padding < text.size(); ++i) {
    if (!is_base64_char(text[i])) return std::nullopt;
  }
  if (text.empty()) return std::string();
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0 || static_cast<std::size_t>(n) != out.size()) return std::nullopt;
  out.resize(out.size() - padding);
  return out;
}

}  // namespace

const CryptoOps* sodium_ops() {
  // sodium_init is idempotent and thread-safe; -1 means no usable random source, which no
  // key can be made without.
  if (sodium_init() < 0) return nullptr;
  static const CryptoOps ops{
      version,       random_bytes,         sign_keypair,     sign_seed_keypair,
      sign_detached, sign_verify_detached, ed_public_to_x,   ed_secret_to_x,
      box_beforenm,  box_seal_afternm,     box_open_afternm, aead_seal,
      aead_open,     generic_hash,         to_base64,        from_base64,
  };
  return &ops;
}

}  // namespace mqchat::paho
