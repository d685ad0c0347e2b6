#include "core/inbox.hpp"

namespace mqchat {

namespace {

using Kind = topics::ParsedTopic::Kind;

std::string printable(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, 120)) {
    out += (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) ? c : '?';
  }
  return out;
}

std::nullopt_t drop(const IncomingMessage& msg, const WarningSink& warn, const std::string& why) {
  warn("dropped a message on '" + printable(msg.topic) + "': " + why);
  return std::nullopt;
}

std::optional<Envelope> decode(const IncomingMessage& msg, const WarningSink& warn) {
  try {
    return decode_envelope(msg.payload);
  } catch (const DecodeError& err) {
    return drop(msg, warn, err.what());
  }
}

}  // namespace

std::optional<Envelope> Inbox::accept(const IncomingMessage& msg, const WarningSink& warn) {
  auto topic = topics::parse(msg.topic);
  if (topic.kind == Kind::inbox && topic.name == me_) return accept_direct(msg, topic, warn);
  if (topic.kind == Kind::group_message) return accept_group(msg, topic, warn);
  return drop(msg, warn, "not addressed to '" + me_ + "'");
}

std::optional<Envelope> Inbox::accept_direct(const IncomingMessage& msg,
                                             const topics::ParsedTopic& topic,
                                             const WarningSink& warn) {
  auto e = decode(msg, warn);
  if (!e) return std::nullopt;
  if (e->type != MessageType::dm) return drop(msg, warn, "an inbox message must have type 'dm'");
  if (e->from != topic.from) {
    return drop(msg, warn,
                "it claims to be from '" + e->from + "' but was sent as '" + topic.from + "'");
  }
  if (e->to != me_) return drop(msg, warn, "it is addressed to '" + e->to + "'");
  return unless_seen(std::move(*e));
}

std::optional<Envelope> Inbox::accept_group(const IncomingMessage& msg,
                                            const topics::ParsedTopic& topic,
                                            const WarningSink& warn) {
  // Our own messages come back on MQTT 3.1.1 (no "no local"); they are in the history already.
  if (topic.from == me_ || !groups_.count(topic.name)) return std::nullopt;
  auto e = decode(msg, warn);
  if (!e) return std::nullopt;
  if (e->type == MessageType::dm) return drop(msg, warn, "a group message cannot have type 'dm'");
  if (e->from != topic.from) {
    return drop(msg, warn,
                "it claims to be from '" + e->from + "' but was sent as '" + topic.from + "'");
  }
  if (e->group != topic.name) {
    return drop(msg, warn,
                "it names group '" + e->group + "' but was sent to '" + topic.name + "'");
  }
  return unless_seen(std::move(*e));
}

std::optional<Envelope> Inbox::unless_seen(Envelope envelope) const {
  if (seen_.contains(envelope.id)) return std::nullopt;
  return envelope;
}

void Inbox::record(const Envelope& envelope) {
  history_.append({HistoryEntry{envelope, false}});
  seen_.add(envelope.id);
}

}  // namespace mqchat
