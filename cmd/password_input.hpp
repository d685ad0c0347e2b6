#pragma once

#include <optional>
#include <string>

#include "cmd/context.hpp"

// Where a password comes from: never argv (it would show in the process list), but
// --password-file, MQCHAT_PASSWORD or a prompt without echo on a terminal.
namespace mqchat {

/// The first line of FILE, without its line break. Warns when others may read FILE; throws a
/// usage Error when it cannot be read or holds no password.
std::string read_password_file(Context& ctx, const std::string& file);

/// The password given without asking: --password-file (ctx.global), else MQCHAT_PASSWORD, else
/// nullopt.
std::optional<std::string> given_password(Context& ctx);

/// Asks for a password on the terminal without echo (QUESTION on stderr), or nullopt when stdin
/// is not a terminal. With CONFIRM, asks twice and throws a usage Error when they differ.
std::optional<std::string> prompt_password(Context& ctx, const std::string& question,
                                           bool confirm = false);

/// The profile setting that holds a password saved with --save-password (profile file, 0600).
inline constexpr const char* kSavedPasswordKey = "password";

/// Makes SETTINGS connect as NAME: the password given (--password-file, MQCHAT_PASSWORD), else
/// the one saved in PROFILE (may be null), else a prompt on the terminal when the broker asks.
void use_credentials(Context& ctx, Settings& settings, const std::string& name,
                     const Profile* profile);

/// For --save-password: makes sure SETTINGS has a password before connecting, asking on the
/// terminal if none was given; throws a usage Error when there is none to be had.
void require_password(Context& ctx, Settings& settings);

/// For register/login: keeps in PROFILE what this run was given on the command line to reach
/// the broker (the TLS files, --insecure) and, with SAVE_PASSWORD, the password used.
void remember_connection(Context& ctx, Profile& profile, const Settings& settings,
                         bool save_password);

}  // namespace mqchat
