#include "core/chat/groups.hpp"

#include <map>

#include "core/wire/clock.hpp"
#include "core/wire/ids.hpp"
#include "core/wire/topics.hpp"

namespace mqchat {

using Kind = topics::ParsedTopic::Kind;

Envelope make_group_message(const std::string& from, const std::string& group,
                            const std::string& text) {
  return Envelope{new_message_id(), MessageType::group, from, {}, group, text, now_rfc3339()};
}

Envelope make_notice(MessageType type, const std::string& from, const std::string& group) {
  std::string text = from + (type == MessageType::join ? " has joined " : " has left ") + group;
  return Envelope{new_message_id(), type, from, {}, group, text, now_rfc3339()};
}

std::string group_filter(const std::string& group) { return topics::group_messages(group); }

void publish_membership(Transport& transport, const std::string& group, const std::string& name) {
  transport.publish(topics::group_member(group, name), encode(MemberRecord{now_rfc3339()}), 1,
                    true);
}

void clear_membership(Transport& transport, const std::string& group, const std::string& name) {
  transport.publish(topics::group_member(group, name), "", 1, true);
}

namespace {

// Membership records on FILTERS, by group and member; malformed ones skipped with a warning.
std::map<std::string, std::map<std::string, MemberRecord>> read_members(
    const DirectoryReader& reader, const std::vector<std::string>& filters) {
  std::map<std::string, std::map<std::string, MemberRecord>> out;
  read_retained(reader, filters, [&](IncomingMessage&& msg) {
    if (msg.payload.empty()) return;
    auto topic = topics::parse(msg.topic);
    try {
      if (topic.kind == Kind::group_member) {
        out[topic.name][topic.from] = decode_member(msg.payload);
      }
    } catch (const DecodeError& e) {
      reader.warn("skipping the malformed record at '" + msg.topic.substr(0, 120) +
                  "': " + e.what());
    }
  });
  return out;
}

}  // namespace

std::vector<GroupListing> list_groups(const DirectoryReader& reader) {
  std::vector<GroupListing> out;
  for (const auto& [group, members] : read_members(reader, {topics::all_group_members()})) {
    out.push_back(GroupListing{group, members.size()});
  }
  return out;
}

std::vector<MemberListing> list_members(const DirectoryReader& reader, const std::string& group,
                                        bool with_presence) {
  constexpr std::size_t kExactTopicsUpTo = 100;
  auto members = read_members(reader, {topics::group_members(group)})[group];
  if (members.empty()) return {};
  std::vector<std::string> filters;
  if (members.size() <= kExactTopicsUpTo) {
    for (const auto& [name, record] : members) {
      filters.push_back(topics::user(name));
      if (with_presence) filters.push_back(topics::presence(name));
    }
  } else {
    filters = {topics::all_users()};
    if (with_presence) filters.push_back(topics::all_presence());
  }
  std::map<std::string, UserRecord> users;
  std::map<std::string, PresenceRecord> presence;
  read_retained(reader, filters, [&](IncomingMessage&& msg) {
    if (msg.payload.empty()) return;
    auto topic = topics::parse(msg.topic);
    if (!members.count(topic.name)) return;
    try {
      if (topic.kind == Kind::user) {
        users[topic.name] = decode_user(msg.payload);
      } else if (topic.kind == Kind::presence) {
        presence[topic.name] = decode_presence(msg.payload);
      }
    } catch (const DecodeError& e) {
      reader.warn("skipping the malformed record at '" + msg.topic.substr(0, 120) +
                  "': " + e.what());
    }
  });
  std::vector<MemberListing> out;
  for (const auto& [name, record] : members) {
    MemberListing m{name, record, std::nullopt, std::nullopt};
    if (auto it = users.find(name); it != users.end()) m.user = it->second;
    if (auto it = presence.find(name); it != presence.end()) m.presence = it->second;
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<std::string> groups_of(const DirectoryReader& reader, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& [group, record] : memberships_of(reader, name)) out.push_back(group);
  return out;
}

std::map<std::string, MemberRecord> memberships_of(const DirectoryReader& reader,
                                                   const std::string& name) {
  std::map<std::string, MemberRecord> out;
  auto filter = topics::group_member("+", name);
  for (const auto& [group, members] : read_members(reader, {filter})) {
    if (auto it = members.find(name); it != members.end()) out[group] = it->second;
  }
  return out;
}

void announce_new_device(Transport& transport, const std::string& group, const std::string& name,
                         MemberRecord record) {
  record.devices_at = now_rfc3339();
  transport.publish(topics::group_member(group, name), encode(record), 1, true);
}

}  // namespace mqchat
