#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cmd/context.hpp"
#include "core/handoff/handoff_server.hpp"
#include "core/store/history.hpp"
#include "core/wire/envelope.hpp"

namespace mqchat {

/// Offers ENVELOPES to the running listen of PROFILE, which looks up LOOKUP (unless empty) and
/// publishes them on its own connection (core/handoff/handoff.hpp). True when the listen published
/// them all: they are in HISTORY. False when no listen answered: send directly. Throws the
/// Error a direct send would have given (with what was acknowledged in HISTORY).
bool send_via_listen(Context& ctx, const Profile& profile, const Settings& settings,
                     const std::vector<Envelope>& envelopes, const std::string& lookup,
                     History& history);

/// The hand-off server of a listen for PROFILE on TRANSPORT, serving already; when it cannot
/// (a path too long for a socket), a warning says so and sends connect themselves.
std::unique_ptr<HandoffServer> serve_sends(Context& ctx, const std::filesystem::path& state_dir,
                                           const Profile& profile, Transport& transport,
                                           const Settings& settings);

}  // namespace mqchat
