#pragma once

#include <optional>
#include <string>

#include "core/directory.hpp"
#include "core/envelope.hpp"
#include "core/history.hpp"
#include "core/seen_ids.hpp"
#include "core/transport.hpp"

namespace mqchat {

/// Turns what arrives on a user's persistent session into messages to show: checks each
/// envelope against its topic (the sender is the topic's last level), drops duplicates by id,
/// and records new messages in the history before they are shown.
class Inbox {
 public:
  Inbox(std::string me, SeenIds& seen, History& history)
      : me_(std::move(me)), seen_(seen), history_(history) {}

  /// The envelope to show, or nullopt when MSG is a duplicate, not for us, or malformed (then
  /// WARN gets one line saying why it was dropped).
  std::optional<Envelope> accept(const IncomingMessage& msg, const WarningSink& warn);

  /// Records that ENVELOPE was shown, so a redelivery is not shown again.
  void mark_shown(const Envelope& envelope) { seen_.add(envelope.id); }

 private:
  std::string me_;
  SeenIds& seen_;
  History& history_;
};

}  // namespace mqchat
