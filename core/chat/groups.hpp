#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/chat/directory.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/records.hpp"
#include "core/wire/transport.hpp"

namespace mqchat {

/// A new group message from FROM to GROUP.
Envelope make_group_message(const std::string& from, const std::string& group,
                            const std::string& text);

/// A join or leave notice; its text reads like the old chat's: "kashish has left Group_1".
Envelope make_notice(MessageType type, const std::string& from, const std::string& group);

/// The filter of GROUP's traffic that a member's persistent session subscribes to.
std::string group_filter(const std::string& group);

/// Publishes NAME's retained membership record of GROUP (QoS 1, acknowledged).
void publish_membership(Transport& transport, const std::string& group, const std::string& name);

/// Removes NAME's membership record of GROUP (an empty retained payload).
void clear_membership(Transport& transport, const std::string& group, const std::string& name);

/// A group that has members.
struct GroupListing {
  std::string name;
  std::size_t members = 0;
};

/// Every group with at least one member, sorted by name.
std::vector<GroupListing> list_groups(const DirectoryReader& reader);

/// One member of a group, with the directory entry and presence where known.
struct MemberListing {
  std::string name;
  MemberRecord record;
  std::optional<UserRecord> user;
  std::optional<PresenceRecord> presence;
};

/// The members of GROUP, sorted by name; empty when the group has none. Reads the member
/// records first, then the directory entries and presence of just those members (or of
/// everyone, when the group is large and one wildcard is cheaper than many topics). Without
/// WITH_PRESENCE the presence records are not read (presence stays empty).
std::vector<MemberListing> list_members(const DirectoryReader& reader, const std::string& group,
                                        bool with_presence = true);

/// The groups NAME is a member of according to the broker, sorted.
std::vector<std::string> groups_of(const DirectoryReader& reader, const std::string& name);

/// NAME's membership records by group, as the broker has them.
std::map<std::string, MemberRecord> memberships_of(const DirectoryReader& reader,
                                                   const std::string& name);

/// Republishes NAME's membership RECORD of GROUP with devices_at now: a new machine of NAME
/// signed in, and the other members' next messages grant their keys again.
void announce_new_device(Transport& transport, const std::string& group, const std::string& name,
                         MemberRecord record);

}  // namespace mqchat
