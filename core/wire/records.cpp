#include "core/wire/records.hpp"

#include <nlohmann/json.hpp>

#include "core/wire/clock.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/names.hpp"

namespace mqchat {

using nlohmann::json;

namespace {

json parse_object(std::string_view payload) {
  if (payload.size() > 64 * 1024) throw DecodeError("record larger than 64 KiB");
  if (!is_valid_utf8(payload)) throw DecodeError("record is not UTF-8");
  json j = json::parse(payload.begin(), payload.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw DecodeError("record is not a JSON object");
  return j;
}

std::string string_field(const json& j, const char* key, bool required) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) throw DecodeError(std::string("missing '") + key + "'");
    return {};
  }
  if (!it->is_string()) throw DecodeError(std::string("'") + key + "' is not a string");
  return it->get<std::string>();
}

std::string time_field(const json& j, const char* key) {
  auto value = string_field(j, key, true);
  if (!parse_rfc3339(value))
    throw DecodeError(std::string("'") + key + "' is not an RFC 3339 time");
  return value;
}

}  // namespace

std::string encode(const UserRecord& r) {
  json j = {{"name", r.name}, {"registered_at", r.registered_at}};
  if (!r.phone.empty()) j["phone"] = r.phone;
  if (!r.key.empty()) {
    j["key"] = r.key;
    j["key_alg"] = "ed25519";
  }
  return j.dump();
}

std::string encode(const PresenceRecord& r) {
  return json{{"status", r.online ? "online" : "offline"}, {"since", r.since}}.dump();
}

std::string encode(const MemberRecord& r) {
  json j = {{"joined_at", r.joined_at}};
  if (!r.devices_at.empty()) j["devices_at"] = r.devices_at;
  return j.dump();
}

UserRecord decode_user(std::string_view payload) {
  auto j = parse_object(payload);
  UserRecord r;
  r.name = string_field(j, "name", true);
  if (!is_valid_name(r.name)) throw DecodeError("'name' is not a valid name");
  r.phone = string_field(j, "phone", false);
  r.registered_at = time_field(j, "registered_at");
  // A key of an algorithm we do not know is no key to us (a later mqchat may add one).
  auto key = string_field(j, "key", false);
  auto alg = string_field(j, "key_alg", false);
  if (!key.empty() && alg == "ed25519") {
    if (key.size() > 128) throw DecodeError("'key' is too long");
    r.key = key;
  }
  return r;
}

PresenceRecord decode_presence(std::string_view payload) {
  auto j = parse_object(payload);
  PresenceRecord r;
  auto status = string_field(j, "status", true);
  if (status != "online" && status != "offline") throw DecodeError("unknown 'status'");
  r.online = status == "online";
  r.since = time_field(j, "since");
  return r;
}

MemberRecord decode_member(std::string_view payload) {
  auto j = parse_object(payload);
  MemberRecord r{time_field(j, "joined_at")};
  if (j.contains("devices_at")) r.devices_at = time_field(j, "devices_at");
  return r;
}

}  // namespace mqchat
