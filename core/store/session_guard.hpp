#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>

#include "core/store/files.hpp"
#include "core/wire/transport.hpp"

namespace mqchat {

/// Who may use a user's persistent session. Two connections with one client id kick each
/// other off, so only one process at a time connects with it: the holder of
/// state/NAME/listen.lock. A running listen holds it for its lifetime; group join/leave and
/// login take it briefly, or, when a listen holds it, ask that listen to (un)subscribe and wait
/// for its confirmation in state/NAME/listen_groups.
class SessionGuard {
 public:
  explicit SessionGuard(std::filesystem::path state_dir) : dir_(std::move(state_dir)) {}

  /// Takes the session for ROLE ("listen", "group"). Waits up to WAIT for a short-lived holder
  /// (a group command); returns nullopt when a listen holds it, or someone else still does.
  std::optional<FileLock> try_take(const std::string& role, Millis wait) const;

  /// What the lock file says about the current holder: "listen 1234", "group 99" or "".
  std::string holder() const;

  /// Written by listen after each (un)subscribe: the groups its session now receives.
  void write_listen_groups(const std::set<std::string>& groups) const;

  /// The groups a running listen last confirmed.
  std::set<std::string> read_listen_groups() const;

  /// Waits until the running listen confirms that GROUP is subscribed (or, with
  /// SUBSCRIBED false, that it is not). False when WAIT passed first.
  bool wait_for_listen(const std::string& group, bool subscribed, Millis wait) const;

 private:
  std::filesystem::path lock_path() const { return dir_ / "listen.lock"; }
  std::filesystem::path groups_path() const { return dir_ / "listen_groups"; }

  std::filesystem::path dir_;
};

}  // namespace mqchat
