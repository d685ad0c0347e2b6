#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/chat/directory.hpp"
#include "core/crypto/group_keys.hpp"
#include "core/crypto/identity.hpp"
#include "core/crypto/sealed_envelope.hpp"
#include "core/store/settings.hpp"
#include "core/store/state_store.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/records.hpp"

namespace mqchat {

/// How a command encrypts what it sends (settings "encryption" and "require_encryption").
struct EncryptionPolicy {
  bool enabled = true;    ///< false: plain v1 envelopes, for setups whose readers are foreign
  bool required = false;  ///< refuse (exit 3) to send in plain text to a user without a key
};

/// The policy of SETTINGS.
inline EncryptionPolicy encryption_policy(const Settings& settings) {
  return EncryptionPolicy{settings.encryption, settings.require_encryption};
}

/// How a user's published key stands against our pins.
enum class KeyStatus { none, unpinned, pinned, changed };

/// "none" (no key published), "unpinned", "pinned", "changed".
std::string to_string(KeyStatus status);

/// The status of RECORD's key for the profile PINS belong to.
KeyStatus key_status(const std::map<std::string, std::string>& pins, const UserRecord& record);

/// The error of a send to NAME whose published key is not the one pinned (exit 3).
Error key_changed_error(const std::string& name, const std::string& pinned,
                        const std::string& published);

/// Pins KEY (base64) for NAME in profile ME unless a key is pinned already; returns the key
/// pinned for NAME afterwards (the older one when another process pinned first).
std::string pin_key(StateStore& store, const std::string& me, const std::string& name,
                    const std::string& key);

/// Pins KEY (base64) for NAME in profile ME in place of any earlier pin ('mqchat trust');
/// returns the key pinned before, empty when there was none.
std::string repin_key(StateStore& store, const std::string& me, const std::string& name,
                      const std::string& key);

/// Seals the envelopes of one send end to end. Each recipient and group is admitted first:
/// its published keys are checked against the pins (trust on first use: a first key is pinned,
/// a changed one refused), and for a group our sender key is granted to its current members
/// (a new one whenever the members changed, so someone who left cannot read what follows and
/// someone who joined cannot read what came before). Envelopes for a user without a key are
/// sent in plain text with a warning (refused under EncryptionPolicy::required).
class Sealer {
 public:
  /// For profile ME of STORE (its identity and pins, as loaded; first keys are pinned in the
  /// file); WARN gets one line per plain-text recipient or group.
  Sealer(StateStore& store, const Profile& me, EncryptionPolicy policy, WarningSink warn);

  /// Admits RECORD's user as a recipient of direct messages; throws exit 3 when its key changed
  /// (or it has none and encryption is required).
  void admit_user(const UserRecord& record);

  /// Admits GROUP: reads its members and their keys through READER and, when they changed since
  /// our sender key was made, makes a new one and grants it to each (QoS 1, acknowledged).
  void admit_group(const DirectoryReader& reader, const std::string& group);

  /// The payload of E: sealed for an admitted recipient or group, plain v1 where the policy or
  /// a keyless recipient says so. Throws a failure Error for an envelope not admitted.
  std::string seal(const Envelope& e);

  /// seal() as a PayloadEncoder; the Sealer must outlive it.
  PayloadEncoder encoder() {
    return [this](const Envelope& e) { return seal(e); };
  }

  /// Forgets our sender key of GROUP (after leaving it).
  void forget_group(const std::string& group);

  /// True when this sealer encrypts at all (policy on and the profile has an identity).
  bool active() const { return box_ != nullptr; }

 private:
  std::optional<std::string> checked_key(const UserRecord& record);

  StateStore& store_;
  std::string me_;
  EncryptionPolicy policy_;
  WarningSink warn_;
  std::map<std::string, std::string> pins_;  // as loaded, plus what this sealer pinned
  std::unique_ptr<BoxKeys> box_;
  std::unique_ptr<GroupKeyStore> group_keys_;
  std::map<std::string, std::optional<std::string>> recipients_;  // raw key; nullopt: plain
  std::map<std::string, std::optional<SenderKey>> groups_;        // nullopt: plain
};

}  // namespace mqchat
