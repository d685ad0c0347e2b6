#include <ostream>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "core/wire/error.hpp"

namespace mqchat {

namespace {

void run_whoami(Context& ctx) {
  auto profile = require_profile(ctx);
  auto settings = ctx.settings(&profile);
  if (ctx.global.json) {
    auto j = profile_json(profile);
    j["broker"] = settings.brokers;
    print_json_line(ctx.out, j);
    return;
  }
  ctx.out << profile.name << "\n";
  if (ctx.global.verbose) {
    if (!profile.phone.empty()) ctx.out << "phone:      " << profile.phone << "\n";
    ctx.out << "registered: " << profile.registered_at << "\n";
    ctx.out << "broker:     ";
    for (std::size_t i = 0; i < settings.brokers.size(); ++i) {
      ctx.out << (i ? "," : "") << settings.brokers[i];
    }
    ctx.out << "\n";
  }
}

}  // namespace

void add_whoami(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("whoami", "Print the signed-in user (-v for details)");
  sub->footer("Examples:\n  mqchat whoami\n  mqchat whoami --json | jq -r .name");
  sub->callback([&ctx] { run_whoami(ctx); });
}

}  // namespace mqchat
