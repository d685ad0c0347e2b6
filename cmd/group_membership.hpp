#pragma once

#include <functional>
#include <string>

#include "cmd/context.hpp"
#include "core/chat/directory.hpp"
#include "core/wire/transport.hpp"

namespace mqchat {

/// Makes PROFILE's persistent session receive GROUP's traffic (JOINING) or stop receiving it,
/// records that in the profile, then runs ANNOUNCE on a connection to publish what others
/// should see (membership record, notice, messages). When no listen runs, all of it happens
/// over the session itself; when one runs, that listen (un)subscribes and confirms first, and
/// ANNOUNCE gets a connection of its own. ANNOUNCE's directory reads hand what else arrives to
/// the sink it is given (on the session: messages for listen, kept for it). Returns once the
/// broker acknowledged everything.
void change_membership(Context& ctx, const Profile& profile, const std::string& group, bool joining,
                       const std::function<void(Transport&, const MessageSink&)>& announce);

}  // namespace mqchat
