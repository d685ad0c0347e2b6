#include <iterator>
#include <memory>
#include <ostream>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "cmd/profile_state.hpp"
#include "cmd/sign_in.hpp"
#include "core/chat/account.hpp"
#include "core/chat/session.hpp"
#include "core/crypto/group_keys.hpp"
#include "core/crypto/identity.hpp"
#include "core/store/files.hpp"
#include "core/wire/error.hpp"

namespace mqchat {

namespace {

struct LoginOptions {
  std::string name;
  std::optional<std::string> phone;
  std::optional<std::string> key_file;
  bool save_password = false;
};

// The identity in --key-file (a file, or - for stdin), as 'mqchat key export' wrote it, with the
// group keys of the machine that exported it.
std::optional<IdentityExport> identity_from_file(const LoginOptions& opts, Context& ctx) {
  if (!opts.key_file) return std::nullopt;
  std::string text;
  if (*opts.key_file == "-") {
    text.assign(std::istreambuf_iterator<char>(ctx.in), std::istreambuf_iterator<char>());
  } else {
    auto content = read_file(*opts.key_file);
    if (!content) throw usage_error("no key file '" + *opts.key_file + "'");
    text = *content;
  }
  return import_identity(text, opts.name);
}

// The identity this login keeps: the key file's; else the local profile's; else a new one,
// which contacts will see as a key change when the user had one.
Identity identity_for(const std::optional<IdentityExport>& from_file,
                      const std::optional<Profile>& local, const std::string& name, Context& ctx) {
  if (from_file) return from_file->identity;
  if (local && !local->identity.empty()) {
    return Identity::from_secret(local->identity, ctx.store().profile_path(name).string());
  }
  return Identity::generate();
}

void tell_new_identity(Context& ctx, const std::string& name, const std::string& old_key,
                       const Identity& identity) {
  if (old_key.empty() || old_key == identity.public_base64()) return;
  ctx.warn("'" + name + "' has a new identity key on this machine (" + identity.fingerprint() +
           "; was " + fingerprint_of(old_key) +
           "): contacts see a key change until they run 'mqchat trust " + name +
           "' (to keep one key, log in with --key-file from 'mqchat key export')");
}

void run_login(const LoginOptions& opts, Context& ctx) {
  auto sign_in = begin_sign_in(ctx, opts.name, opts.phone, LocalProfile::read, opts.save_password);
  const auto& local = sign_in.local;
  const auto& settings = sign_in.settings;
  auto from_file = identity_from_file(opts, ctx);
  auto identity = identity_for(from_file, local, opts.name, ctx);

  Profile profile;
  if (local) {
    // This state directory has a session for the user already, which a running listen may be
    // holding: check the directory over a connection of our own and leave the session alone.
    auto oneshot = ctx.make_transport();
    oneshot->connect(oneshot_options(settings, opts.name));
    DirectoryReader reader{*oneshot, opts.name, settings.connect_timeout, sign_in.warn, {}};
    auto record = check_login(reader, opts.name, sign_in.phone);
    tell_new_identity(ctx, opts.name, record.key, identity);
    publish_identity(reader, record, identity);
    oneshot->disconnect();
    profile = *local;
    profile.phone = record.phone;
    profile.registered_at = record.registered_at;
    profile.identity = identity.secret_base64();
    profile.pinned_keys[opts.name] = identity.public_base64();
  } else {
    auto session = ctx.make_transport();
    auto enrolment =
        login_user(*session, settings, opts.name, sign_in.phone, identity, sign_in.warn);
    profile = enrolment.profile;
    pending_inbox(ctx, profile).stash(enrolment.early_messages);
    tell_new_identity(ctx, opts.name, enrolment.previous_key, identity);
  }
  if (from_file && !from_file->group_keys.is_null()) {
    GroupKeyStore(ctx.store().profile_state_dir(profile.name) / "group_keys.json")
        .import(from_file->group_keys);
  }
  finish_sign_in(ctx, profile, sign_in, opts.save_password, "signed in as '" + profile.name + "'");
}

void run_logout(Context& ctx) {
  auto profile = require_profile(ctx);
  auto settings = ctx.settings(&profile);
  try {
    auto transport = ctx.make_transport();
    transport->connect(oneshot_options(settings, profile.name));
    publish_presence(*transport, profile.name, false);
    transport->disconnect();
  } catch (const Error& e) {
    ctx.warn(std::string("could not mark '") + profile.name + "' offline: " + e.what());
  }
  ctx.store().update_config([&](Config& c) {
    if (c.current_profile == profile.name) c.current_profile.clear();
  });
  if (ctx.global.json) {
    print_json_line(ctx.out, {{"name", profile.name}, {"signed_in", false}});
  } else if (!ctx.global.quiet) {
    ctx.out << "signed out '" << profile.name << "'\n";
  }
}

}  // namespace

void add_login(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<LoginOptions>();
  auto* sub = app.add_subcommand("login", "Sign in as a registered user (also on a new machine)");
  sub->add_option("name", opts->name, "Registered user name")->required();
  sub->add_option("--phone", opts->phone, "The mobile number given at registration")
      ->type_name("NUMBER");
  sub->add_option("--key-file", opts->key_file,
                  "Use the identity that 'mqchat key export' wrote to FILE (- for stdin)")
      ->type_name("FILE");
  sub->add_flag("--save-password", opts->save_password,
                "Keep the password in the profile (a 0600 file) for later commands");
  sub->footer(
      "On a new machine, login without --key-file makes a new identity key and publishes it:\n"
      "contacts then see a key change ('mqchat trust'). Bring the old key along instead:\n"
      "  mqchat key export > alice.key   (old machine)   mqchat login alice --key-file alice.key\n"
      "On a broker with accounts the password comes from MQCHAT_PASSWORD, --password-file or a\n"
      "prompt on the terminal, never from the command line.\n\n"
      "Examples:\n"
      "  mqchat login alice --phone +15551234\n"
      "  mqchat --home ~/work-chat login bob\n"
      "  MQCHAT_PASSWORD=... mqchat --broker mqtts://chat.example login carol --save-password");
  sub->callback([opts, &ctx] { run_login(*opts, ctx); });
}

void add_logout(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("logout", "Sign out: forget the current profile, mark it offline");
  sub->footer(
      "Examples:\n"
      "  mqchat logout\n"
      "  mqchat --profile bob logout");
  sub->callback([&ctx] { run_logout(ctx); });
}

}  // namespace mqchat
