#pragma once

#include "cmd/context.hpp"
#include "cmd/send_retry.hpp"
#include "core/delivery/sender.hpp"

namespace mqchat {

/// The Sender of a send command as PROFILE with SETTINGS (both outlive it): the context's
/// store, transports and warnings, --verbose notes on stderr, and --retry-for.
Sender sender_for(Context& ctx, const Profile& profile, const Settings& settings,
                  const RetryOption& retry);

}  // namespace mqchat
