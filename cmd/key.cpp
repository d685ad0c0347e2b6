#include <memory>
#include <ostream>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "cmd/profile_state.hpp"
#include "core/chat/directory.hpp"
#include "core/chat/encryption.hpp"
#include "core/chat/session.hpp"
#include "core/crypto/group_keys.hpp"
#include "core/crypto/identity.hpp"
#include "core/wire/error.hpp"
#include "core/wire/names.hpp"

namespace mqchat {

namespace {

Identity identity_of(Context& ctx, const Profile& profile) {
  if (profile.identity.empty()) {
    throw not_found_error("'" + profile.name + "' has no identity key yet: run 'mqchat login " +
                          profile.name + "' to make one");
  }
  return Identity::from_secret(profile.identity, ctx.store().profile_path(profile.name).string());
}

void run_key(Context& ctx) {
  auto profile = require_profile(ctx);
  auto identity = identity_of(ctx, profile);
  if (ctx.global.json) {
    print_json_line(ctx.out, {{"name", profile.name},
                              {"alg", kKeyAlgorithm},
                              {"key", identity.public_base64()},
                              {"fingerprint", identity.fingerprint()}});
    return;
  }
  ctx.out << profile.name << "  " << kKeyAlgorithm << "  " << identity.fingerprint() << "\n"
          << std::flush;
}

void run_export(Context& ctx) {
  auto profile = require_profile(ctx);
  auto identity = identity_of(ctx, profile);
  if (ctx.out_is_terminal) {
    ctx.warn("this is the secret key of '" + profile.name +
             "': whoever has it can read and write as them; keep the file private");
  }
  // The group keys go along, so the other machine reads the groups at once instead of after
  // each member's next rotation.
  GroupKeyStore keys(ctx.store().profile_state_dir(profile.name) / "group_keys.json");
  ctx.out << export_identity(profile.name, identity, keys.snapshot()) << std::flush;
}

struct TrustOptions {
  std::string name;
};

void run_trust(const TrustOptions& opts, Context& ctx) {
  validate_name(opts.name, "user");
  auto profile = require_profile(ctx);
  auto settings = ctx.settings(&profile);
  auto transport = ctx.make_transport();
  transport->connect(oneshot_options(settings, profile.name));
  auto record = find_user(DirectoryReader{*transport,
                                          profile.name,
                                          settings.connect_timeout,
                                          [&ctx](const std::string& m) { ctx.warn(m); },
                                          {}},
                          opts.name);
  transport->disconnect();
  if (!record) {
    throw not_found_error("cannot trust '" + opts.name + "': no such user (see 'mqchat who')");
  }
  if (record->key.empty()) {
    throw not_found_error("'" + opts.name + "' publishes no key (an mqchat without end-to-end " +
                          "encryption): there is nothing to trust");
  }
  if (fingerprint_of(record->key) == "(invalid key)") {
    throw not_found_error("the directory entry of '" + opts.name +
                          "' holds an invalid key: ask them to sign in again");
  }
  auto previous = repin_key(ctx.store(), profile.name, opts.name, record->key);
  bool changed = previous != record->key;
  if (ctx.global.json) {
    print_json_line(ctx.out, {{"name", opts.name},
                              {"fingerprint", fingerprint_of(record->key)},
                              {"previous_fingerprint",
                               previous.empty() ? nlohmann::json(nullptr)
                                                : nlohmann::json(fingerprint_of(previous))},
                              {"changed", changed}});
  } else if (!ctx.global.quiet) {
    if (!changed) {
      ctx.out << "'" << opts.name << "' is trusted already: " << fingerprint_of(record->key)
              << "\n";
    } else {
      ctx.out << "trusted '" << opts.name << "': " << fingerprint_of(record->key);
      if (!previous.empty()) ctx.out << " (was " << fingerprint_of(previous) << ")";
      ctx.out << "\n";
    }
  }
}

}  // namespace

void add_key(CLI::App& app, Context& ctx) {
  auto* key = app.add_subcommand("key", "Show your identity key's fingerprint; export it");
  key->footer(
      "Compare fingerprints with a contact over another channel (in person, by phone): the\n"
      "one 'mqchat key' prints here must be the one 'mqchat who -v' shows there.\n\n"
      "Examples:\n"
      "  mqchat key\n"
      "  mqchat key export > alice.key && chmod 600 alice.key\n"
      "  mqchat --home /mnt/new login alice --key-file alice.key");
  key->callback([key, &ctx] {
    if (key->get_subcommands().empty()) run_key(ctx);
  });
  auto* exp = key->add_subcommand(
      "export", "Write your identity (secret key) to stdout, for 'login --key-file'");
  exp->footer(
      "Whoever has the exported key can read your messages and write as you: keep it private.\n\n"
      "Examples:\n"
      "  mqchat key export > alice.key\n"
      "  mqchat key export | ssh laptop mqchat login alice --key-file -");
  exp->callback([&ctx] { run_export(ctx); });
}

void add_trust(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<TrustOptions>();
  auto* sub = app.add_subcommand("trust", "Accept the key USER publishes now (after a key change)");
  sub->add_option("user", opts->name, "The user whose current key to pin")->required();
  sub->footer(
      "mqchat pins each user's key the first time it sees it (trust on first use, like ssh) and\n"
      "refuses a different one later. When a contact really has a new key (a new machine),\n"
      "compare its fingerprint with them ('mqchat who -v'), then accept it with trust.\n\n"
      "Examples:\n"
      "  mqchat trust bob\n"
      "  mqchat trust bob --json | jq .fingerprint");
  sub->callback([opts, &ctx] { run_trust(*opts, ctx); });
}

}  // namespace mqchat
