#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "cmd/context.hpp"
#include "core/chat/inbox.hpp"
#include "core/store/session_guard.hpp"
#include "core/wire/transport.hpp"

namespace mqchat {

/// Keeps a running listen's session subscribed to exactly the groups in the profile: group
/// join/leave change the profile file, this notices (a stat per poll), (un)subscribes, tells
/// the inbox, and confirms in state/NAME/listen_groups so the waiting command can return.
class GroupWatch {
 public:
  GroupWatch(Context& ctx, std::string profile, Transport& transport, Inbox& inbox,
             const SessionGuard& guard);

  /// Subscribes the profile's groups now (also after an expired session), without waiting:
  /// the tickets to wait() for once what the session queued meanwhile was read.
  std::vector<std::uint64_t> start();
  /// Tells a waiting group command that the subscriptions of start() are confirmed.
  void confirm();
  /// Catches up with the profile if it changed since the last look.
  void poll();
  /// Subscribes every followed group again (after a reconnect that lost the session).
  void resubscribe();
  /// Follows a join or leave of this user done on another machine: MSG is one of the user's
  /// retained membership records (mqchat/v1/groups/G/members/ME), which the profile and the
  /// subscriptions are brought in line with. False when MSG is something else.
  bool follow(const IncomingMessage& msg);

 private:
  // Brings the subscriptions in line with WANTED; with STARTED, the subscribes are only
  // started, and their tickets added there.
  void apply(const std::set<std::string>& wanted, std::vector<std::uint64_t>* started = nullptr);

  Context& ctx_;
  std::string profile_;
  Transport& transport_;
  Inbox& inbox_;
  const SessionGuard& guard_;
  std::filesystem::path file_;
  std::filesystem::file_time_type seen_time_{};
  std::set<std::string> subscribed_;
};

}  // namespace mqchat
