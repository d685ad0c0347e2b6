#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/crypto/sealed_envelope.hpp"

namespace mqchat {

/// A sender key that another member granted us for one group.
struct ReceivedKey {
  SenderKey key;
  std::string signer;     ///< the Ed25519 public key that sealed the grant (32 bytes)
  bool verified = false;  ///< SIGNER was the key pinned for the member when the grant came
};

/// Our own current sender key for a group, and the members it was granted to.
struct OwnKey {
  SenderKey key;
  /// Each member (without us) and the identity key (base64) the grant was sealed for, with the
  /// time a new machine of theirs signed in: a member who left, joined, has a new key (trusted
  /// since) or a new machine means a new sender key.
  std::map<std::string, std::string> members;
};

/// The group sender keys of one profile, in a 0600 JSON file of its state directory
/// (group_keys.json): ours, and those other members granted us (the newest few per member,
/// so that messages sealed just before a rotation still open). Writes are atomic and made under
/// a lock, so a send and a listen of the same profile never lose each other's keys.
class GroupKeyStore {
 public:
  explicit GroupKeyStore(std::filesystem::path file);

  /// Our key for GROUP, if we have one.
  std::optional<OwnKey> own(const std::string& group) const;
  /// Makes KEY our key for GROUP.
  void set_own(const std::string& group, const OwnKey& key);
  /// Forgets our key for GROUP (after leaving it).
  void forget_own(const std::string& group);

  /// Keeps KEY, granted by FROM for GROUP.
  void add_received(const std::string& group, const std::string& from, const ReceivedKey& key);
  /// The key KID that FROM granted for GROUP, if we have it.
  std::optional<ReceivedKey> received(const std::string& group, const std::string& from,
                                      const std::string& kid) const;

  /// Everything kept, as one JSON object (for 'mqchat key export').
  nlohmann::json snapshot() const { return load(); }
  /// Adds the keys of SNAPSHOT (another machine's, same identity) to ours: received keys
  /// join ours, and its own keys are taken for groups we have none for.
  void import(const nlohmann::json& snapshot);

  const std::filesystem::path& file() const { return file_; }

 private:
  /// The parsed file ("own" and "received" always objects); empty when there is none.
  const nlohmann::json& load() const;
  void update(const std::function<void(nlohmann::json&)>& change);

  std::filesystem::path file_;
  // The parsed file and the change time it was read at: a draining listen looks a key up for
  // every group message.
  mutable nlohmann::json cache_;
  mutable std::filesystem::file_time_type cached_at_{};
  mutable std::uintmax_t cached_size_ = 0;
};

}  // namespace mqchat
