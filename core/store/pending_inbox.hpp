#pragma once

#include <filesystem>
#include <vector>

#include "core/wire/transport.hpp"

namespace mqchat {

/// Messages that reached the user's persistent session but were not handled yet: those that
/// arrived while a command other than listen held it (register, login, group join), and those
/// a listen received but had not yet shown (see ArrivalSpool). paho acknowledges whatever
/// arrives, so they are kept here, in a 0600 JSON Lines file, and the next listen shows them
/// first.
class PendingInbox {
 public:
  explicit PendingInbox(std::filesystem::path file) : file_(std::move(file)) {}

  /// Appends MESSAGES (invalid UTF-8 payloads are kept hex-encoded, to be judged by listen).
  void stash(const std::vector<IncomingMessage>& messages);

  /// The line stash() writes for MESSAGE, newline included; empty when MESSAGE cannot be one of
  /// ours (a topic that is not UTF-8).
  static std::string line_for(const IncomingMessage& message);

  /// Everything stashed, oldest first; unreadable lines are skipped.
  std::vector<IncomingMessage> read() const;

  /// Forgets what was stashed (after listen has shown and recorded it).
  void clear();

  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
};

}  // namespace mqchat
