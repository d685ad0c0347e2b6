#include <memory>
#include <ostream>
#include <unordered_set>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "cmd/profile_state.hpp"
#include "core/wire/error.hpp"
#include "core/wire/format.hpp"
#include "core/wire/names.hpp"

namespace mqchat {

namespace {

struct HistoryOptions {
  std::optional<std::string> with;
  std::optional<std::string> group;
  std::optional<int> last;
};

bool involves(const HistoryEntry& h, const std::string& me, const std::string& other) {
  const auto& m = h.message;
  return m.type == MessageType::dm &&
         ((m.from == other && m.to == me) || (m.from == me && m.to == other));
}

void run_history(const HistoryOptions& opts, Context& ctx) {
  if (opts.with) validate_name(*opts.with, "user");
  if (opts.group) validate_name(*opts.group, "group");
  if (opts.with && opts.group) throw usage_error("give --with or --group, not both");
  if (opts.last && *opts.last < 1) throw usage_error("-n must be at least 1");
  auto profile = require_profile(ctx);
  auto history = open_history(ctx, profile);
  auto read = history.read();
  if (read.bad_lines > 0) {
    ctx.warn("skipped " + std::to_string(read.bad_lines) + " unreadable line(s) in '" +
             history.file().string() + "'");
  }
  std::vector<const HistoryEntry*> picked;
  // A message can be recorded twice when a listen was killed between recording and marking it
  // shown; show it once.
  std::unordered_set<std::string> ids;
  for (const auto& h : read.entries) {
    if (opts.with && !involves(h, profile.name, *opts.with)) continue;
    if (opts.group && (h.message.type == MessageType::dm || h.message.group != *opts.group))
      continue;
    if (!ids.insert(h.message.id + (h.outgoing ? ">" : "<")).second) continue;
    picked.push_back(&h);
  }
  std::size_t first = 0;
  if (opts.last && picked.size() > static_cast<std::size_t>(*opts.last)) {
    first = picked.size() - static_cast<std::size_t>(*opts.last);
  }
  for (std::size_t i = first; i < picked.size(); ++i) {
    if (ctx.global.json) {
      print_json_line(ctx.out, to_json(*picked[i]));
    } else {
      ctx.out << format_message(picked[i]->message,
                                MessageStyle{ctx.colour(), true, !picked[i]->outgoing})
              << '\n';
    }
  }
  ctx.out << std::flush;
}

}  // namespace

void add_history(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<HistoryOptions>();
  auto* sub =
      app.add_subcommand("history", "Show messages sent and received, from the local store");
  sub->add_option("--with", opts->with, "Only the conversation with USER")->type_name("USER");
  sub->add_option("--group", opts->group, "Only the messages and notices of GROUP")
      ->type_name("GROUP");
  sub->add_option("-n", opts->last, "Only the last N messages")->type_name("N");
  sub->footer(
      "Examples:\n"
      "  mqchat history --with bob -n 20\n"
      "  mqchat history --group Group_1\n"
      "  mqchat history --json | jq -r 'select(.direction == \"in\") | .text'");
  sub->callback([opts, &ctx] { run_history(*opts, ctx); });
}

}  // namespace mqchat
