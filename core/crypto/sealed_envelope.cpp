#include "core/crypto/sealed_envelope.hpp"

#include <initializer_list>

#include "core/crypto/crypto.hpp"
#include "core/wire/clock.hpp"
#include "core/wire/error.hpp"
#include "core/wire/ids.hpp"
#include "core/wire/names.hpp"

namespace mqchat {

namespace sz = crypto_sizes;
using nlohmann::json;

namespace {

constexpr std::size_t kMaxIdBytes = 128;

std::string field(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) throw DecodeError(std::string("missing '") + key + "'");
  if (!it->is_string()) throw DecodeError(std::string("'") + key + "' is not a string");
  return it->get<std::string>();
}

std::string base64_field(const json& j, const char* key, std::optional<std::size_t> size = {}) {
  auto text = field(j, key);
  auto bytes = size ? crypto::from_base64(text, *size) : crypto::from_base64(text);
  if (!bytes) throw DecodeError(std::string("'") + key + "' is not valid base64 of the right size");
  return *bytes;
}

// Ids appear in the associated data between NUL separators: printable ASCII only.
std::string checked_id(const json& j) {
  auto id = field(j, "id");
  if (!sealable_id(id)) {
    throw DecodeError("'id' is empty, too long, or holds a character other than printable ASCII");
  }
  return id;
}

// The id of E, refused before sealing when it could not be opened again.
const std::string& id_to_seal(const Envelope& e) {
  if (!sealable_id(e.id)) {
    throw usage_error(
        "cannot seal a message whose id is not 1-128 printable ASCII characters "
        "without spaces, quotes or backslashes");
  }
  return e.id;
}

}  // namespace

bool sealable_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdBytes) return false;
  for (char c : id) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '"' || c == '\\') return false;
  }
  return true;
}

namespace {

std::string nonce_or_random(std::string_view nonce, std::size_t size) {
  if (nonce.empty()) return crypto::random_bytes(size);
  if (nonce.size() != size) throw failure("a nonce of the wrong size");
  return std::string(nonce);
}

// The outer object as JSON text, written directly: its values are ids, scheme names and base64,
// none of which JSON must escape, and a sender writes one per message (nlohmann's escaping
// scan of the long base64 strings was a tenth of a seal). Keys in sorted order, as dump() has.
std::string outer_payload(std::initializer_list<std::pair<const char*, std::string_view>> fields) {
  std::string out = "{";
  for (const auto& [key, value] : fields) {
    for (char c : value) {
      if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
        throw failure("internal: a sealed envelope field needs escaping");
      }
    }
    out += '"';
    out += key;
    out += "\":\"";
    out += value;
    out += "\",";
  }
  out += "\"v\":" + std::to_string(kSealedVersion) + "}";
  return out;
}

std::string seal_inner(const std::string& id, const json& inner, BoxKeys& keys,
                       const std::string& recipient, std::string_view nonce_in) {
  auto shared = keys.shared_with(recipient);
  if (!shared) throw failure("the recipient's published key is not a valid Ed25519 key");
  auto nonce = nonce_or_random(nonce_in, sz::kBoxNonce);
  auto ct = crypto::box_seal(inner.dump(), nonce, *shared);
  return outer_payload({{"ct", crypto::to_base64(ct)},
                        {"enc", kDirectScheme},
                        {"id", id},
                        {"nonce", crypto::to_base64(nonce)},
                        {"sender_key", crypto::to_base64(keys.me().public_key)}});
}

std::string group_ad(const std::string& group, const std::string& from, const std::string& id,
                     const std::string& kid) {
  std::string ad = "mqchat/v2/group";
  for (const auto* part : {&group, &from, &id, &kid}) {
    ad += '\0';
    ad += *part;
  }
  return ad;
}

std::string signed_part(const std::string& ad, const std::string& nonce, const std::string& ct) {
  return ad + '\0' + nonce + ct;
}

KeyGrant grant_from_json(const json& inner) {
  KeyGrant g;
  g.id = checked_id(inner);
  g.from = field(inner, "from");
  g.to = field(inner, "to");
  g.group = field(inner, "group");
  if (!is_valid_name(g.from) || !is_valid_name(g.to) || !is_valid_name(g.group)) {
    throw DecodeError("a key grant names an invalid user or group");
  }
  g.key.id = field(inner, "kid");
  if (g.key.id.empty() || g.key.id.size() > 64) throw DecodeError("'kid' is empty or too long");
  g.key.key = base64_field(inner, "key", sz::kAeadKey);
  g.sent_at = field(inner, "sent_at");
  if (!parse_rfc3339(g.sent_at)) throw DecodeError("'sent_at' is not an RFC 3339 time");
  return g;
}

}  // namespace

SenderKey new_sender_key() { return SenderKey{random_hex(16), crypto::random_bytes(sz::kAeadKey)}; }

int wire_version(const json& payload) {
  auto it = payload.find("v");
  if (it != payload.end() && it->is_number_integer()) return it->get<int>();
  return 1;
}

