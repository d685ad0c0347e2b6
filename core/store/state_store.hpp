#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mqchat {

namespace fs = std::filesystem;

/// config.yaml: which profile is current, plus settings that apply to every profile.
struct Config {
  std::string current_profile;                  ///< empty when signed out
  std::map<std::string, std::string> settings;  ///< broker, qos, connect_timeout, ...
};

/// profiles/NAME.yaml: one local account.
struct Profile {
  std::string name;
  std::string phone;
  std::string registered_at;
  std::string client_id;                        ///< of this user's persistent session
  std::vector<std::string> groups;              ///< groups joined from this profile
  std::map<std::string, std::string> settings;  ///< per-profile overrides (broker, ...)
  /// The user's identity: base64 of the Ed25519 secret key (core/crypto/identity.hpp); empty
  /// for a profile made before end-to-end encryption.
  std::string identity = {};
  /// Trust on first use: the public key (base64) first seen for each user.
  std::map<std::string, std::string> pinned_keys = {};
};

/// Where config and state live: with --home both are DIR; otherwise the XDG config and state
/// directories (…/mqchat).
struct StatePaths {
  fs::path config_dir;
  fs::path state_dir;
};

/// Resolves the directories from --home/MQCHAT_HOME (HOME_DIR) or XDG_CONFIG_HOME,
/// XDG_STATE_HOME and HOME, read through GETENV.
StatePaths resolve_state_paths(
    const std::optional<std::string>& home_dir,
    const std::function<std::optional<std::string>(const char*)>& getenv);

/// The YAML profile/state directory. Every file is written atomically (temp + rename) with mode
/// 0600 in 0700 directories; read-modify-write updates hold an advisory lock, so concurrent
/// mqchat processes never lose each other's changes.
class StateStore {
 public:
  explicit StateStore(StatePaths paths);

  /// config.yaml, or defaults when it does not exist.
  Config load_config() const;
  /// Applies CHANGE to config.yaml under the lock and writes it back.
  Config update_config(const std::function<void(Config&)>& change);

  /// profiles/NAME.yaml, or nullopt when there is none.
  std::optional<Profile> load_profile(const std::string& name) const;
  /// Writes PROFILE (creating it) under the lock.
  void save_profile(const Profile& profile);
  /// Applies CHANGE to an existing profile under the lock; throws exit 3 when it does not exist.
  Profile update_profile(const std::string& name, const std::function<void(Profile&)>& change);
  /// Names of every local profile, sorted.
  std::vector<std::string> list_profiles() const;

  /// The file of profile NAME (which may not exist).
  fs::path profile_path(const std::string& name) const { return profile_file(name); }

  /// The directory of per-profile state (history, seen ids, locks), created on demand.
  fs::path profile_state_dir(const std::string& name) const;

  const StatePaths& paths() const { return paths_; }

 private:
  fs::path config_file() const;
  fs::path profile_file(const std::string& name) const;
  fs::path lock_file() const;

  StatePaths paths_;
};

}  // namespace mqchat
