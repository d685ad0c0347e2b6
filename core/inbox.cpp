#include "core/inbox.hpp"

#include "core/topics.hpp"

namespace mqchat {

namespace {

std::string printable(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, 120))
    out += (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) ? c : '?';
  return out;
}

}  // namespace

std::optional<Envelope> Inbox::accept(const IncomingMessage& msg, const WarningSink& warn) {
  using Kind = topics::ParsedTopic::Kind;
  auto topic = topics::parse(msg.topic);
  auto drop = [&](const std::string& why) {
    warn("dropped a message on '" + printable(msg.topic) + "': " + why);
    return std::nullopt;
  };
  if (topic.kind != Kind::inbox || topic.name != me_) {
    return drop("not addressed to '" + me_ + "'");
  }
  Envelope e;
  try {
    e = decode_envelope(msg.payload);
  } catch (const DecodeError& err) {
    return drop(err.what());
  }
  if (e.type != MessageType::dm) return drop("an inbox message must have type 'dm'");
  if (e.from != topic.from) {
    return drop("it claims to be from '" + e.from + "' but was sent as '" + topic.from + "'");
  }
  if (e.to != me_) return drop("it is addressed to '" + e.to + "'");
  if (seen_.contains(e.id)) return std::nullopt;
  history_.append({HistoryEntry{e, false}});
  return e;
}

}  // namespace mqchat