BoxKeys::BoxKeys(const Identity& me) : me_(me), x_secret_(crypto::x25519_secret(me.secret_key)) {}

std::optional<std::string> BoxKeys::shared_with(const std::string& peer) {
  auto it = shared_.find(peer);
  if (it != shared_.end()) return it->second;
  auto x_public = crypto::x25519_public(peer);
  if (!x_public) return std::nullopt;
  auto shared = crypto::box_shared_key(*x_public, x_secret_);
  if (!shared) return std::nullopt;
  if (shared_.size() > 4096) shared_.clear();  // a listen meets few peers; bound it anyway
  return shared_.emplace(peer, *shared).first->second;
}

std::string seal_direct(const Envelope& e, BoxKeys& keys, const std::string& recipient,
                        std::string_view nonce) {
  return seal_inner(id_to_seal(e), wire_json(e), keys, recipient, nonce);
}

std::string seal_grant(const KeyGrant& g, BoxKeys& keys, const std::string& recipient,
                       std::string_view nonce) {
  json inner = {{"id", g.id},
                {"type", "key"},
                {"from", g.from},
                {"to", g.to},
                {"group", g.group},
                {"kid", g.key.id},
                {"key", crypto::to_base64(g.key.key)},
                {"sent_at", g.sent_at}};
  return seal_inner(g.id, inner, keys, recipient, nonce);
}

OpenedDirect open_direct(const json& outer, BoxKeys& keys) {
  if (!outer.is_object()) throw DecodeError("payload is not a JSON object");
  if (field(outer, "enc") != kDirectScheme) throw DecodeError("unknown 'enc' scheme");
  auto id = checked_id(outer);
  OpenedDirect opened;
  opened.sender_key = base64_field(outer, "sender_key", sz::kSignPublic);
  auto nonce = base64_field(outer, "nonce", sz::kBoxNonce);
  auto ct = base64_field(outer, "ct");
  auto shared = keys.shared_with(opened.sender_key);
  if (!shared) throw DecodeError("'sender_key' is not a valid Ed25519 key");
  auto plain = crypto::box_open(ct, nonce, *shared);
  if (!plain) throw DecodeError("it cannot be decrypted: not for our key, or changed on the way");
  auto inner = parse_payload(*plain);
  if (!inner.is_object()) throw DecodeError("the decrypted content is not a JSON object");
  if (field(inner, "id") != id) throw DecodeError("the decrypted id is not the envelope's");
  if (field(inner, "type") == "key") {
    opened.grant = grant_from_json(inner);
  } else {
    opened.message = plain_envelope_from_json(inner);
    if (opened.message->type != MessageType::dm) {
      throw DecodeError("an inbox message must have type 'dm'");
    }
  }
  return opened;
}

std::string seal_group(const Envelope& e, const Identity& me, const SenderKey& key,
                       std::string_view nonce_in) {
  id_to_seal(e);
  auto nonce = nonce_or_random(nonce_in, sz::kAeadNonce);
  auto ad = group_ad(e.group, e.from, e.id, key.id);
  auto ct = crypto::aead_seal(wire_json(e).dump(), ad, nonce, key.key);
  auto sig = crypto::sign(signed_part(ad, nonce, ct), me.secret_key);
  return outer_payload({{"ct", crypto::to_base64(ct)},
                        {"enc", kGroupScheme},
                        {"id", e.id},
                        {"kid", key.id},
                        {"nonce", crypto::to_base64(nonce)},
                        {"sig", crypto::to_base64(sig)}});
}

std::string group_key_id(const json& outer) {
  if (!outer.is_object()) throw DecodeError("payload is not a JSON object");
  return field(outer, "kid");
}

Envelope open_group(const json& outer, const std::string& group, const std::string& from,
                    const SenderKey& key, const std::string& signer) {
  if (!outer.is_object()) throw DecodeError("payload is not a JSON object");
  if (field(outer, "enc") != kGroupScheme) throw DecodeError("unknown 'enc' scheme");
  auto id = checked_id(outer);
  if (field(outer, "kid") != key.id) throw DecodeError("sealed with another sender key");
  auto nonce = base64_field(outer, "nonce", sz::kAeadNonce);
  auto ct = base64_field(outer, "ct");
  auto sig = base64_field(outer, "sig", sz::kSignature);
  auto ad = group_ad(group, from, id, key.id);
  if (!crypto::verify(sig, signed_part(ad, nonce, ct), signer)) {
    throw DecodeError("its signature is not '" + from + "''s");
  }
  auto plain = crypto::aead_open(ct, ad, nonce, key.key);
  if (!plain) throw DecodeError("it cannot be decrypted: changed on the way");
  auto e = plain_envelope_from_json(parse_payload(*plain));
  if (e.id != id) throw DecodeError("the decrypted id is not the envelope's");
  if (e.type == MessageType::dm) throw DecodeError("a group message cannot have type 'dm'");
  if (e.from != from) throw DecodeError("the decrypted sender is not the topic's");
  if (e.group != group) throw DecodeError("the decrypted group is not the topic's");
  e.encrypted = true;
  return e;
}

}  // namespace mqchat
