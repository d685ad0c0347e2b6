#include "core/chat/encryption.hpp"

#include <algorithm>

#include "core/chat/groups.hpp"
#include "core/crypto/crypto.hpp"
#include "core/wire/clock.hpp"
#include "core/wire/error.hpp"
#include "core/wire/ids.hpp"
#include "core/wire/topics.hpp"

namespace mqchat {

namespace {

constexpr std::size_t kGrantWindow = 64;  // unacknowledged key grants in flight

}  // namespace

std::string to_string(KeyStatus status) {
  switch (status) {
    case KeyStatus::none:
      return "none";
    case KeyStatus::unpinned:
      return "unpinned";
    case KeyStatus::pinned:
      return "pinned";
    case KeyStatus::changed:
      return "changed";
  }
  return "none";
}

KeyStatus key_status(const std::map<std::string, std::string>& pins, const UserRecord& record) {
  if (record.key.empty()) return KeyStatus::none;
  auto it = pins.find(record.name);
  if (it == pins.end()) return KeyStatus::unpinned;
  return it->second == record.key ? KeyStatus::pinned : KeyStatus::changed;
}

Error key_changed_error(const std::string& name, const std::string& pinned,
                        const std::string& published) {
  return not_found_error("the key of '" + name + "' changed: pinned " + fingerprint_of(pinned) +
                         ", published now " + fingerprint_of(published) +
                         " (compare fingerprints with " + name +
                         ", then accept the new key with 'mqchat trust " + name + "')");
}

std::string pin_key(StateStore& store, const std::string& me, const std::string& name,
                    const std::string& key) {
  std::string pinned;
  store.update_profile(me, [&](Profile& p) {
    auto [it, fresh] = p.pinned_keys.emplace(name, key);
    pinned = it->second;
  });
  return pinned;
}

std::string repin_key(StateStore& store, const std::string& me, const std::string& name,
                      const std::string& key) {
  std::string previous;
  store.update_profile(me, [&](Profile& p) {
    auto& pin = p.pinned_keys[name];
    previous = pin;
    pin = key;
  });
  return previous;
}

Sealer::Sealer(StateStore& store, const Profile& me, EncryptionPolicy policy, WarningSink warn)
    : store_(store), me_(me.name), policy_(policy), warn_(std::move(warn)) {
  if (!policy_.enabled) return;
  if (me.identity.empty()) {
    if (policy_.required) {
      throw not_found_error("'" + me_ + "' has no identity key yet, so nothing can be sent " +
                            "encrypted: run 'mqchat login " + me_ + "' to make one");
    }
    warn_("'" + me_ + "' has no identity key yet: sending in plain text (run 'mqchat login " + me_ +
          "' to make one)");
    return;
  }
  pins_ = me.pinned_keys;
  box_ = std::make_unique<BoxKeys>(
      Identity::from_secret(me.identity, store_.profile_path(me_).string()));
  group_keys_ = std::make_unique<GroupKeyStore>(store_.profile_state_dir(me_) / "group_keys.json");
}

std::optional<std::string> Sealer::checked_key(const UserRecord& record) {
  // A pinned user whose entry lost its key is a key change, not an older mqchat: anyone who can
  // publish could otherwise rewrite the entry and have us send in plain text.
  if (auto pinned = pins_.find(record.name); record.key.empty() && pinned != pins_.end()) {
    throw not_found_error("the directory entry of '" + record.name + "' no longer has the key " +
                          fingerprint_of(pinned->second) + " pinned for them, or any key: not " +
                          "sending in plain text (if " + record.name + " really went back to an " +
                          "mqchat without encryption, remove the pin with 'mqchat trust " +
                          record.name + "' once they have a key again)");
  }
  if (record.key.empty()) {
    if (policy_.required) {
      throw not_found_error("'" + record.name + "' has no encryption key (an mqchat without " +
                            "end-to-end encryption): not sending in plain text because " +
                            "encryption is required");
    }
    return std::nullopt;
  }
  auto raw = crypto::from_base64(record.key, crypto_sizes::kSignPublic);
  if (!raw || !crypto::x25519_public(*raw)) {
    throw not_found_error("the directory entry of '" + record.name +
                          "' holds an invalid key: ask them to sign in again");
  }
  // The profile is written only for a first key: a send to a known user costs no write.
  auto it = pins_.find(record.name);
  if (it == pins_.end()) {
    it = pins_.emplace(record.name, pin_key(store_, me_, record.name, record.key)).first;
  }
  const std::string& pinned = it->second;
  if (pinned != record.key) throw key_changed_error(record.name, pinned, record.key);
  return raw;
}

void Sealer::admit_user(const UserRecord& record) {
  if (!active() || recipients_.count(record.name)) return;
  auto key = checked_key(record);
  if (!key) {
    warn_("'" + record.name + "' has no encryption key (an older mqchat): sending in plain text");
  }
  recipients_[record.name] = key;
}

void Sealer::admit_group(const DirectoryReader& reader, const std::string& group) {
  if (!active() || groups_.count(group)) return;
  std::map<std::string, std::string> members;  // name -> published key (base64)
  std::map<std::string, std::string> keys;     // name -> raw key
  std::vector<std::string> keyless;
  // Who is online does not matter for whom the key is for: no presence records.
  for (const auto& m : list_members(reader, group, /*with_presence=*/false)) {
    if (m.name == me_ || !m.user) continue;  // a record left by a deleted user: nobody to read
    auto key = checked_key(*m.user);
    // A new machine of the member (devices_at) needs the key again, as a new key does.
    members[m.name] = m.user->key + (m.record.devices_at.empty() ? "" : " " + m.record.devices_at);
    if (key) {
      keys[m.name] = *key;
    } else {
      keyless.push_back(m.name);
    }
  }
  // A member without a key cannot read sealed messages, but a keyless record is also what a
  // forger would add to push the whole group into plain text: seal for the others and say so
  // (the setting encryption off is the way to include such members).
  if (!keyless.empty()) {
    warn_("'" + keyless.front() + "'" +
          (keyless.size() > 1 ? " and " + std::to_string(keyless.size() - 1) + " more" : "") +
          " in '" + group + "' ha" + (keyless.size() > 1 ? "ve" : "s") +
          " no encryption key (an older mqchat) and cannot read what is sealed for the others");
    for (const auto& name : keyless) members.erase(name);
  }
  auto own = group_keys_->own(group);
  if (own && own->members == members) {
    groups_[group] = own->key;
    return;
  }
  // The members changed (or this is our first message): a new key, granted to exactly them.
  auto key = new_sender_key();
  auto now = now_rfc3339();
  std::vector<std::uint64_t> tickets;
  for (const auto& [name, granted] : members) {
    KeyGrant grant{new_message_id(), me_, name, group, key, now};
    tickets.push_back(reader.transport.publish_async(
        topics::inbox(name, me_), seal_grant(grant, *box_, keys[name]), 1, false));
    if (tickets.size() >= kGrantWindow) {
      for (auto t : tickets) reader.transport.wait(t);
      tickets.clear();
    }
  }
  for (auto t : tickets) reader.transport.wait(t);
  group_keys_->set_own(group, OwnKey{key, members});
  groups_[group] = key;
}

std::string Sealer::seal(const Envelope& e) {
  if (!active()) return encode(e);
  if (e.type == MessageType::dm) {
    auto it = recipients_.find(e.to);
    if (it == recipients_.end()) throw failure("internal: '" + e.to + "' was not admitted");
    return it->second ? seal_direct(e, *box_, *it->second) : encode(e);
  }
  auto it = groups_.find(e.group);
  if (it == groups_.end()) throw failure("internal: group '" + e.group + "' was not admitted");
  return it->second ? seal_group(e, box_->me(), *it->second) : encode(e);
}

void Sealer::forget_group(const std::string& group) {
  if (group_keys_) group_keys_->forget_own(group);
  groups_.erase(group);
}

}  // namespace mqchat
