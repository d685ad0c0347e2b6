#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "core/chat/directory.hpp"
#include "core/chat/groups.hpp"
#include "core/store/state_store.hpp"

// Printing helpers shared by commands: one JSON object per line, flushed, for pipes.
namespace mqchat {

/// Writes J as one line and flushes, so a reader of a pipe sees it at once.
void print_json_line(std::ostream& out, const nlohmann::json& j);

/// The user object of --json output (who, group members).
nlohmann::json user_json(const UserListing& listing);

/// The user object of a group member (group members), with "joined_at".
nlohmann::json member_json(const MemberListing& member);

/// Adds "fingerprint" (null without a key) and "key_status" (none, unpinned, pinned, changed,
/// against PINS) to the user object J of RECORD: who -v, group members -v.
void add_key_fields(nlohmann::json& j, const UserRecord& record,
                    const std::map<std::string, std::string>& pins);

/// The columns who -v and group members -v add after the last one (padded to kKeyedColumnWidth):
/// the key status and the fingerprint of RECORD's key; kKeyColumnsHeader is their heading.
std::string key_columns(const UserRecord& record, const std::map<std::string, std::string>& pins);
inline constexpr const char* kKeyColumnsHeader = "  KEY       FINGERPRINT";
inline constexpr int kKeyedColumnWidth = 22;

/// The profile object of --json output (whoami, register, login).
nlohmann::json profile_json(const Profile& profile);

}  // namespace mqchat
