#include "core/chat/pinned_keys.hpp"

#include "core/chat/encryption.hpp"
#include "core/wire/error.hpp"

namespace mqchat {

namespace {

constexpr std::chrono::seconds kAskAgainAfter{60};

}  // namespace

PinnedKeys::PinnedKeys(StateStore& store, std::string me, Connect connect, Millis timeout,
                       WarningSink warn)
    : store_(store),
      me_(std::move(me)),
      connect_(std::move(connect)),
      timeout_(timeout),
      warn_(std::move(warn)) {
  refresh();
}

void PinnedKeys::refresh() {
  // 'mqchat trust' and sends pin keys too: follow the profile file.
  std::error_code ec;
  auto time = std::filesystem::last_write_time(store_.profile_path(me_), ec);
  if (ec || time == loaded_at_) return;
  if (auto profile = store_.load_profile(me_)) pins_ = profile->pinned_keys;
  loaded_at_ = time;
}

std::optional<std::string> PinnedKeys::key_of(const std::string& name,
                                              const std::string& published) {
  // The common case, every message of a drain: the key is the one pinned; no file is looked at.
  if (auto it = pins_.find(name); it != pins_.end() && it->second == published) return it->second;
  refresh();
  if (auto it = pins_.find(name); it != pins_.end()) return it->second;
  auto now = std::chrono::steady_clock::now();
  if (auto it = missing_.find(name); it != missing_.end() && now - it->second < kAskAgainAfter) {
    return std::nullopt;
  }
  std::optional<UserRecord> record;
  try {
    auto transport = connect_();
    record = find_user(DirectoryReader{*transport, me_, timeout_, warn_, {}}, name);
    transport->disconnect();
  } catch (const Error& e) {
    warn_("could not read the key of '" + name + "' from the directory: " + e.what());
  }
  if (!record || record->key.empty()) {
    missing_[name] = now;
    return std::nullopt;
  }
  auto pinned = pin_key(store_, me_, name, record->key);
  pins_[name] = pinned;
  return pinned;
}

}  // namespace mqchat
