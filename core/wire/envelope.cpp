#include "core/wire/envelope.hpp"

#include <nlohmann/json.hpp>

#include "core/wire/clock.hpp"
#include "core/wire/names.hpp"

namespace mqchat {

using nlohmann::json;

std::string_view to_string(MessageType type) {
  switch (type) {
    case MessageType::dm:
      return "dm";
    case MessageType::group:
      return "group";
    case MessageType::join:
      return "join";
    case MessageType::leave:
      return "leave";
  }
  return "dm";
}

std::optional<MessageType> message_type_from(std::string_view text) {
  if (text == "dm") return MessageType::dm;
  if (text == "group") return MessageType::group;
  if (text == "join") return MessageType::join;
  if (text == "leave") return MessageType::leave;
  return std::nullopt;
}

json wire_json(const Envelope& e) {
  json j = {{"v", 1},         {"id", e.id},     {"type", std::string(to_string(e.type))},
            {"from", e.from}, {"text", e.text}, {"sent_at", e.sent_at}};
  if (e.type == MessageType::dm) {
    j["to"] = e.to;
  } else {
    j["group"] = e.group;
  }
  return j;
}

json to_json(const Envelope& e) {
  json j = wire_json(e);
  j["verified"] = e.verified;
  j["encrypted"] = e.encrypted;
  return j;
}

std::string encode(const Envelope& e) { return wire_json(e).dump(); }

namespace {

std::string required_string(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) throw DecodeError(std::string("missing '") + key + "'");
  if (!it->is_string()) throw DecodeError(std::string("'") + key + "' is not a string");
  return it->get<std::string>();
}

}  // namespace

json parse_payload(std::string_view payload) {
  if (payload.size() > 1024 * 1024) throw DecodeError("payload larger than 1 MiB");
  if (!is_valid_utf8(payload)) throw DecodeError("payload is not UTF-8");
  json j = json::parse(payload.begin(), payload.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw DecodeError("payload is not JSON");
  return j;
}

Envelope decode_envelope(std::string_view payload) {
  return plain_envelope_from_json(parse_payload(payload));
}

Envelope envelope_from_json(const json& j) {
  Envelope e = plain_envelope_from_json(j);
  auto flag = [&j](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
  };
  e.verified = flag("verified");
  e.encrypted = flag("encrypted");
  return e;
}

Envelope plain_envelope_from_json(const json& j) {
  if (!j.is_object()) throw DecodeError("payload is not a JSON object");
  Envelope e;
  e.id = required_string(j, "id");
  if (e.id.empty() || e.id.size() > 128) throw DecodeError("'id' is empty or too long");
  auto type = message_type_from(required_string(j, "type"));
  if (!type) throw DecodeError("unknown 'type'");
  e.type = *type;
  e.from = required_string(j, "from");
  if (!is_valid_name(e.from)) throw DecodeError("'from' is not a valid name");
  e.text = required_string(j, "text");
  e.sent_at = required_string(j, "sent_at");
  if (!parse_rfc3339(e.sent_at)) throw DecodeError("'sent_at' is not an RFC 3339 time");
  if (e.type == MessageType::dm) {
    e.to = required_string(j, "to");
    if (!is_valid_name(e.to)) throw DecodeError("'to' is not a valid name");
  } else {
    e.group = required_string(j, "group");
    if (!is_valid_name(e.group)) throw DecodeError("'group' is not a valid name");
  }
  return e;
}

}  // namespace mqchat
