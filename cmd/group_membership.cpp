#include "cmd/group_membership.hpp"

#include <algorithm>

#include "cmd/profile_state.hpp"
#include "core/chat/groups.hpp"
#include "core/chat/session.hpp"
#include "core/store/session_guard.hpp"
#include "core/wire/error.hpp"

namespace mqchat {

namespace {

constexpr Millis kSessionWait{5000};  // another group command holding the session briefly
constexpr Millis kListenWait{10000};  // a running listen confirming a (un)subscription

void record_in_profile(Context& ctx, const Profile& profile, const std::string& group,
                       bool joining) {
  ctx.store().update_profile(profile.name, [&](Profile& p) {
    auto it = std::find(p.groups.begin(), p.groups.end(), group);
    if (joining && it == p.groups.end()) p.groups.push_back(group);
    if (!joining && it != p.groups.end()) p.groups.erase(it);
    std::sort(p.groups.begin(), p.groups.end());
  });
}

}  // namespace

void change_membership(Context& ctx, const Profile& profile, const std::string& group, bool joining,
                       const std::function<void(Transport&, const MessageSink&)>& announce) {
  auto settings = ctx.settings(&profile);
  SessionGuard guard(ctx.store().profile_state_dir(profile.name));
  if (auto lock = guard.try_take("group", kSessionWait)) {
    auto session = ctx.make_transport();
    session->connect(session_options(settings, profile.client_id));
    // Subscribe before announcing, or the first replies to a join are lost.
    if (joining) {
      session->subscribe({group_filter(group)}, 1, true);
    } else {
      session->unsubscribe({group_filter(group)});
    }
    record_in_profile(ctx, profile, group, joining);
    // Whatever the session delivers meanwhile is acknowledged by paho: keep it for listen.
    std::vector<IncomingMessage> early;
    announce(*session, [&early](IncomingMessage m) { early.push_back(std::move(m)); });
    session->disconnect();
    while (auto msg = session->next_message(Millis(0))) early.push_back(std::move(*msg));
    pending_inbox(ctx, profile).stash(early);
    return;
  }
  auto holder = guard.holder();
  if (holder.rfind("listen", 0) != 0) {
    throw failure("the session of '" + profile.name + "' is busy (" + holder +
                  "): try again in a moment");
  }
  record_in_profile(ctx, profile, group, joining);
  if (!guard.wait_for_listen(group, joining, kListenWait)) {
    throw timeout_error("the running 'mqchat listen' (" + holder + ") did not " +
                        (joining ? "subscribe to" : "unsubscribe from") + " '" + group +
                        "' in time: is it stuck? (the profile is updated; run the command again)");
  }
  auto oneshot = ctx.make_transport();
  oneshot->connect(oneshot_options(settings, profile.name));
  announce(*oneshot, {});
  oneshot->disconnect();
}

}  // namespace mqchat
