#include "cmd/sign_in.hpp"

#include <ostream>

#include "cmd/broker_choice.hpp"
#include "cmd/output.hpp"
#include "cmd/password_input.hpp"
#include "cmd/profile_state.hpp"
#include "core/wire/names.hpp"

namespace mqchat {

SignIn begin_sign_in(Context& ctx, const std::string& name, const std::optional<std::string>& phone,
                     LocalProfile local, bool save_password) {
  validate_name(name, "user");  // before a profile of that name is looked for
  SignIn out;
  if (phone) out.phone = normalize_phone(*phone);
  if (local == LocalProfile::read) out.local = ctx.store().load_profile(name);
  const Profile* profile = out.local ? &*out.local : nullptr;
  out.settings = ctx.settings(profile);
  use_credentials(ctx, out.settings, name, profile);
  if (save_password) require_password(ctx, out.settings);
  out.warn = [&ctx](const std::string& m) { ctx.warn(m); };
  return out;
}

void finish_sign_in(Context& ctx, Profile& profile, const SignIn& sign_in, bool save_password,
                    const std::string& done) {
  remember_broker(ctx, profile);
  remember_connection(ctx, profile, sign_in.settings, save_password);
  ctx.store().save_profile(profile);
  ctx.store().update_config([&](Config& c) { c.current_profile = profile.name; });
  if (ctx.global.json) {
    print_json_line(ctx.out, profile_json(profile));
  } else if (!ctx.global.quiet) {
    ctx.out << done << "\n";
  }
}

}  // namespace mqchat
