#pragma once

#include <functional>
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
  /// Authenticated by the key pinned for FROM (a sealed envelope, core/crypto/); never true
  /// for a plain v1 envelope, whatever it claims.
  bool verified = false;
  /// Travelled encrypted end to end.
  bool encrypted = false;
};

/// Turns an envelope into the payload to publish (a sealed one, core/chat/encryption.hpp); an empty
/// encoder publishes the plain v1 JSON.
using PayloadEncoder = std::function<std::string(const Envelope&)>;

/// Thrown by the decoders with a short reason ("not JSON", "missing 'id'").
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The message object of --json output and of the local files (history, hand-off): the wire
/// fields plus "verified" and "encrypted".
nlohmann::json to_json(const Envelope& envelope);

/// The JSON object of ENVELOPE as wire format v1 (also the plaintext inside a sealed one).
nlohmann::json wire_json(const Envelope& envelope);

/// The plain v1 JSON payload of ENVELOPE.
std::string encode(const Envelope& envelope);

/// Checks and converts a parsed JSON value as decode_envelope does, keeping "verified" and
/// "encrypted" (local files only: what arrives from the broker goes through decode_envelope).
Envelope envelope_from_json(const nlohmann::json& j);

/// Parses a payload as JSON, refusing more than 1 MiB, invalid UTF-8 and non-JSON.
nlohmann::json parse_payload(std::string_view payload);

/// Parses and checks a plain payload: valid UTF-8 JSON object, known type, required fields
/// present and of the right type, names valid. Unknown fields are ignored (later versions add
/// fields). Never verified: a plain envelope proves nothing about its sender.
Envelope decode_envelope(std::string_view payload);

/// The same for a payload parsed already.
Envelope plain_envelope_from_json(const nlohmann::json& j);

}  // namespace mqchat
