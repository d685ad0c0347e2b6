#pragma once

#include "cmd/context.hpp"
#include "core/store/history.hpp"
#include "core/store/pending_inbox.hpp"

namespace mqchat {

/// The history file of PROFILE in the state directory.
History open_history(Context& ctx, const Profile& profile);

/// The messages that reached PROFILE's session outside listen, for listen to show first.
PendingInbox pending_inbox(Context& ctx, const Profile& profile);

}  // namespace mqchat
