#pragma once

#include <optional>
#include <set>
#include <string>

#include "core/directory.hpp"
#include "core/envelope.hpp"
#include "core/history.hpp"
#include "core/seen_ids.hpp"
#include "core/topics.hpp"
#include "core/transport.hpp"

namespace mqchat {

/// Turns what arrives on a user's persistent session into messages to show: checks each
/// envelope against its topic (the sender is the topic's last level) and drops duplicates by
/// id. A message is recorded (history, then seen ids) only after it was handled, so a crash
/// or a full disk never leaves a message marked seen that was not shown.
class Inbox {
 public:
  Inbox(std::string me, SeenIds& seen, History& history)
      : me_(std::move(me)), seen_(seen), history_(history) {}

  /// The envelope to show, or nullopt when MSG is a duplicate, not for us, or malformed (then
  /// WARN gets one line saying why it was dropped).
  std::optional<Envelope> accept(const IncomingMessage& msg, const WarningSink& warn);

  /// Records ENVELOPE once it was shown (or deliberately not shown, by a filter): appends it
  /// to the history, then marks its id seen, so a redelivery is not shown again. Throws Error
  /// (naming the file) when either cannot be written.
  void record(const Envelope& envelope);

  /// The groups whose traffic is accepted; messages of any other group are dropped silently
  /// (they were in flight when the user left).
  void set_groups(std::set<std::string> groups) { groups_ = std::move(groups); }

 private:
  std::optional<Envelope> accept_direct(const IncomingMessage& msg,
                                        const topics::ParsedTopic& topic, const WarningSink& warn);
  std::optional<Envelope> accept_group(const IncomingMessage& msg, const topics::ParsedTopic& topic,
                                       const WarningSink& warn);
  std::optional<Envelope> unless_seen(Envelope envelope) const;

  std::string me_;
  std::set<std::string> groups_;
  SeenIds& seen_;
  History& history_;
};

}  // namespace mqchat
