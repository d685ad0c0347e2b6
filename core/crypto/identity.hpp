#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

// A user's identity: one Ed25519 key pair. The public half is published in the user's
// directory record and pinned by contacts; the X25519 key that boxes direct messages is
// derived from it, so one fingerprint covers both.
namespace mqchat {

/// The algorithm named beside the key in directory records ("key_alg").
constexpr const char* kKeyAlgorithm = "ed25519";

struct Identity {
  std::string public_key;  ///< 32 bytes
  std::string secret_key;  ///< 64 bytes

  /// A new random identity.
  static Identity generate();
  /// The identity whose secret key is SECRET_BASE64 (as kept in the profile); throws a failure
  /// Error saying WHERE it came from when it is not one.
  static Identity from_secret(std::string_view secret_base64, const std::string& where);

  std::string public_base64() const;
  std::string secret_base64() const;
  /// The fingerprint people compare (crypto::fingerprint of the public key).
  std::string fingerprint() const;
};

/// What `mqchat key export` writes and `login --key-file` reads.
struct IdentityExport {
  Identity identity;
  /// The exporting machine's group keys (a GroupKeyStore snapshot); null when none came.
  nlohmann::json group_keys;
};

/// The text `mqchat key export` writes: one JSON line naming the user, with the secret key and
/// GROUP_KEYS (left out when null).
std::string export_identity(const std::string& name, const Identity& identity,
                            const nlohmann::json& group_keys = nullptr);

/// Reads what export_identity wrote; throws a usage Error when TEXT is not an export of NAME's
/// identity (another user's, a damaged file, a key that does not match its public half).
IdentityExport import_identity(std::string_view text, const std::string& name);

/// The fingerprint of a base64 public key as published; "(invalid key)" when it is not one.
std::string fingerprint_of(std::string_view public_base64);

}  // namespace mqchat
