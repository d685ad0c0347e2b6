#pragma once

#include <filesystem>
#include <memory>

#include "cmd/context.hpp"
#include "core/handoff/handoff_server.hpp"

namespace mqchat {

/// The hand-off server of a listen for PROFILE on TRANSPORT, serving already; when it cannot
/// (a path too long for a socket), a warning says so and sends connect themselves.
std::unique_ptr<HandoffServer> serve_sends(Context& ctx, const std::filesystem::path& state_dir,
                                           const Profile& profile, Transport& transport,
                                           const Settings& settings);

}  // namespace mqchat
