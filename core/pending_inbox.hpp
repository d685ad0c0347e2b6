#pragma once

#include <filesystem>
#include <vector>

#include "core/transport.hpp"

namespace mqchat {

/// Messages that reached the user's persistent session while a command other than listen held
/// it (register, login). paho acknowledges whatever arrives, so they are kept here, in a 0600
/// JSON Lines file, and the next listen shows them first.
class PendingInbox {
 public:
  explicit PendingInbox(std::filesystem::path file) : file_(std::move(file)) {}

  /// Appends MESSAGES (invalid UTF-8 payloads are kept hex-encoded, to be judged by listen).
  void stash(const std::vector<IncomingMessage>& messages);

  /// Everything stashed, oldest first; unreadable lines are skipped.
  std::vector<IncomingMessage> read() const;

  /// Forgets what was stashed (after listen has shown and recorded it).
  void clear();

 private:
  std::filesystem::path file_;
};

}  // namespace mqchat
