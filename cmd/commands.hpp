#pragma once

#include <CLI/CLI.hpp>

#include "cmd/context.hpp"

// One setup function per command file; app.cpp calls them in help order.
namespace mqchat {

void add_register(CLI::App& app, Context& ctx);
void add_login(CLI::App& app, Context& ctx);
void add_logout(CLI::App& app, Context& ctx);
void add_whoami(CLI::App& app, Context& ctx);
void add_send(CLI::App& app, Context& ctx);
void add_group(CLI::App& app, Context& ctx);
void add_who(CLI::App& app, Context& ctx);
void add_listen(CLI::App& app, Context& ctx);
void add_history(CLI::App& app, Context& ctx);
void add_key(CLI::App& app, Context& ctx);
void add_trust(CLI::App& app, Context& ctx);
void add_broker(CLI::App& app, Context& ctx);
void add_config(CLI::App& app, Context& ctx);
void add_profile(CLI::App& app, Context& ctx);
void add_doctor(CLI::App& app, Context& ctx);
void add_complete(CLI::App& app, Context& ctx);

}  // namespace mqchat
