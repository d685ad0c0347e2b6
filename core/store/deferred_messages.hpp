#pragma once

#include <filesystem>
#include <vector>

#include "core/wire/envelope.hpp"

namespace mqchat {

/// Messages that a filtered listen (--from, --group, --match) received but did not show. paho
/// has acknowledged them, so the broker will not send them again: they are kept here, in a 0600
/// JSON Lines file beside the history, and the next listen offers them first. A filter therefore
/// never swallows a message. They are already in the history (recorded when they arrived).
class DeferredMessages {
 public:
  explicit DeferredMessages(std::filesystem::path file) : file_(std::move(file)) {}

  /// Appends ENVELOPE at once, so a listen killed later does not lose it.
  void add(const Envelope& envelope);

  /// Everything kept, oldest first; unreadable lines are skipped.
  std::vector<Envelope> read() const;

  /// Keeps exactly ENVELOPES from now on (atomically; removes the file when empty).
  void replace(const std::vector<Envelope>& envelopes);

 private:
  std::filesystem::path file_;
};

}  // namespace mqchat
