#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mqchat {

/// What an envelope carries: a direct message, a group message, or a membership notice.
enum class MessageType { dm, group, join, leave };

/// "dm", "group", "join", "leave".
std::string_view to_string(MessageType type);
/// The inverse of to_string; nullopt for anything else.
std::optional<MessageType> message_type_from(std::string_view text);

/// One message on the wire (inbox and group topics), JSON-encoded as wire format v1.
struct Envelope {
  std::string id;
  MessageType type = MessageType::dm;
  std::string from;
  std::string to;     ///< recipient of a dm; empty otherwise
  std::string group;  ///< group of a group message or notice; empty otherwise
  std::string text;
  std::string sent_at;  ///< RFC 3339 UTC
};

/// Thrown by the decoders with a short reason ("not JSON", "missing 'id'").
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The JSON object of ENVELOPE (wire format v1; also the message object of --json output).
nlohmann::json to_json(const Envelope& envelope);

/// The JSON payload of ENVELOPE.
std::string encode(const Envelope& envelope);

/// Checks and converts a parsed JSON value as decode_envelope does.
Envelope envelope_from_json(const nlohmann::json& j);

/// Parses and checks a payload: valid UTF-8 JSON object, known type, required fields present and
/// of the right type, names valid. Unknown fields are ignored (later versions add fields).
Envelope decode_envelope(std::string_view payload);

}  // namespace mqchat
