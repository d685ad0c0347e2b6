#include "core/crypto/group_keys.hpp"

#include <algorithm>

#include "core/crypto/crypto.hpp"
#include "core/error.hpp"
#include "core/files.hpp"

namespace mqchat {

namespace sz = crypto_sizes;
using nlohmann::json;

namespace {

constexpr std::size_t kKeysPerMember = 8;

std::optional<SenderKey> sender_key_from(const json& j) {
  if (!j.is_object() || !j.contains("kid") || !j["kid"].is_string() || !j.contains("key") ||
      !j["key"].is_string()) {
    return std::nullopt;
  }
  auto key = crypto::from_base64(j["key"].get<std::string>(), sz::kAeadKey);
  if (!key) return std::nullopt;
  return SenderKey{j["kid"].get<std::string>(), *key};
}

}  // namespace

GroupKeyStore::GroupKeyStore(std::filesystem::path file) : file_(std::move(file)) {}

json GroupKeyStore::load() const {
  std::error_code ec;
  auto size = std::filesystem::file_size(file_, ec);
  if (ec) return json::object();
  auto time = std::filesystem::last_write_time(file_, ec);
  if (!ec && !cache_.is_null() && time == cached_at_ && size == cached_size_) return cache_;
  auto text = read_file(file_);
  json j = text ? json::parse(*text, nullptr, /*allow_exceptions=*/false) : json::object();
  if (j.is_discarded() || !j.is_object()) {
    throw failure("'" + file_.string() + "' is damaged: move it away (the groups' senders then " +
                  "grant their keys again at their next message)");
  }
  cache_ = j;
  cached_at_ = time;
  cached_size_ = size;
  return j;
}

void GroupKeyStore::update(const std::function<void(json&)>& change) {
  ensure_private_dir(file_.parent_path());
  auto lock = FileLock::acquire(file_.string() + ".lock");
  cache_ = json();  // under the lock, read what another process may have written just now
  auto j = load();
  for (const char* part : {"own", "received"}) {
    if (!j[part].is_object()) j[part] = json::object();
  }
  change(j);
  write_file_atomic(file_, j.dump() + "\n");
  cache_ = json();  // read back next time, with the new change time
}

std::optional<OwnKey> GroupKeyStore::own(const std::string& group) const {
  auto j = load();
  auto it = j.find("own");
  if (it == j.end() || !it->is_object() || !it->contains(group)) return std::nullopt;
  const auto& entry = (*it)[group];
  auto key = sender_key_from(entry);
  if (!key) return std::nullopt;
  OwnKey own{*key, {}};
  if (entry.contains("members") && entry["members"].is_object()) {
    for (const auto& [name, published] : entry["members"].items()) {
      if (published.is_string()) own.members[name] = published.get<std::string>();
    }
  }
  return own;
}

void GroupKeyStore::set_own(const std::string& group, const OwnKey& key) {
  update([&](json& j) {
    j["own"][group] = {
        {"kid", key.key.id}, {"key", crypto::to_base64(key.key.key)}, {"members", key.members}};
  });
}

void GroupKeyStore::forget_own(const std::string& group) {
  update([&](json& j) {
    if (j.contains("own") && j["own"].is_object()) j["own"].erase(group);
  });
}

void GroupKeyStore::add_received(const std::string& group, const std::string& from,
                                 const ReceivedKey& key) {
  update([&](json& j) {
    if (!j["received"][group].is_object()) j["received"][group] = json::object();
    auto& list = j["received"][group][from];
    if (!list.is_array()) list = json::array();
    json fresh = json::array();
    for (const auto& k : list) {
      if (!k.is_object() || !k.contains("kid") || !k["kid"].is_string()) continue;
      if (k["kid"].get<std::string>() == key.key.id) {
        // An unverified grant never replaces a verified one of the same id.
        bool kept_verified =
            k.contains("verified") && k["verified"].is_boolean() && k["verified"].get<bool>();
        if (kept_verified && !key.verified) return;
        continue;
      }
      fresh.push_back(k);
    }
    fresh.push_back({{"kid", key.key.id},
                     {"key", crypto::to_base64(key.key.key)},
                     {"signer", crypto::to_base64(key.signer)},
                     {"verified", key.verified}});
    while (fresh.size() > kKeysPerMember) fresh.erase(fresh.begin());
    list = fresh;
  });
}

void GroupKeyStore::import(const json& snapshot) {
  if (!snapshot.is_object()) return;
  update([&](json& j) {
    if (!j["own"].is_object()) j["own"] = json::object();
    if (!j["received"].is_object()) j["received"] = json::object();
    if (snapshot.contains("own") && snapshot["own"].is_object()) {
      for (const auto& [group, entry] : snapshot["own"].items()) {
        if (!j["own"].contains(group)) j["own"][group] = entry;
      }
    }
    if (!snapshot.contains("received") || !snapshot["received"].is_object()) return;
    for (const auto& [group, senders] : snapshot["received"].items()) {
      if (!senders.is_object()) continue;
      for (const auto& [sender, list] : senders.items()) {
        if (!list.is_array()) continue;
        if (!j["received"][group].is_object()) j["received"][group] = json::object();
        auto& mine = j["received"][group][sender];
        if (!mine.is_array()) mine = json::array();
        for (const auto& k : list) {
          // Only well-formed entries: a damaged export must not break every later lookup.
          if (!k.is_object() || !k.contains("kid") || !k["kid"].is_string() || !k.contains("key") ||
              !k["key"].is_string() || !k.contains("signer") || !k["signer"].is_string()) {
            continue;
          }
          bool known = false;
          for (const auto& m : mine)
            known = known ||
                    (m.is_object() && k.is_object() && m.value("kid", "") == k.value("kid", ""));
          if (!known) mine.push_back(k);
        }
        while (mine.size() > kKeysPerMember) mine.erase(mine.begin());
      }
    }
  });
}

std::optional<ReceivedKey> GroupKeyStore::received(const std::string& group,
                                                   const std::string& from,
                                                   const std::string& kid) const {
  try {
    return find_received(group, from, kid);
  } catch (const json::exception&) {
    return std::nullopt;  // a damaged entry (a hand-edited or imported file) is no key
  }
}

std::optional<ReceivedKey> GroupKeyStore::find_received(const std::string& group,
                                                        const std::string& from,
                                                        const std::string& kid) const {
  auto j = load();
  auto groups = j.find("received");
  if (groups == j.end() || !groups->is_object()) return std::nullopt;
  auto g = groups->find(group);
  if (g == groups->end() || !g->is_object()) return std::nullopt;
  auto list = g->find(from);
  if (list == g->end() || !list->is_array()) return std::nullopt;
  for (const auto& k : *list) {
    if (!k.is_object() || k.value("kid", "") != kid) continue;
    auto key = sender_key_from(k);
    auto signer = crypto::from_base64(k.value("signer", ""), sz::kSignPublic);
    if (!key || !signer) return std::nullopt;
    return ReceivedKey{*key, *signer, k.value("verified", false)};
  }
  return std::nullopt;
}

}  // namespace mqchat
