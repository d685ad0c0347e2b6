#pragma once

namespace mqchat {

/// Installs SIGINT/SIGTERM handlers that only set a flag, so a long-running command can finish
/// its current line, say goodbye to the broker and exit 0.
void install_stop_handlers();

/// True once SIGINT or SIGTERM arrived.
bool stop_requested();

}  // namespace mqchat
