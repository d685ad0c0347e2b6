// `mqchat profile list|use`: several local accounts on one machine, and which one is current.
#include <memory>
#include <ostream>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "cmd/setting_source.hpp"
#include "core/wire/error.hpp"
#include "core/wire/names.hpp"

namespace mqchat {

namespace {

void run_profile_list(Context& ctx) {
  auto current = effective_setting(ctx, "profile").value;
  for (const auto& name : ctx.store().list_profiles()) {
    bool is_current = name == current;
    if (ctx.global.json) {
      nlohmann::json j = {{"name", name}, {"current", is_current}};
      if (auto p = ctx.store().load_profile(name)) {
        j["registered_at"] = p->registered_at;
        if (!p->phone.empty()) j["phone"] = p->phone;
      }
      print_json_line(ctx.out, j);
    } else {
      ctx.out << (is_current ? "* " : "  ") << name << "\n";
    }
  }
  ctx.out << std::flush;
}

void run_profile_use(const std::string& name, Context& ctx) {
  validate_name(name, "profile");
  if (!ctx.store().load_profile(name)) {
    throw not_found_error("no local profile '" + name + "': sign in with 'mqchat login " + name +
                          "' (see 'mqchat profile list')");
  }
  ctx.store().update_config([&](Config& c) { c.current_profile = name; });
  // The switch is stored, but this shell may still act as another profile.
  auto now = effective_setting(ctx, "profile");
  if (now.value != name) {
    ctx.warn(std::string(now.source == "env" ? "MQCHAT_PROFILE" : "--profile") + " '" + now.value +
             "' still wins over the current profile '" + name + "'");
  }
  if (ctx.global.json) {
    print_json_line(ctx.out, {{"name", name}, {"current", true}});
  } else if (!ctx.global.quiet) {
    ctx.out << "now using profile '" << name << "'\n";
  }
}

}  // namespace

void add_profile(CLI::App& app, Context& ctx) {
  auto* profile = app.add_subcommand("profile", "Local accounts: list them, switch among them");
  profile->require_subcommand(1);
  profile->footer(
      "Examples:\n"
      "  mqchat profile list\n"
      "  mqchat profile use bob");

  auto* l = profile->add_subcommand("list", "List the local profiles; '*' marks the current one");
  l->footer(
      "Examples:\n"
      "  mqchat profile list\n"
      "  mqchat profile list --json | jq -r 'select(.current) | .name'");
  l->callback([&ctx] { run_profile_list(ctx); });

  auto name = std::make_shared<std::string>();
  auto* u = profile->add_subcommand("use", "Make NAME the current profile");
  u->add_option("name", *name, "A local profile (see 'mqchat profile list')")->required();
  u->footer(
      "Examples:\n"
      "  mqchat profile use bob\n"
      "  mqchat profile use alice && mqchat whoami");
  u->callback([name, &ctx] { run_profile_use(*name, ctx); });
}

}  // namespace mqchat
