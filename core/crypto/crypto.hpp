#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/module/crypto_ops.hpp"

// The primitives of core/module/crypto_ops.hpp with byte strings in and out. Keys, nonces and
// signatures are raw bytes in std::string; sizes are checked, and a wrong size is a failure of
// the call (false or nullopt), never undefined behaviour.
namespace mqchat::crypto {

/// SIZE random bytes.
std::string random_bytes(std::size_t size);

/// An Ed25519 key pair: 32 public bytes, 64 secret bytes (libsodium's seed + public form).
struct SigningKeys {
  std::string public_key;
  std::string secret_key;
};

/// A new random key pair.
SigningKeys new_signing_keys();
/// The key pair of a 32-byte SEED.
SigningKeys signing_keys_from_seed(std::string_view seed);

/// The detached Ed25519 signature of MESSAGE.
std::string sign(std::string_view message, const std::string& secret_key);
/// True when SIGNATURE is PUBLIC_KEY's signature of MESSAGE.
bool verify(std::string_view signature, std::string_view message, std::string_view public_key);

/// The X25519 forms of Ed25519 keys; nullopt for a public key that is not a valid point.
std::optional<std::string> x25519_public(std::string_view ed25519_public);
std::string x25519_secret(const std::string& ed25519_secret);

/// The crypto_box shared key of THEIR X25519 public key and MY X25519 secret; nullopt for a
/// degenerate public key.
std::optional<std::string> box_shared_key(std::string_view their_public,
                                          const std::string& my_secret);
/// MESSAGE boxed under SHARED with NONCE (kBoxNonce bytes).
std::string box_seal(std::string_view message, std::string_view nonce, const std::string& shared);
/// The message in BOX, or nullopt when it was not made with SHARED and NONCE or was changed.
std::optional<std::string> box_open(std::string_view box, std::string_view nonce,
                                    const std::string& shared);

/// XChaCha20-Poly1305 of MESSAGE with associated data AD.
std::string aead_seal(std::string_view message, std::string_view ad, std::string_view nonce,
                      const std::string& key);
/// The message of SEALED, or nullopt when KEY, NONCE or AD do not match or it was changed.
std::optional<std::string> aead_open(std::string_view sealed, std::string_view ad,
                                     std::string_view nonce, const std::string& key);

/// BLAKE2b of IN with SIZE bytes of output.
std::string hash(std::string_view in, std::size_t size);

/// Standard padded base64.
std::string to_base64(std::string_view bytes);
/// Strict decoding; nullopt for anything that is not canonical base64.
std::optional<std::string> from_base64(std::string_view text);
/// Decodes TEXT and checks it is SIZE bytes long.
std::optional<std::string> from_base64(std::string_view text, std::size_t size);

/// The fingerprint people compare: BLAKE2b-128 of the public key as eight groups of four hex
/// digits ("3f2a 9c01 ...").
std::string fingerprint(std::string_view public_key);

/// libsodium's version, e.g. "1.0.18".
std::string library_version();

}  // namespace mqchat::crypto
