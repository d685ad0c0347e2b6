#include <ostream>

#include "cmd/commands.hpp"
#include "cmd/setting_source.hpp"
#include "core/store/name_cache.hpp"

namespace mqchat {

namespace {

void run_complete(const std::string& what, Context& ctx) {
  NameCache cache(ctx.store().paths().state_dir);
  std::vector<std::string> names;
  if (what == "users") names = cache.names(NameCache::Kind::users);
  if (what == "groups") {
    names = cache.names(NameCache::Kind::groups);
    if (auto profile = optional_profile(ctx)) {
      names.insert(names.end(), profile->groups.begin(), profile->groups.end());
    }
  }
  if (what == "profiles") names = ctx.store().list_profiles();
  if (what == "keys") names = config_keys();
  for (const auto& n : names) ctx.out << n << "\n";
}

}  // namespace

void add_complete(CLI::App& app, Context& ctx) {
  // Hidden (no help group): the shell completion scripts call it. It reads only the local
  // cache, so a TAB press never waits on the network.
  auto what = std::make_shared<std::string>();
  auto* sub = app.add_subcommand("__complete", "Names for shell completion")->group("");
  sub->add_option("what", *what, "users, groups, profiles (local) or keys (of 'config')")
      ->required()
      ->check(CLI::IsMember({"users", "groups", "profiles", "keys"}));
  sub->callback([what, &ctx] {
    try {
      run_complete(*what, ctx);
    } catch (const std::exception&) {
      // Completion never fails loudly.
    }
  });
}

}  // namespace mqchat
