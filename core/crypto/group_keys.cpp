#include "core/crypto/group_keys.hpp"

#include <algorithm>

#include "core/crypto/crypto.hpp"
#include "core/store/files.hpp"
#include "core/wire/error.hpp"

namespace mqchat {

namespace sz = crypto_sizes;
using nlohmann::json;

namespace {

constexpr std::size_t kKeysPerMember = 8;

// The string at KEY of object J, if there is one: the file may be hand-edited or imported.
std::optional<std::string> string_at(const json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<SenderKey> sender_key_from(const json& j) {
  auto kid = string_at(j, "kid");
  auto text = string_at(j, "key");
  auto key = text ? crypto::from_base64(*text, sz::kAeadKey) : std::nullopt;
  if (!kid || !key) return std::nullopt;
  return SenderKey{*kid, *key};
}

std::optional<ReceivedKey> received_from(const json& j) {
  auto key = sender_key_from(j);
  auto text = string_at(j, "signer");
  auto signer = text ? crypto::from_base64(*text, sz::kSignPublic) : std::nullopt;
  if (!key || !signer) return std::nullopt;
  auto verified = j.find("verified");
  return ReceivedKey{*key, *signer,
                     verified != j.end() && verified->is_boolean() && verified->get<bool>()};
}

json to_json(const ReceivedKey& key) {
  return {{"kid", key.key.id},
          {"key", crypto::to_base64(key.key.key)},
          {"signer", crypto::to_base64(key.signer)},
          {"verified", key.verified}};
}

// Adds KEY to the received keys LIST of one member: it replaces an entry of the same id, unless
// that one was verified and KEY is not; the newest kKeysPerMember are kept.
void merge_received(json& list, const ReceivedKey& key) {
  if (!list.is_array()) list = json::array();
  json kept = json::array();
  for (const auto& entry : list) {
    auto old = received_from(entry);
    if (!old) continue;
    if (old->key.id == key.key.id) {
      if (old->verified && !key.verified) return;
      continue;
    }
    kept.push_back(entry);
  }
  kept.push_back(to_json(key));
  while (kept.size() > kKeysPerMember) kept.erase(kept.begin());
  list = std::move(kept);
}

}  // namespace

GroupKeyStore::GroupKeyStore(std::filesystem::path file) : file_(std::move(file)) {}

const json& GroupKeyStore::load() const {
  static const json kEmpty = {{"own", json::object()}, {"received", json::object()}};
  std::error_code ec;
  auto size = std::filesystem::file_size(file_, ec);
  if (ec) return kEmpty;
  auto time = std::filesystem::last_write_time(file_, ec);
  if (!ec && !cache_.is_null() && time == cached_at_ && size == cached_size_) return cache_;
  auto text = read_file(file_);
  json j = text ? json::parse(*text, nullptr, /*allow_exceptions=*/false) : json::object();
  if (j.is_discarded() || !j.is_object()) {
    throw failure("'" + file_.string() + "' is damaged: move it away (the groups' senders then " +
                  "grant their keys again at their next message)");
  }
  for (const char* part : {"own", "received"}) {
    if (!j[part].is_object()) j[part] = json::object();
  }
  cache_ = std::move(j);
  cached_at_ = time;
  cached_size_ = size;
  return cache_;
}

void GroupKeyStore::update(const std::function<void(json&)>& change) {
  ensure_private_dir(file_.parent_path());
  auto lock = FileLock::acquire(file_.string() + ".lock");
  cache_ = json();  // under the lock, read what another process may have written just now
  json j = load();
  change(j);
  write_file_atomic(file_, j.dump() + "\n");
  cache_ = json();  // read back next time, with the new change time
}

std::optional<OwnKey> GroupKeyStore::own(const std::string& group) const {
  const auto& own = load().at("own");
  auto entry = own.find(group);
  if (entry == own.end()) return std::nullopt;
  auto key = sender_key_from(*entry);
  if (!key) return std::nullopt;
  OwnKey result{*key, {}};
  if (auto members = entry->find("members"); members != entry->end() && members->is_object()) {
    for (const auto& [name, granted] : members->items()) {
      if (granted.is_string()) result.members[name] = granted.get<std::string>();
    }
  }
  return result;
}

void GroupKeyStore::set_own(const std::string& group, const OwnKey& key) {
  update([&](json& j) {
    j["own"][group] = {
        {"kid", key.key.id}, {"key", crypto::to_base64(key.key.key)}, {"members", key.members}};
  });
}

void GroupKeyStore::forget_own(const std::string& group) {
  update([&](json& j) { j["own"].erase(group); });
}

void GroupKeyStore::add_received(const std::string& group, const std::string& from,
                                 const ReceivedKey& key) {
  update([&](json& j) {
    auto& senders = j["received"][group];
    if (!senders.is_object()) senders = json::object();
    merge_received(senders[from], key);
  });
}

void GroupKeyStore::import(const json& snapshot) {
  if (!snapshot.is_object()) return;
  update([&](json& j) {
    if (auto own = snapshot.find("own"); own != snapshot.end() && own->is_object()) {
      for (const auto& [group, entry] : own->items()) {
        if (!j["own"].contains(group) && sender_key_from(entry)) j["own"][group] = entry;
      }
    }
    auto received = snapshot.find("received");
    if (received == snapshot.end() || !received->is_object()) return;
    for (const auto& [group, senders] : received->items()) {
      if (!senders.is_object()) continue;
      for (const auto& [sender, list] : senders.items()) {
        if (!list.is_array()) continue;
        auto& mine = j["received"][group];
        if (!mine.is_object()) mine = json::object();
        // Only well-formed entries: a damaged export must not break every later lookup.
        for (const auto& entry : list) {
          if (auto key = received_from(entry)) merge_received(mine[sender], *key);
        }
      }
    }
  });
}

std::optional<ReceivedKey> GroupKeyStore::received(const std::string& group,
                                                   const std::string& from,
                                                   const std::string& kid) const {
  const auto& groups = load().at("received");
  auto senders = groups.find(group);
  if (senders == groups.end() || !senders->is_object()) return std::nullopt;
  auto list = senders->find(from);
  if (list == senders->end() || !list->is_array()) return std::nullopt;
  for (const auto& entry : *list) {
    if (string_at(entry, "kid") == kid) return received_from(entry);
  }
  return std::nullopt;
}

}  // namespace mqchat
