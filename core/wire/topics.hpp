#pragma once

#include <string>
#include <string_view>

// The topic scheme of wire format v1. Every name passed in must already satisfy the name rules
// (core/wire/names.hpp), which exclude '/', '+' and '#', so a topic never has more levels than
// shown.
namespace mqchat::topics {

/// mqchat/v1/users/NAME: the retained directory entry of a user.
std::string user(std::string_view name);
/// mqchat/v1/users/+: every directory entry.
std::string all_users();
/// mqchat/v1/presence/NAME: retained online/offline state.
std::string presence(std::string_view name);
/// mqchat/v1/presence/+: every presence record.
std::string all_presence();
/// mqchat/v1/inbox/TO/FROM: one direct message from FROM to TO.
std::string inbox(std::string_view to, std::string_view from);
/// mqchat/v1/inbox/ME/+: everything addressed to ME.
std::string inbox_of(std::string_view me);
/// mqchat/v1/groups/GROUP/members/NAME: retained membership record.
std::string group_member(std::string_view group, std::string_view name);
/// mqchat/v1/groups/GROUP/members/+: every member of GROUP.
std::string group_members(std::string_view group);
/// mqchat/v1/groups/+/members/+: every member of every group.
std::string all_group_members();
/// mqchat/v1/groups/GROUP/msg/FROM: a group message or notice from FROM.
std::string group_message(std::string_view group, std::string_view from);
/// mqchat/v1/groups/GROUP/msg/+: all traffic of GROUP.
std::string group_messages(std::string_view group);
/// mqchat/v1/sync/OWNER/NONCE: a private marker used to learn that retained replay is over.
std::string sync_marker(std::string_view owner, std::string_view nonce);

/// What a received topic refers to.
struct ParsedTopic {
  enum class Kind { unknown, user, presence, inbox, group_member, group_message, sync };
  Kind kind = Kind::unknown;
  std::string name;  ///< user, presence: the user; inbox: the recipient; group_*: the group
  std::string from;  ///< inbox, group_message: the sender; group_member: the member
};

/// Classifies TOPIC; kind is unknown for anything outside the v1 scheme or with bad names.
ParsedTopic parse(std::string_view topic);

}  // namespace mqchat::topics
