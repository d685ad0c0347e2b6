#include "cmd/output.hpp"

#include <algorithm>

#include "core/chat/encryption.hpp"
#include "core/crypto/identity.hpp"

namespace mqchat {

void print_json_line(std::ostream& out, const nlohmann::json& j) {
  // Replace invalid UTF-8 instead of throwing: a hostile payload must not end the output.
  out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n' << std::flush;
}

nlohmann::json user_json(const UserListing& l) {
  nlohmann::json j = {{"name", l.user.name},
                      {"registered_at", l.user.registered_at},
                      {"online", l.presence && l.presence->online}};
  if (!l.user.phone.empty()) j["phone"] = l.user.phone;
  if (l.presence) {
    j["last_seen"] = l.presence->since;
  } else {
    j["last_seen"] = nullptr;
  }
  return j;
}

nlohmann::json member_json(const MemberListing& m) {
  UserListing as_user{m.user.value_or(UserRecord{m.name, {}, {}}), m.presence};
  auto j = user_json(as_user);
  if (!m.user) j["registered_at"] = nullptr;
  j["joined_at"] = m.record.joined_at;
  return j;
}

void add_key_fields(nlohmann::json& j, const UserRecord& record,
                    const std::map<std::string, std::string>& pins) {
  j["fingerprint"] =
      record.key.empty() ? nlohmann::json(nullptr) : nlohmann::json(fingerprint_of(record.key));
  j["key_status"] = to_string(key_status(pins, record));
}

std::string key_columns(const UserRecord& record, const std::map<std::string, std::string>& pins) {
  auto status = to_string(key_status(pins, record));
  status.resize(std::max<std::size_t>(status.size(), 10), ' ');
  return "  " + status + (record.key.empty() ? "-" : fingerprint_of(record.key));
}

nlohmann::json profile_json(const Profile& p) {
  nlohmann::json j = {{"name", p.name}, {"registered_at", p.registered_at}, {"groups", p.groups}};
  if (!p.phone.empty()) j["phone"] = p.phone;
  return j;
}

}  // namespace mqchat
