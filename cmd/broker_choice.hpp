#pragma once

#include "cmd/context.hpp"
#include "core/store/state_store.hpp"

namespace mqchat {

/// Records in PROFILE the broker given by --broker or MQCHAT_BROKER, if any, so that later
/// commands of this profile reach the same broker without repeating it.
void remember_broker(Context& ctx, Profile& profile);

}  // namespace mqchat
