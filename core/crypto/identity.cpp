#include "core/crypto/identity.hpp"

#include <nlohmann/json.hpp>

#include "core/crypto/crypto.hpp"
#include "core/wire/error.hpp"

namespace mqchat {

namespace sz = crypto_sizes;

Identity Identity::generate() {
  auto keys = crypto::new_signing_keys();
  return Identity{keys.public_key, keys.secret_key};
}

Identity Identity::from_secret(std::string_view secret_base64, const std::string& where) {
  auto secret = crypto::from_base64(secret_base64, sz::kSignSecret);
  if (!secret) throw failure(where + " holds no valid identity key (64 bytes of base64)");
  // libsodium's secret key is seed + public key: rebuilding it from the seed checks both.
  auto keys = crypto::signing_keys_from_seed(std::string_view(*secret).substr(0, 32));
  if (keys.secret_key != *secret) throw failure(where + " holds a damaged identity key");
  return Identity{keys.public_key, keys.secret_key};
}

std::string Identity::public_base64() const { return crypto::to_base64(public_key); }
std::string Identity::secret_base64() const { return crypto::to_base64(secret_key); }
std::string Identity::fingerprint() const { return crypto::fingerprint(public_key); }

std::string export_identity(const std::string& name, const Identity& identity,
                            const nlohmann::json& group_keys) {
  nlohmann::json j = {{"mqchat_identity", 1},
                      {"name", name},
                      {"alg", kKeyAlgorithm},
                      {"public", identity.public_base64()},
                      {"secret", identity.secret_base64()}};
  if (!group_keys.is_null()) j["group_keys"] = group_keys;
  return j.dump() + "\n";
}

IdentityExport import_identity(std::string_view text, const std::string& name) {
  auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  auto field = [&j](const char* key) -> std::string {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (j.is_discarded() || !j.is_object() || !j.contains("mqchat_identity")) {
    throw usage_error("the key file is not an identity written by 'mqchat key export'");
  }
  if (field("alg") != kKeyAlgorithm) {
    throw usage_error("the key file holds a key of another algorithm than " +
                      std::string(kKeyAlgorithm));
  }
  if (field("name") != name) {
    throw usage_error("the key file holds the identity of '" + field("name") + "', not of '" +
                      name + "'");
  }
  try {
    auto identity = Identity::from_secret(field("secret"), "the key file");
    if (identity.public_base64() != field("public")) {
      throw usage_error("the key file is damaged: its public key does not match its secret key");
    }
    auto group_keys = j.find("group_keys");
    return IdentityExport{identity, group_keys == j.end() ? nlohmann::json() : *group_keys};
  } catch (const Error& e) {
    throw usage_error(e.what());
  }
}

std::string fingerprint_of(std::string_view public_base64) {
  auto key = crypto::from_base64(public_base64, sz::kSignPublic);
  return key ? crypto::fingerprint(*key) : std::string("(invalid key)");
}

}  // namespace mqchat
