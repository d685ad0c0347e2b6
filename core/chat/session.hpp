#pragma once

#include <string>
#include <string_view>

#include "core/store/settings.hpp"
#include "core/wire/records.hpp"
#include "core/wire/transport.hpp"

namespace mqchat {

/// A new stable client id for NAME's persistent session on this state directory:
/// mqchat-NAME-<random>. Stored in the profile; unique per user and state directory.
std::string new_session_client_id(std::string_view name);

/// A short-lived clean connection with a client id of its own, so that a one-shot command never
/// takes over (and kicks off) the persistent session of a running listen.
ConnectOptions oneshot_options(const Settings& settings, std::string_view owner);

/// The user's persistent session: stable CLIENT_ID, clean start off, MQTT 5 session expiry, so
/// messages queue at the broker while nobody listens.
ConnectOptions session_options(const Settings& settings, const std::string& client_id);

/// The Last Will that turns NAME offline when a listen dies without saying goodbye.
WillMessage offline_will(std::string_view name, const std::string& since);

/// Starts publishing NAME's retained presence record; the ticket is for Transport::wait.
std::uint64_t start_presence(Transport& transport, std::string_view name, bool online);

/// Publishes NAME's retained presence record and waits for the acknowledgement.
void publish_presence(Transport& transport, std::string_view name, bool online);

}  // namespace mqchat
