#include "core/chat/inbox.hpp"

#include "core/crypto/crypto.hpp"
#include "core/store/files.hpp"
#include "core/store/pending_inbox.hpp"

namespace mqchat {

namespace {

using Kind = topics::ParsedTopic::Kind;

// Group messages kept for a key that has not come; beyond it the oldest is dropped.
constexpr std::size_t kAwaitingLimit = 1000;

std::string printable(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, 120)) {
    out += (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) ? c : '?';
  }
  return out;
}

std::optional<std::string> outer_id(const nlohmann::json& j) {
  auto it = j.find("id");
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

Inbox::Inbox(std::string me, SeenIds& seen, History& history)
    : me_(std::move(me)), seen_(seen), history_(history) {}

Inbox::~Inbox() = default;

void Inbox::enable_decryption(InboxKeys keys) {
  box_ = std::make_unique<BoxKeys>(keys.identity);
  keys_ = std::move(keys);
  awaiting_ = PendingInbox(keys_->awaiting_file).read();
}

std::nullopt_t Inbox::drop(const IncomingMessage& msg, const WarningSink& warn,
                           const std::string& why) {
  ++dropped_;
  warn("dropped a message on '" + printable(msg.topic) + "': " + why);
  return std::nullopt;
}

std::optional<Envelope> Inbox::accept(const IncomingMessage& msg, const WarningSink& warn) {
  auto topic = topics::parse(msg.topic);
  const bool direct = topic.kind == Kind::inbox && topic.name == me_;
  if (!direct && topic.kind != Kind::group_message) {
    return drop(msg, warn, "not addressed to '" + me_ + "'");
  }
  // Our own group messages come back on MQTT 3.1.1 (no "no local"); they are in the history
  // already. Other groups' traffic was in flight when the user left.
  if (!direct && (topic.from == me_ || !groups_.count(topic.name))) return std::nullopt;
  nlohmann::json j;
  try {
    j = parse_payload(msg.payload);
  } catch (const DecodeError& err) {
    return drop(msg, warn, err.what());
  }
  if (j.is_object() && wire_version(j) >= kSealedVersion) {
    if (wire_version(j) != kSealedVersion) {
      return drop(msg, warn,
                  "wire version " + std::to_string(wire_version(j)) +
                      " is newer than this mqchat: upgrade it");
    }
    if (!keys_) return drop(msg, warn, "it is encrypted, and this profile has no identity key");
    // A redelivery is dropped before it is decrypted; the id is checked against the sealed one.
    if (auto id = outer_id(j); id && seen_.contains(*id)) return std::nullopt;
    return direct ? open_sealed_direct(msg, j, topic, warn)
                  : open_sealed_group(msg, j, topic, warn);
  }
  Envelope e;
  try {
    e = plain_envelope_from_json(j);
  } catch (const DecodeError& err) {
    return drop(msg, warn, err.what());
  }
  return checked(std::move(e), msg, topic, warn);
}

std::vector<Envelope> Inbox::take_released() {
  std::vector<Envelope> out;
  out.swap(released_);
  return out;
}

Inbox::Pin Inbox::pin_of(const std::string& name, const std::string& key, const WarningSink& warn) {
  auto published = crypto::to_base64(key);
  auto pinned = keys_->pinned_key ? keys_->pinned_key(name, published) : std::nullopt;
  if (pinned && *pinned == published) return Pin::matches;
  if (warned_.insert(name + "\n" + published).second) {
    if (!pinned) {
      warn("no key is known for '" + name + "' (no directory entry with one): its messages are " +
           "shown as unverified");
    } else {
      warn("a message from '" + name + "' is sealed by key " + fingerprint_of(published) +
           ", not by the pinned " + fingerprint_of(*pinned) + ": shown as unverified (if " + name +
           " has a new key, compare fingerprints and run " + "'mqchat trust " + name + "')");
    }
  }
  return pinned ? Pin::other : Pin::none;
}

std::optional<std::string> Inbox::mismatch(const Envelope& e,
                                           const topics::ParsedTopic& topic) const {
  const bool direct = topic.kind == Kind::inbox;
  if (direct && e.type != MessageType::dm)
    return std::string("an inbox message must have type 'dm'");
  if (!direct && e.type == MessageType::dm) {
    return std::string("a group message cannot have type 'dm'");
  }
  if (e.from != topic.from) {
    return "it claims to be from '" + e.from + "' but was sent as '" + topic.from + "'";
  }
  if (direct && e.to != me_) return "it is addressed to '" + e.to + "'";
  if (!direct && e.group != topic.name) {
    return "it names group '" + e.group + "' but was sent to '" + topic.name + "'";
  }
  return std::nullopt;
}

std::optional<Envelope> Inbox::checked(Envelope e, const IncomingMessage& msg,
                                       const topics::ParsedTopic& topic, const WarningSink& warn) {
  if (auto why = mismatch(e, topic)) return drop(msg, warn, *why);
  if (seen_.contains(e.id)) return std::nullopt;
  if (verified_only_ && !e.verified) {
    seen_.add(e.id);  // judged: a redelivery is not judged again
    return drop(msg, warn, "it is not verified by a pinned key (--verified-only)");
  }
  return e;
}

std::optional<Envelope> Inbox::open_sealed_direct(const IncomingMessage& msg,
                                                  const nlohmann::json& j,
                                                  const topics::ParsedTopic& topic,
                                                  const WarningSink& warn) {
  OpenedDirect opened;
  try {
    opened = open_direct(j, *box_);
  } catch (const DecodeError& err) {
    return drop(msg, warn, err.what());
  }
  if (opened.grant) {
    const auto& g = *opened.grant;
    if (g.from != topic.from || g.to != me_) {
      return drop(
          msg, warn,
          "a key grant from '" + g.from + "' to '" + g.to + "' was sent as '" + topic.from + "'");
    }
    take_grant(g, opened.sender_key, warn);
    return std::nullopt;
  }
  Envelope e = std::move(*opened.message);
  e.encrypted = true;
  e.verified = e.from == topic.from && pin_of(e.from, opened.sender_key, warn) == Pin::matches;
  return checked(std::move(e), msg, topic, warn);
}

void Inbox::take_grant(const KeyGrant& g, const std::string& sender_key, const WarningSink& warn) {
  if (seen_.contains(g.id)) return;
  seen_.add(g.id);
  // Only for our groups: anyone can publish grants, and each one kept costs a line of the store.
  if (!groups_.count(g.group)) return;
  // A grant sealed by another key than the one pinned for its sender is a forgery (or a key
  // change not yet trusted): kept, it could replace the member's real key and make their
  // messages fail to open. Without any pin it is kept, and its messages show unverified.
  auto pin = pin_of(g.from, sender_key, warn);
  if (pin == Pin::other) {
    ++dropped_;
    warn("dropped a key grant from '" + g.from + "' for '" + g.group +
         "': it is not sealed by the key pinned for them");
    return;
  }
  keys_->group_keys->add_received(g.group, g.from,
                                  ReceivedKey{g.key, sender_key, pin == Pin::matches});
  // Messages of that sender and group that came before their key can be opened now.
  std::vector<IncomingMessage> retry;
  std::vector<IncomingMessage> still_waiting;
  for (auto& m : awaiting_) {
    auto t = topics::parse(m.topic);
    (t.name == g.group && t.from == g.from ? retry : still_waiting).push_back(std::move(m));
  }
  awaiting_ = std::move(still_waiting);
  if (retry.empty()) return;
  for (const auto& m : retry) {
    if (auto e = accept(m, warn)) released_.push_back(std::move(*e));
  }
  rewrite_awaiting();
}

void Inbox::rewrite_awaiting() {
  // In one atomic replace: a kill between a truncate and a rewrite would lose messages that
  // paho acknowledged long ago.
  std::string content;
  for (const auto& m : awaiting_) content += PendingInbox::line_for(m);
  write_file_atomic(keys_->awaiting_file, content);
}

void Inbox::await_key(const IncomingMessage& msg, const topics::ParsedTopic& topic,
                      const WarningSink& warn) {
  if (awaiting_.size() >= kAwaitingLimit) {
    drop(awaiting_.front(), warn, "its sender's key never came");
    awaiting_.erase(awaiting_.begin());
    rewrite_awaiting();
  }
  awaiting_.push_back(msg);
  PendingInbox(keys_->awaiting_file).stash({msg});
  if (warned_.insert("await\n" + topic.name + "\n" + topic.from).second) {
    warn("a message from '" + topic.from + "' in '" + topic.name +
         "' waits for their group key, which comes with their next message to the group");
  }
}

std::optional<Envelope> Inbox::open_sealed_group(const IncomingMessage& msg,
                                                 const nlohmann::json& j,
                                                 const topics::ParsedTopic& topic,
                                                 const WarningSink& warn) {
  std::optional<ReceivedKey> key;
  try {
    key = keys_->group_keys->received(topic.name, topic.from, group_key_id(j));
  } catch (const DecodeError& err) {
    return drop(msg, warn, err.what());
  }
  if (!key) {
    await_key(msg, topic, warn);
    return std::nullopt;
  }
  Envelope e;
  try {
    e = open_group(j, topic.name, topic.from, key->key, key->signer);
  } catch (const DecodeError& err) {
    return drop(msg, warn, err.what());
  }
  // Checked against the pin now, not when the grant came: a 'trust' since then counts.
  e.verified = pin_of(topic.from, key->signer, warn) == Pin::matches;
  return checked(std::move(e), msg, topic, warn);
}

void Inbox::record(const Envelope& envelope) {
  history_.append({HistoryEntry{envelope, false}});
  seen_.add(envelope.id);
}

}  // namespace mqchat
