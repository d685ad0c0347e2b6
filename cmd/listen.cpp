#include <unistd.h>

#include <chrono>
#include <memory>
#include <ostream>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "cmd/profile_state.hpp"
#include "cmd/stop_signal.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/format.hpp"
#include "core/inbox.hpp"
#include "core/names.hpp"
#include "core/session.hpp"
#include "core/topics.hpp"

namespace mqchat {

namespace {

using Clock = std::chrono::steady_clock;
constexpr Millis kPollInterval{200};  // how often a quiet listen checks for signals

struct ListenOptions {
  std::optional<int> count;
  std::optional<double> timeout;
  std::optional<std::string> from;
};

FileLock lock_listen(Context& ctx, const Profile& profile) {
  auto path = ctx.store().profile_state_dir(profile.name) / "listen.lock";
  auto lock = FileLock::try_acquire(path);
  if (!lock) {
    auto note = read_file(path).value_or("");
    throw failure("another 'mqchat listen' is running for '" + profile.name + "'" +
                  (note.empty() ? std::string() : " (pid " + note + ")") +
                  ": stop it first, or read its output");
  }
  lock->write_note(std::to_string(::getpid()));
  return std::move(*lock);
}

bool wanted(const Envelope& e, const ListenOptions& opts) {
  return !opts.from || e.from == *opts.from;
}

// Prints E; false when the output is gone (a closed pipe), which ends listen quietly.
bool print(Context& ctx, const Envelope& e) {
  if (ctx.global.json) {
    print_json_line(ctx.out, to_json(e));
  } else {
    ctx.out << format_message(e, MessageStyle{ctx.colour(), false}) << '\n' << std::flush;
  }
  return static_cast<bool>(ctx.out);
}

void run_listen(const ListenOptions& opts, Context& ctx) {
  if (opts.from) validate_name(*opts.from, "user");
  if (opts.count && *opts.count < 1) throw usage_error("--count must be at least 1");
  if (opts.timeout && *opts.timeout <= 0) throw usage_error("--timeout must be positive seconds");
  auto profile = require_profile(ctx);
  auto settings = ctx.settings(&profile);
  auto lock = lock_listen(ctx, profile);
  auto state_dir = ctx.store().profile_state_dir(profile.name);
  SeenIds seen(state_dir / "seen_ids");
  auto history = open_history(ctx, profile);
  Inbox inbox(profile.name, seen, history);
  auto warn = [&ctx](const std::string& m) { ctx.warn(m); };

  install_stop_handlers();
  auto transport = ctx.make_transport();
  auto options = session_options(settings, profile.client_id);
  options.will = offline_will(profile.name, now_rfc3339());
  options.auto_reconnect = true;
  transport->connect(options);
  // Idempotent: recreates the subscription when the session expired meanwhile.
  transport->subscribe({topics::inbox_of(profile.name)}, 1, true);
  publish_presence(*transport, profile.name, true);
  if (ctx.global.verbose) ctx.err << "mqchat: listening as '" << profile.name << "'\n";

  const auto deadline = opts.timeout
                            ? Clock::now() + Millis(static_cast<long long>(*opts.timeout * 1000))
                            : Clock::time_point::max();
  int shown = 0;
  bool output_open = true;
  auto done = [&] {
    return stop_requested() || !output_open || (opts.count && shown >= *opts.count);
  };
  auto handle = [&](const IncomingMessage& msg) {
    auto envelope = inbox.accept(msg, warn);
    if (!envelope) return;
    if (wanted(*envelope, opts)) {
      output_open = print(ctx, *envelope);
      if (!output_open) return;  // not shown: leave it unmarked
      ++shown;
    }
    inbox.mark_shown(*envelope);
  };

  // What register or login received on the session comes first; the seen ids make a rerun
  // after a crash here harmless.
  auto pending = pending_inbox(ctx, profile);
  auto stashed = pending.read();
  std::size_t handled = 0;
  for (; handled < stashed.size() && !done(); ++handled) handle(stashed[handled]);
  if (handled == stashed.size() && !stashed.empty()) pending.clear();

  while (!done()) {
    auto now = Clock::now();
    if (now >= deadline) break;
    auto wait = std::min<Millis>(kPollInterval,
                                 std::chrono::duration_cast<Millis>(deadline - now) + Millis(1));
    if (auto msg = transport->next_message(wait)) handle(*msg);
  }

  try {
    publish_presence(*transport, profile.name, false);
    transport->disconnect();
  } catch (const Error& e) {
    ctx.warn(std::string("could not mark '") + profile.name + "' offline: " + e.what());
  }
  if (opts.count && shown < *opts.count && !stop_requested() && output_open) {
    throw timeout_error("listen timed out after " + std::to_string(shown) + " of " +
                        std::to_string(*opts.count) + " messages");
  }
}

}  // namespace

void add_listen(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<ListenOptions>();
  auto* sub = app.add_subcommand("listen", "Print incoming messages as they arrive");
  sub->add_option("--count", opts->count, "Exit 0 after N messages")->type_name("N");
  sub->add_option("--timeout", opts->timeout,
                  "Stop after SEC seconds (exit 5 if --count was not reached)")
      ->type_name("SEC");
  sub->add_option("--from", opts->from, "Show only messages from USER")->type_name("USER");
  sub->footer(
      "Messages that arrived while no listen ran are printed first. Messages hidden by a\n"
      "filter are still kept in 'mqchat history'.\n\n"
      "Examples:\n"
      "  mqchat listen\n"
      "  mqchat listen --json | jq -r '.from + \": \" + .text'\n"
      "  mqchat listen --from bob --count 1 --timeout 60");
  sub->callback([opts, &ctx] { run_listen(*opts, ctx); });
}

}  // namespace mqchat
