#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/crypto/identity.hpp"
#include "core/wire/envelope.hpp"

// Wire format v2: envelopes encrypted end to end. The topics stay as in v1; outside the
// ciphertext a payload shows only what routing and dedupe need (the version, the scheme, the
// id, the key that sealed it). See mqchat-json(7) and mqchat-security(7).
//
//   direct (inbox/TO/FROM): {"v":2,"enc":"x25519-xsalsa20poly1305","id":ID,
//                            "sender_key":B64,"nonce":B64,"ct":B64}
//     ct = crypto_box(v1 envelope JSON, or a key grant) from the sender's X25519 key (derived
//     from SENDER_KEY, its Ed25519 identity) to the recipient's.
//   group (groups/G/msg/FROM): {"v":2,"enc":"xchacha20poly1305+ed25519","id":ID,"kid":KID,
//                               "nonce":B64,"ct":B64,"sig":B64}
//     ct = XChaCha20-Poly1305(v1 envelope JSON) under the sender's key KID for G, with the
//     group, sender, id and KID as associated data; sig = Ed25519 by the sender's identity over
//     the same associated data, the nonce and ct.
namespace mqchat {

constexpr int kSealedVersion = 2;
constexpr const char* kDirectScheme = "x25519-xsalsa20poly1305";
constexpr const char* kGroupScheme = "xchacha20poly1305+ed25519";

/// A member's key for its messages to one group.
struct SenderKey {
  std::string id;   ///< 16 hex digits, named by each message ("kid")
  std::string key;  ///< 32 bytes
};

/// A new random sender key.
SenderKey new_sender_key();

/// A sender key handed to one member: the content of a "key" message in the member's inbox.
struct KeyGrant {
  std::string id;  ///< of the message, like an envelope's
  std::string from;
  std::string to;
  std::string group;
  SenderKey key;
  std::string sent_at;
};

/// The payload's wire version: 2 for sealed envelopes, 1 for plain ones (also when "v" is
/// missing, as from a foreign client that writes the documented v1 JSON).
int wire_version(const nlohmann::json& payload);

/// The crypto_box keys of one identity with each peer, computed once per peer: the X25519 step
/// costs ~50 times the encryption of a short message.
class BoxKeys {
 public:
  explicit BoxKeys(const Identity& me);
  /// The shared key with the peer whose Ed25519 public key is PEER; nullopt for an invalid key.
  std::optional<std::string> shared_with(const std::string& peer);
  const Identity& me() const { return me_; }

 private:
  Identity me_;
  std::string x_secret_;
  std::map<std::string, std::string> shared_;
};

/// True when ID may be the id of a sealed envelope: 1 to 128 printable ASCII characters, no
/// space, quote or backslash (mqchat's own ids are 32 hex digits; a foreign v1 id may be
/// anything, and such a message cannot be sealed).
bool sealable_id(std::string_view id);

/// E sealed for RECIPIENT (an Ed25519 public key, 32 bytes). NONCE: random when empty (tests
/// pass one). Throws a failure Error when RECIPIENT is not a valid key, a usage Error when
/// E's id is not sealable_id.
std::string seal_direct(const Envelope& e, BoxKeys& keys, const std::string& recipient,
                        std::string_view nonce = {});
/// GRANT sealed for RECIPIENT, as seal_direct.
std::string seal_grant(const KeyGrant& grant, BoxKeys& keys, const std::string& recipient,
                       std::string_view nonce = {});

/// What an opened direct payload holds: a message or a key grant, and the key that sealed it.
struct OpenedDirect {
  std::string sender_key;  ///< 32 bytes; the caller checks it against the pin
  std::optional<Envelope> message;
  std::optional<KeyGrant> grant;
};

/// Opens a sealed inbox payload OUTER with KEYS. Throws DecodeError saying why it cannot be
/// opened: a missing or malformed field, bad base64, a wrong key, a changed ciphertext, inner
/// content that is not a dm or key grant, or an inner id that is not the outer one.
OpenedDirect open_direct(const nlohmann::json& outer, BoxKeys& keys);

/// E (a group message or notice) sealed with SENDER_KEY and signed by ME.
std::string seal_group(const Envelope& e, const Identity& me, const SenderKey& key,
                       std::string_view nonce = {});

/// The "kid" of a sealed group payload; throws DecodeError when it has none.
std::string group_key_id(const nlohmann::json& outer);

/// Opens a sealed group payload sent by FROM to GROUP with KEY, checking the signature with
/// SIGNER (FROM's Ed25519 public key). Throws DecodeError as open_direct does, also for a
/// wrong signature or inner content of another group or sender.
Envelope open_group(const nlohmann::json& outer, const std::string& group, const std::string& from,
                    const SenderKey& key, const std::string& signer);

}  // namespace mqchat
