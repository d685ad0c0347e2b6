#pragma once

#include <optional>
#include <string>

#include "cmd/context.hpp"
#include "core/chat/directory.hpp"
#include "core/store/settings.hpp"
#include "core/store/state_store.hpp"

namespace mqchat {

/// What register and login both do before their own step: the name checked, the phone
/// normalised, NAME's profile on this state directory read (login only: register starts afresh),
/// its settings with the credentials for NAME, and the password required up front when it is
/// to be saved.
struct SignIn {
  std::optional<Profile> local;  ///< the profile this state directory has, when it was read
  Settings settings;
  std::optional<std::string> phone;
  WarningSink warn;
};
enum class LocalProfile { read, ignore };
SignIn begin_sign_in(Context& ctx, const std::string& name, const std::optional<std::string>& phone,
                     LocalProfile local, bool save_password);

/// And after it: the broker and connection settings remembered in PROFILE, the profile saved and
/// made the current one, then DONE printed (or the profile as JSON with --json).
void finish_sign_in(Context& ctx, Profile& profile, const SignIn& sign_in, bool save_password,
                    const std::string& done);

}  // namespace mqchat
