#include <memory>
#include <ostream>

#include "cmd/commands.hpp"
#include "cmd/message_input.hpp"
#include "cmd/send_batch.hpp"
#include "cmd/send_lines.hpp"
#include "cmd/send_retry.hpp"
#include "cmd/sender.hpp"
#include "core/chat/outbox.hpp"
#include "core/delivery/deliver.hpp"
#include "core/store/name_cache.hpp"
#include "core/wire/error.hpp"
#include "core/wire/names.hpp"

namespace mqchat {

namespace {

struct SendOptions {
  std::string to;
  MessageInput input;
  RetryOption retry;
  bool batch = false;
};

void run_send(const SendOptions& opts, Context& ctx) {
  if (opts.batch) {
    if (!opts.to.empty() || opts.input.lines || opts.input.skip > 0) {
      throw usage_error(
          "--batch reads recipients and texts from stdin: give no USER, TEXT, "
          "--lines or --skip with it");
    }
    return run_send_batch(ctx, opts.retry);
  }
  if (opts.to.empty())
    throw usage_error("give the recipient USER, or --batch (see 'mqchat send --help')");
  validate_name(opts.to, "user");
  check_message_input(opts.input);
  auto profile = require_profile(ctx);
  auto settings = ctx.settings(&profile);
  if (opts.input.lines) {
    send_lines(ctx, profile, settings,
               LinesSend{opts.input, opts.retry,
                         [&](const std::string& text) {
                           return make_direct_message(profile.name, opts.to, text);
                         },
                         Recipient{opts.to, {}}, opts.to});
    NameCache(ctx.store().paths().state_dir).remember(NameCache::Kind::users, {opts.to});
    return;
  }
  auto texts = read_message_texts(opts.input, ctx, settings.max_text_bytes);

  std::vector<Envelope> envelopes;
  envelopes.reserve(texts.size());
  for (auto& t : texts) envelopes.push_back(make_direct_message(profile.name, opts.to, t));
  deliver(sender_for(ctx, profile, settings, opts.retry), Recipient{opts.to, {}}, envelopes);
  NameCache(ctx.store().paths().state_dir).remember(NameCache::Kind::users, {opts.to});

  print_send_results(ctx, envelopes, opts.to);
}

}  // namespace

void add_send(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<SendOptions>();
  auto* sub = app.add_subcommand("send", "Send a direct message");
  sub->add_option("user", opts->to, "Recipient (not with --batch)");
  add_message_input(*sub, opts->input);
  add_retry_option(*sub, opts->retry);
  add_encryption_option(*sub, ctx);
  sub->add_flag("--batch", opts->batch,
                "Read JSON Lines from stdin, {\"to\": USER, \"text\": ...} or {\"group\": GROUP, "
                "\"text\": ...}; print one JSON result line per input line");
  sub->footer(
      "A connection lost mid-send is re-made for up to --retry-for seconds and what the broker\n"
      "had not acknowledged is resent (receivers drop repeats); if the broker stays away, send\n"
      "exits 5 and says how many messages were acknowledged: rerun with --skip that many.\n\n"
      "Examples:\n"
      "  mqchat send bob 'see you at 6'\n"
      "  tail -f app.log | mqchat send --lines --retry-for 300 ops\n"
      "  jq -c '{to: .user, text: .msg}' alerts.json | mqchat send --batch");
  sub->callback([opts, &ctx] { run_send(*opts, ctx); });
}

}  // namespace mqchat
