#pragma once

#include <string>
#include <string_view>

// The retained records of the shared directory (wire format v1): who is registered, who is
// online, who belongs to which group.
namespace mqchat {

/// mqchat/v1/users/NAME.
struct UserRecord {
  std::string name;
  std::string phone;  ///< empty when the user gave none
  std::string registered_at;
  /// The user's public identity key (base64 Ed25519, "key_alg": "ed25519"); empty when the
  /// record has none (a user of an mqchat without end-to-end encryption).
  std::string key = {};
};

/// mqchat/v1/presence/NAME.
struct PresenceRecord {
  bool online = false;
  std::string since;  ///< RFC 3339; when the status last changed (for a Last Will: when the
                      ///< connection that left it was made)
};

/// mqchat/v1/groups/GROUP/members/NAME.
struct MemberRecord {
  std::string joined_at;
  /// When a machine of the member last signed in (a login on a new machine republishes the
  /// record): the other members' next message grants their group key again, so that the new
  /// machine reads the group. Empty when none did.
  std::string devices_at = {};
};

std::string encode(const UserRecord& record);
std::string encode(const PresenceRecord& record);
std::string encode(const MemberRecord& record);

/// Decoders throw DecodeError (core/wire/envelope.hpp) on anything malformed.
UserRecord decode_user(std::string_view payload);
PresenceRecord decode_presence(std::string_view payload);
MemberRecord decode_member(std::string_view payload);

}  // namespace mqchat
