#include "cmd/profile_state.hpp"

namespace mqchat {

History open_history(Context& ctx, const Profile& profile) {
  return history_of(ctx.store(), profile.name);
}

PendingInbox pending_inbox(Context& ctx, const Profile& profile) {
  return PendingInbox(ctx.store().profile_state_dir(profile.name) / "pending.jsonl");
}

}  // namespace mqchat
