#include "core/crypto/crypto.hpp"

#include "core/wire/error.hpp"
#include "core/wire/ids.hpp"

namespace mqchat::crypto {

namespace sz = crypto_sizes;

namespace {

unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }
const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string random_bytes(std::size_t size) {
  std::string out(size, '\0');
  crypto_ops().random_bytes(bytes(out), size);
  return out;
}

SigningKeys new_signing_keys() {
  SigningKeys keys{std::string(sz::kSignPublic, '\0'), std::string(sz::kSignSecret, '\0')};
  if (!crypto_ops().sign_keypair(bytes(keys.public_key), bytes(keys.secret_key))) {
    throw failure("libsodium could not make a key pair");
  }
  return keys;
}

SigningKeys signing_keys_from_seed(std::string_view seed) {
  if (seed.size() != 32) throw failure("a key seed must be 32 bytes");
  SigningKeys keys{std::string(sz::kSignPublic, '\0'), std::string(sz::kSignSecret, '\0')};
  if (!crypto_ops().sign_seed_keypair(bytes(keys.public_key), bytes(keys.secret_key),
                                      bytes(seed))) {
    throw failure("libsodium could not make a key pair");
  }
  return keys;
}

std::string sign(std::string_view message, const std::string& secret_key) {
  if (secret_key.size() != sz::kSignSecret) throw failure("a signing key must be 64 bytes");
  std::string sig(sz::kSignature, '\0');
  if (!crypto_ops().sign_detached(bytes(sig), bytes(message), message.size(), bytes(secret_key))) {
    throw failure("libsodium could not sign");
  }
  return sig;
}

bool verify(std::string_view signature, std::string_view message, std::string_view public_key) {
  if (signature.size() != sz::kSignature || public_key.size() != sz::kSignPublic) return false;
  return crypto_ops().sign_verify_detached(bytes(signature), bytes(message), message.size(),
                                           bytes(public_key));
}

std::optional<std::string> x25519_public(std::string_view ed25519_public) {
  if (ed25519_public.size() != sz::kSignPublic) return std::nullopt;
  std::string x(sz::kX25519, '\0');
  if (!crypto_ops().ed25519_public_to_x25519(bytes(x), bytes(ed25519_public))) return std::nullopt;
  return x;
}

std::string x25519_secret(const std::string& ed25519_secret) {
  if (ed25519_secret.size() != sz::kSignSecret) throw failure("a signing key must be 64 bytes");
  std::string x(sz::kX25519, '\0');
  if (!crypto_ops().ed25519_secret_to_x25519(bytes(x), bytes(ed25519_secret))) {
    throw failure("libsodium could not convert the identity key");
  }
  return x;
}

std::optional<std::string> box_shared_key(std::string_view their_public,
                                          const std::string& my_secret) {
  if (their_public.size() != sz::kX25519 || my_secret.size() != sz::kX25519) return std::nullopt;
  std::string shared(sz::kBoxShared, '\0');
  if (!crypto_ops().box_beforenm(bytes(shared), bytes(their_public), bytes(my_secret))) {
    return std::nullopt;
  }
  return shared;
}

std::string box_seal(std::string_view message, std::string_view nonce, const std::string& shared) {
  if (nonce.size() != sz::kBoxNonce || shared.size() != sz::kBoxShared) {
    throw failure("a box needs a 24-byte nonce and a 32-byte key");
  }
  std::string out(message.size() + sz::kBoxMac, '\0');
  if (!crypto_ops().box_seal_afternm(bytes(out), bytes(message), message.size(), bytes(nonce),
                                     bytes(shared))) {
    throw failure("libsodium could not encrypt");
  }
  return out;
}

std::optional<std::string> box_open(std::string_view box, std::string_view nonce,
                                    const std::string& shared) {
  if (box.size() < sz::kBoxMac || nonce.size() != sz::kBoxNonce ||
      shared.size() != sz::kBoxShared) {
    return std::nullopt;
  }
  std::string out(box.size() - sz::kBoxMac, '\0');
  if (!crypto_ops().box_open_afternm(bytes(out), bytes(box), box.size(), bytes(nonce),
                                     bytes(shared))) {
    return std::nullopt;
  }
  return out;
}

std::string aead_seal(std::string_view message, std::string_view ad, std::string_view nonce,
                      const std::string& key) {
  if (nonce.size() != sz::kAeadNonce || key.size() != sz::kAeadKey) {
    throw failure("AEAD needs a 24-byte nonce and a 32-byte key");
  }
  std::string out(message.size() + sz::kAeadTag, '\0');
  if (!crypto_ops().aead_seal(bytes(out), bytes(message), message.size(), bytes(ad), ad.size(),
                              bytes(nonce), bytes(key))) {
    throw failure("libsodium could not encrypt");
  }
  return out;
}

std::optional<std::string> aead_open(std::string_view sealed, std::string_view ad,
                                     std::string_view nonce, const std::string& key) {
  if (sealed.size() < sz::kAeadTag || nonce.size() != sz::kAeadNonce ||
      key.size() != sz::kAeadKey) {
    return std::nullopt;
  }
  std::string out(sealed.size() - sz::kAeadTag, '\0');
  if (!crypto_ops().aead_open(bytes(out), bytes(sealed), sealed.size(), bytes(ad), ad.size(),
                              bytes(nonce), bytes(key))) {
    return std::nullopt;
  }
  return out;
}

std::string hash(std::string_view in, std::size_t size) {
  std::string out(size, '\0');
  if (!crypto_ops().generic_hash(bytes(out), size, bytes(in), in.size())) {
    throw failure("libsodium could not hash");
  }
  return out;
}

std::string to_base64(std::string_view b) { return crypto_ops().to_base64(b); }

std::optional<std::string> from_base64(std::string_view text) {
  return crypto_ops().from_base64(text);
}

std::optional<std::string> from_base64(std::string_view text, std::size_t size) {
  // Canonical base64 of SIZE bytes has a known length: anything else is refused unread.
  if (text.size() != (size + 2) / 3 * 4) return std::nullopt;
  auto out = crypto_ops().from_base64(text);
  if (!out || out->size() != size) return std::nullopt;
  return out;
}

std::string fingerprint(std::string_view public_key) {
  auto digits = to_hex(hash(public_key, 16));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); i += 4) {
    if (i > 0) out += ' ';
    out += digits.substr(i, 4);
  }
  return out;
}

std::string library_version() { return crypto_ops().version(); }

}  // namespace mqchat::crypto
