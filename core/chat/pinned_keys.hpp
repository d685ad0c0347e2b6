#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/chat/directory.hpp"
#include "core/store/state_store.hpp"
#include "core/wire/transport.hpp"

namespace mqchat {

/// The keys a listen checks senders against: the profile's pins and, on first contact with a
/// user, the key of the user's directory entry (trust on first use), read on a short connection
/// of its own and pinned in the profile.
class PinnedKeys {
 public:
  /// Opens a connection for a directory lookup; throws Error when it cannot.
  using Connect = std::function<std::unique_ptr<Transport>()>;

  PinnedKeys(StateStore& store, std::string me, Connect connect, Millis timeout, WarningSink warn);

  /// The public key (base64) pinned for NAME, pinning the directory's on first contact;
  /// nullopt when NAME has no entry with a key (or the directory could not be read). PUBLISHED
  /// is the key a message came with: the profile is read again ('mqchat trust' and sends pin
  /// keys too) when the pin known here is missing or another one, else only by refresh().
  std::optional<std::string> key_of(const std::string& name, const std::string& published);

  /// Reads the profile's pins again when the file changed (a stat): the listen calls it in its
  /// housekeeping, so that a 'trust' counts within moments, without a stat per message.
  void refresh();

 private:
  StateStore& store_;
  std::string me_;
  Connect connect_;
  Millis timeout_;
  WarningSink warn_;
  std::map<std::string, std::string> pins_;
  std::filesystem::file_time_type loaded_at_{};
  // Users looked up without finding a key, and when: not asked again for a while.
  std::map<std::string, std::chrono::steady_clock::time_point> missing_;
};

}  // namespace mqchat
