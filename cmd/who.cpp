#include <chrono>
#include <iomanip>
#include <memory>
#include <ostream>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "core/chat/directory.hpp"
#include "core/chat/session.hpp"
#include "core/store/name_cache.hpp"
#include "core/wire/clock.hpp"
#include "core/wire/error.hpp"
#include "core/wire/format.hpp"

namespace mqchat {

namespace {

struct WhoOptions {
  bool online = false;
};

std::string last_seen_text(const UserListing& l, bool relative) {
  if (!l.presence) return "never";
  if (l.presence->online) return "now";
  if (relative) {
    if (auto t = parse_rfc3339(l.presence->since)) {
      return relative_age(*t, std::chrono::system_clock::now());
    }
  }
  return local_time_text(l.presence->since);
}

void run_who(const WhoOptions& opts, Context& ctx) {
  auto profile = optional_profile(ctx);  // listing the directory needs no account
  auto settings = ctx.settings(profile ? &*profile : nullptr);
  std::string owner = profile ? profile->name : "guest";
  auto transport = ctx.make_transport();
  transport->connect(oneshot_options(settings, owner));
  auto users = list_users(DirectoryReader{*transport,
                                          owner,
                                          settings.connect_timeout,
                                          [&ctx](const std::string& m) { ctx.warn(m); },
                                          {}});
  transport->disconnect();
  std::vector<std::string> names;
  for (const auto& u : users) names.push_back(u.user.name);
  NameCache(ctx.store().paths().state_dir).remember(NameCache::Kind::users, names, true);

  // -v: each key's fingerprint and whether it is the one pinned, for comparing out of band.
  const bool keys = ctx.global.verbose;
  std::map<std::string, std::string> pins;
  if (profile) pins = profile->pinned_keys;
  if (ctx.global.json) {
    for (const auto& u : users) {
      if (opts.online && !(u.presence && u.presence->online)) continue;
      auto j = user_json(u);
      if (keys) add_key_fields(j, u.user, pins);
      print_json_line(ctx.out, j);
    }
    return;
  }
  std::size_t width = 4;
  for (const auto& u : users) width = std::max(width, u.user.name.size());
  ctx.out << std::left << std::setw(static_cast<int>(width) + 2) << "NAME" << std::setw(18)
          << "PHONE" << std::setw(9) << "STATUS" << std::setw(keys ? kKeyedColumnWidth : 0)
          << "LAST SEEN" << (keys ? kKeyColumnsHeader : "") << "\n";
  for (const auto& u : users) {
    bool online = u.presence && u.presence->online;
    if (opts.online && !online) continue;
    ctx.out << std::setw(static_cast<int>(width) + 2) << u.user.name << std::setw(18)
            << (u.user.phone.empty() ? "-" : sanitize_for_terminal(u.user.phone)) << std::setw(9)
            << (online ? "online" : "offline") << std::setw(keys ? kKeyedColumnWidth : 0)
            << last_seen_text(u, ctx.out_is_terminal) << (keys ? key_columns(u.user, pins) : "")
            << "\n";
  }
  ctx.out << std::flush;
}

}  // namespace

void add_who(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<WhoOptions>();
  auto* sub = app.add_subcommand("who", "List registered users with online status and last seen");
  sub->add_flag("--online", opts->online, "Only users with a running 'mqchat listen'");
  sub->footer(
      "With -v, each user's key status (pinned, unpinned, changed, none) and fingerprint, to\n"
      "compare with what 'mqchat key' prints on their machine.\n\n"
      "Examples:\n"
      "  mqchat who\n"
      "  mqchat who -v\n"
      "  mqchat who --online --json | jq -r .name");
  sub->callback([opts, &ctx] { run_who(*opts, ctx); });
}

}  // namespace mqchat
