#include <memory>
#include <ostream>

#include "cmd/commands.hpp"
#include "cmd/handoff.hpp"
#include "cmd/message_input.hpp"
#include "cmd/output.hpp"
#include "cmd/profile_state.hpp"
#include "cmd/progress.hpp"
#include "cmd/send_batch.hpp"
#include "core/directory.hpp"
#include "core/error.hpp"
#include "core/name_cache.hpp"
#include "core/names.hpp"
#include "core/outbox.hpp"
#include "core/session.hpp"

namespace mqchat {

namespace {

constexpr std::size_t kWindow = 128;  // unacknowledged publishes in flight with --lines

struct SendOptions {
  std::string to;
  MessageInput input;
  bool batch = false;
};

void run_send(const SendOptions& opts, Context& ctx) {
  if (opts.batch) {
    if (!opts.to.empty() || opts.input.lines) {
      throw usage_error(
          "--batch reads recipients and texts from stdin: give no USER, TEXT or "
          "--lines with it");
    }
    return run_send_batch(ctx);
  }
  if (opts.to.empty())
    throw usage_error("give the recipient USER, or --batch (see 'mqchat send --help')");
  validate_name(opts.to, "user");
  auto profile = require_profile(ctx);
  auto settings = ctx.settings(&profile);
  auto texts = read_message_texts(opts.input, ctx, settings.max_text_bytes);

  std::vector<Envelope> envelopes;
  envelopes.reserve(texts.size());
  for (auto& t : texts) envelopes.push_back(make_direct_message(profile.name, opts.to, t));
  auto history = open_history(ctx, profile);
  if (!send_via_listen(ctx, profile, settings, envelopes, opts.to, history)) {
    auto transport = ctx.make_transport();
    transport->connect(oneshot_options(settings, profile.name));
    auto warn = [&ctx](const std::string& m) { ctx.warn(m); };
    if (!find_user(DirectoryReader{*transport, profile.name, settings.connect_timeout, warn, {}},
                   opts.to)) {
      throw no_such_recipient_error(opts.to);
    }
    ProgressMeter progress(ctx.err, shows_progress(ctx, opts.input.lines), envelopes.size());
    CountingTransport counted(*transport, progress);
    publish_in_order(counted, envelopes, settings.qos, kWindow, history);
    progress.finish();
    transport->disconnect();
  }
  NameCache(ctx.store().paths().state_dir).remember(NameCache::Kind::users, {opts.to});

  print_send_results(ctx, envelopes, opts.to);
}

}  // namespace

void add_send(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<SendOptions>();
  auto* sub = app.add_subcommand("send", "Send a direct message");
  sub->add_option("user", opts->to, "Recipient (not with --batch)");
  add_message_input(*sub, opts->input);
  sub->add_flag("--batch", opts->batch,
                "Read JSON Lines from stdin, {\"to\": USER, \"text\": ...} or {\"group\": GROUP, "
                "\"text\": ...}; print one JSON result line per input line");
  sub->footer(
      "Examples:\n"
      "  mqchat send bob 'see you at 6'\n"
      "  tail -n 20 app.log | mqchat send --lines ops\n"
      "  jq -c '{to: .user, text: .msg}' alerts.json | mqchat send --batch");
  sub->callback([opts, &ctx] { run_send(*opts, ctx); });
}

}  // namespace mqchat
