#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

// The cryptographic primitives mqchat uses, as a table of plain function pointers filled by
// libsodium (core/paho/sodium_ops.cpp). The table lives in mqchat-paho.so beside paho, so the
// mqchat binary does not link libsodium and commands that need no key (history, --help) do not
// load it. Nothing here is written by hand: every entry is one libsodium call.
namespace mqchat {

/// Sizes fixed by the algorithms (Ed25519, X25519, XSalsa20-Poly1305, XChaCha20-Poly1305).
namespace crypto_sizes {
constexpr std::size_t kSignPublic = 32;  ///< crypto_sign_PUBLICKEYBYTES
constexpr std::size_t kSignSecret = 64;  ///< crypto_sign_SECRETKEYBYTES
constexpr std::size_t kSignature = 64;   ///< crypto_sign_BYTES
constexpr std::size_t kX25519 = 32;      ///< crypto_box_PUBLICKEYBYTES/SECRETKEYBYTES
constexpr std::size_t kBoxShared = 32;   ///< crypto_box_BEFORENMBYTES
constexpr std::size_t kBoxNonce = 24;    ///< crypto_box_NONCEBYTES
constexpr std::size_t kBoxMac = 16;      ///< crypto_box_MACBYTES
constexpr std::size_t kAeadKey = 32;     ///< crypto_aead_xchacha20poly1305_ietf_KEYBYTES
constexpr std::size_t kAeadNonce = 24;   ///< crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
constexpr std::size_t kAeadTag = 16;     ///< crypto_aead_xchacha20poly1305_ietf_ABYTES
}  // namespace crypto_sizes

/// Every pointer is set; functions return false where libsodium reports a failure (a bad key,
/// a forged or corrupted ciphertext, a wrong signature).
struct CryptoOps {
  const char* (*version)();  ///< libsodium's version string
  void (*random_bytes)(unsigned char* out, std::size_t size);
  bool (*sign_keypair)(unsigned char* public_key, unsigned char* secret_key);
  /// Deterministic key pair from a 32-byte seed (known-answer tests).
  bool (*sign_seed_keypair)(unsigned char* public_key, unsigned char* secret_key,
                            const unsigned char* seed);
  bool (*sign_detached)(unsigned char* signature, const unsigned char* message, std::size_t size,
                        const unsigned char* secret_key);
  bool (*sign_verify_detached)(const unsigned char* signature, const unsigned char* message,
                               std::size_t size, const unsigned char* public_key);
  bool (*ed25519_public_to_x25519)(unsigned char* x25519, const unsigned char* ed25519);
  bool (*ed25519_secret_to_x25519)(unsigned char* x25519, const unsigned char* ed25519);
  /// crypto_box_beforenm: the shared key of THEIR public and MY secret X25519 keys.
  bool (*box_beforenm)(unsigned char* shared, const unsigned char* their_public,
                       const unsigned char* my_secret);
  /// crypto_box_easy_afternm: OUT gets SIZE + kBoxMac bytes.
  bool (*box_seal_afternm)(unsigned char* out, const unsigned char* message, std::size_t size,
                           const unsigned char* nonce, const unsigned char* shared);
  /// crypto_box_open_easy_afternm: OUT gets SIZE - kBoxMac bytes.
  bool (*box_open_afternm)(unsigned char* out, const unsigned char* box, std::size_t size,
                           const unsigned char* nonce, const unsigned char* shared);
  /// crypto_aead_xchacha20poly1305_ietf_encrypt: OUT gets SIZE + kAeadTag bytes.
  bool (*aead_seal)(unsigned char* out, const unsigned char* message, std::size_t size,
                    const unsigned char* ad, std::size_t ad_size, const unsigned char* nonce,
                    const unsigned char* key);
  bool (*aead_open)(unsigned char* out, const unsigned char* sealed, std::size_t size,
                    const unsigned char* ad, std::size_t ad_size, const unsigned char* nonce,
                    const unsigned char* key);
  /// crypto_generichash (BLAKE2b), unkeyed, OUT_SIZE 16..64.
  bool (*generic_hash)(unsigned char* out, std::size_t out_size, const unsigned char* in,
                       std::size_t size);
  /// sodium_bin2base64, standard alphabet with padding.
  std::string (*to_base64)(std::string_view bytes);
  /// sodium_base642bin, strict: nullopt for anything but canonical padded base64.
  std::optional<std::string> (*from_base64)(std::string_view text);
};

/// The loaded table: from mqchat-paho.so on first use (throws the module's load Error), or the
/// one set_crypto_ops installed.
const CryptoOps& crypto_ops();

/// Uses OPS instead of the module's table; for test and fuzz programs that link libsodium.
void set_crypto_ops(const CryptoOps* ops);

}  // namespace mqchat
