#include <memory>
#include <ostream>

#include "cmd/commands.hpp"
#include "cmd/profile_state.hpp"
#include "cmd/sign_in.hpp"
#include "core/chat/account.hpp"
#include "core/crypto/identity.hpp"

namespace mqchat {

namespace {

struct RegisterOptions {
  std::string name;
  std::optional<std::string> phone;
  bool save_password = false;
};

void run_register(const RegisterOptions& opts, Context& ctx) {
  auto sign_in =
      begin_sign_in(ctx, opts.name, opts.phone, LocalProfile::ignore, opts.save_password);
  auto session = ctx.make_transport();
  auto enrolment = register_user(*session, sign_in.settings, opts.name, sign_in.phone.value_or(""),
                                 Identity::generate(), sign_in.warn);
  Profile& profile = enrolment.profile;
  pending_inbox(ctx, profile).stash(enrolment.early_messages);
  finish_sign_in(ctx, profile, sign_in, opts.save_password,
                 "registered '" + profile.name + "' and signed in");
}

}  // namespace

void add_register(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<RegisterOptions>();
  auto* sub = app.add_subcommand("register", "Claim a user name on the broker and sign in");
  sub->add_option("name", opts->name, "User name: 1-32 of A-Z a-z 0-9 _ . -")->required();
  sub->add_option("--phone", opts->phone, "Mobile number, stored in the directory")
      ->type_name("NUMBER");
  sub->add_flag("--save-password", opts->save_password,
                "Keep the password in the profile (a 0600 file) for later commands");
  sub->footer(
      "register makes the user's identity key (Ed25519) and publishes its public half in the\n"
      "directory: messages are encrypted end to end from the start ('mqchat key' shows its\n"
      "fingerprint).\n"
      "On a broker with accounts the password comes from MQCHAT_PASSWORD, --password-file or a\n"
      "prompt on the terminal, never from the command line.\n\n"
      "Examples:\n"
      "  mqchat register alice --phone +15551234\n"
      "  MQCHAT_BROKER=mqtt://chat.example:1883 mqchat register bob\n"
      "  mqchat --broker mqtts://chat.example --password-file ~/.mqchat-pw register carol "
      "--save-password");
  sub->callback([opts, &ctx] { run_register(*opts, ctx); });
}

}  // namespace mqchat
