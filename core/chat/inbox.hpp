#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/chat/directory.hpp"
#include "core/crypto/group_keys.hpp"
#include "core/crypto/identity.hpp"
#include "core/crypto/sealed_envelope.hpp"
#include "core/store/history.hpp"
#include "core/store/seen_ids.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/topics.hpp"
#include "core/wire/transport.hpp"

namespace mqchat {

/// What the inbox needs to open sealed (wire v2) envelopes.
struct InboxKeys {
  Identity identity;
  /// The group sender keys of the profile; must outlive the inbox.
  GroupKeyStore* group_keys = nullptr;
  /// The public key (base64) pinned for NAME, pinning the directory's on first contact; nullopt
  /// when no key is known for NAME. PUBLISHED is the key a message was sealed with: when it is
  /// the pin known already, nothing needs reading (see PinnedKeys).
  std::function<std::optional<std::string>(const std::string& name, const std::string& published)>
      pinned_key;
  /// Where group messages wait for the key of their sender, which may arrive after them.
  std::filesystem::path awaiting_file;
};

/// Turns what arrives on a user's persistent session into messages to show: opens sealed
/// envelopes and says whether the pinned key of their sender made them (verified), checks each
/// envelope against its topic (the sender is the topic's last level) and drops duplicates by
/// id. A message is recorded (history, then seen ids) only after it was handled, so a crash
/// or a full disk never leaves a message marked seen that was not shown.
class Inbox {
 public:
  Inbox(std::string me, SeenIds& seen, History& history);
  ~Inbox();

  /// Opens sealed envelopes from now on (without, they are dropped with a warning). Takes up
  /// the group messages that were waiting for a key when the last listen stopped.
  void enable_decryption(InboxKeys keys);

  /// Drops (with a warning) every message that is not verified.
  void set_verified_only(bool on) { verified_only_ = on; }

  /// The envelope to show, or nullopt when MSG is a duplicate, not for us, malformed (then WARN
  /// gets one line saying why it was dropped), a key grant, or a group message whose key has
  /// not arrived yet (it is kept until it does: see take_released).
  std::optional<Envelope> accept(const IncomingMessage& msg, const WarningSink& warn);

  /// Group messages whose sender key arrived with the last accepted message, to show now.
  std::vector<Envelope> take_released();

  /// Records ENVELOPE once it was shown (or deliberately not shown, by a filter): appends it
  /// to the history, then marks its id seen, so a redelivery is not shown again. Throws Error
  /// (naming the file) when either cannot be written.
  void record(const Envelope& envelope);

  /// The groups whose traffic is accepted; messages of any other group are dropped silently
  /// (they were in flight when the user left).
  void set_groups(std::set<std::string> groups) { groups_ = std::move(groups); }

  /// How many messages were dropped with a warning so far.
  std::size_t dropped() const { return dropped_; }

 private:
  // How a sender's key stands against the pin: it is the one pinned, none is pinned (nor in the
  // directory), or another one is.
  enum class Pin { matches, none, other };

  std::optional<Envelope> open_sealed_direct(const IncomingMessage& msg, const nlohmann::json& j,
                                             const topics::ParsedTopic& topic,
                                             const WarningSink& warn);
  std::optional<Envelope> open_sealed_group(const IncomingMessage& msg, const nlohmann::json& j,
                                            const topics::ParsedTopic& topic,
                                            const WarningSink& warn);
  void take_grant(const KeyGrant& grant, const std::string& sender_key, const WarningSink& warn);
  void await_key(const IncomingMessage& msg, const topics::ParsedTopic& topic,
                 const WarningSink& warn);
  Pin pin_of(const std::string& name, const std::string& key, const WarningSink& warn);
  void rewrite_awaiting();
  /// Why envelope E cannot have come on TOPIC (type, sender, recipient or group), if it cannot.
  std::optional<std::string> mismatch(const Envelope& e, const topics::ParsedTopic& topic) const;
  std::optional<Envelope> checked(Envelope envelope, const IncomingMessage& msg,
                                  const topics::ParsedTopic& topic, const WarningSink& warn);
  std::nullopt_t drop(const IncomingMessage& msg, const WarningSink& warn, const std::string& why);

  std::string me_;
  std::set<std::string> groups_;
  SeenIds& seen_;
  History& history_;
  bool verified_only_ = false;
  std::size_t dropped_ = 0;
  std::optional<InboxKeys> keys_;
  std::unique_ptr<BoxKeys> box_;
  std::vector<IncomingMessage> awaiting_;  // group messages without their key yet
  std::vector<Envelope> released_;
  std::set<std::string> warned_;  // one warning per sender about its key
};

}  // namespace mqchat
