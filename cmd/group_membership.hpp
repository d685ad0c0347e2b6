#pragma once

#include <functional>
#include <string>

#include "cmd/context.hpp"
#include "core/transport.hpp"

namespace mqchat {

/// Makes PROFILE's persistent session receive GROUP's traffic (JOINING) or stop receiving it,
/// records that in the profile, then runs ANNOUNCE on a connection to publish what others
/// should see (membership record, notice, messages). When no listen runs, all of it happens
/// over the session itself; when one runs, that listen (un)subscribes and confirms first, and
/// ANNOUNCE gets a connection of its own. Returns once the broker acknowledged everything.
void change_membership(Context& ctx, const Profile& profile, const std::string& group, bool joining,
                       const std::function<void(Transport&)>& announce);

}  // namespace mqchat
