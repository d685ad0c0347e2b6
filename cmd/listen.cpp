#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <ostream>

#include "cmd/commands.hpp"
#include "cmd/group_watch.hpp"
#include "cmd/handoff.hpp"
#include "cmd/output.hpp"
#include "cmd/profile_state.hpp"
#include "cmd/stop_signal.hpp"
#include "core/arrival_spool.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/format.hpp"
#include "core/inbox.hpp"
#include "core/names.hpp"
#include "core/session.hpp"
#include "core/session_guard.hpp"
#include "core/topics.hpp"

namespace mqchat {

namespace {

using Clock = std::chrono::steady_clock;
constexpr Millis kPollInterval{200};  // how often a quiet listen checks for signals

constexpr Millis kSessionWait{5000};  // for a group command that holds the session briefly

struct ListenOptions {
  std::optional<int> count;
  std::optional<double> timeout;
  std::optional<std::string> from;
  std::optional<std::string> group;
};

FileLock lock_session(const SessionGuard& guard, const Profile& profile) {
  auto lock = guard.try_take("listen", kSessionWait);
  if (!lock) {
    auto holder = guard.holder();
    if (holder.rfind("listen", 0) == 0) {
      throw failure("another 'mqchat listen' is running for '" + profile.name + "' (" + holder +
                    "): stop it first, or read its output");
    }
    throw failure("the session of '" + profile.name + "' is busy (" + holder +
                  "): try again in a moment");
  }
  return std::move(*lock);
}

// Says once on stderr that the connection was lost and once that it is back; after a
// reconnect it restores what a lost session forgot (paho never re-subscribes by itself).
class LinkWatch {
 public:
  LinkWatch(Context& ctx, Transport& transport, std::function<void()> restore)
      : ctx_(ctx), transport_(transport), restore_(std::move(restore)) {}

  void check() {
    if (!transport_.is_connected()) {
      if (!lost_) ctx_.warn("lost the connection to the broker; reconnecting");
      lost_ = true;
      return;
    }
    // The count reaches 1 with the first connection; more means paho reconnected.
    auto count = transport_.connection_count();
    if (count <= handled_ || count < 2) return;
    handled_ = count;
    try {
      restore_();
      if (lost_) ctx_.warn("reconnected to the broker");
      lost_ = false;
    } catch (const Error& e) {
      ctx_.warn(std::string("reconnected, but could not restore the subscriptions yet: ") +
                e.what());
      handled_ = count - 1;  // try again on the next check
    }
  }

 private:
  Context& ctx_;
  Transport& transport_;
  std::function<void()> restore_;
  std::uint64_t handled_ = 1;
  bool lost_ = false;
};

bool wanted(const Envelope& e, const ListenOptions& opts) {
  return (!opts.from || e.from == *opts.from) && (!opts.group || e.group == *opts.group);
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
  if (opts.group) validate_name(*opts.group, "group");
  if (opts.count && *opts.count < 1) throw usage_error("--count must be at least 1");
  if (opts.timeout && !(*opts.timeout > 0 && *opts.timeout <= 366 * 86400.0)) {
    throw usage_error("--timeout must be positive seconds, at most a year");
  }
  auto profile = require_profile(ctx);
  auto settings = ctx.settings(&profile);
  auto state_dir = ctx.store().profile_state_dir(profile.name);
  SessionGuard guard(state_dir);
  auto lock = lock_session(guard, profile);
  SeenIds seen(state_dir / "seen_ids");
  auto history = open_history(ctx, profile);
  Inbox inbox(profile.name, seen, history);
  auto warn = [&ctx](const std::string& m) { ctx.warn(m); };

  // What register, login, group join or an earlier listen received but did not show comes
  // first. Read before connecting: from then on the spool appends to the same file.
  auto pending = pending_inbox(ctx, profile);
  const auto stashed = pending.read();
  auto spool = std::make_shared<ArrivalSpool>(pending.file(), stashed.size());

  install_stop_handlers();
  auto transport = ctx.make_transport();
  auto options = session_options(settings, profile.client_id);
  options.will = offline_will(profile.name, now_rfc3339());
  options.auto_reconnect = true;
  options.on_arrival = [spool](const IncomingMessage& m) { spool->record(m); };
  transport->connect(options);
  // Idempotent: recreates the subscriptions when the session expired meanwhile.
  transport->subscribe({topics::inbox_of(profile.name)}, 1, true);
  GroupWatch groups(ctx, profile.name, *transport, inbox, guard);
  groups.start();
  LinkWatch link(ctx, *transport, [&] {
    transport->subscribe({topics::inbox_of(profile.name)}, 1, true);
    groups.resubscribe();
    publish_presence(*transport, profile.name, true);
  });
  publish_presence(*transport, profile.name, true);
  // Sends of this profile hand their messages to us instead of connecting (cmd/handoff.hpp).
  auto handoff = serve_sends(ctx, state_dir, profile, *transport, settings);
  if (ctx.global.verbose) ctx.err << "mqchat: listening as '" << profile.name << "'\n";

  const auto deadline = opts.timeout
                            ? Clock::now() + Millis(static_cast<long long>(*opts.timeout * 1000))
                            : Clock::time_point::max();
  int shown = 0;
  bool output_open = true;
  auto done = [&] {
    return stop_requested() || !output_open || (opts.count && shown >= *opts.count);
  };
  // True once MSG is dealt with for good: shown and recorded, filtered out, or dropped.
  auto handle = [&](const IncomingMessage& msg) {
    if (handoff->claim(msg) || groups.follow(msg)) return true;
    auto envelope = inbox.accept(msg, warn);
    if (!envelope) return true;
    if (wanted(*envelope, opts)) {
      output_open = print(ctx, *envelope);
      if (!output_open) return false;  // not shown: stays pending for the next listen
      ++shown;
    }
    inbox.record(*envelope);
    return true;
  };
  auto go_offline = [&] {
    try {
      publish_presence(*transport, profile.name, false);
      transport->disconnect();
    } catch (const Error& e) {
      ctx.warn(std::string("could not mark '") + profile.name + "' offline: " + e.what());
    }
  };
  bool spool_warned = false;
  auto release = [&] {
    spool->handled();
    if (auto failure = spool->failure(); failure && !spool_warned) {
      ctx.warn(*failure + "; messages received from now on are lost if listen is killed");
      spool_warned = true;
    }
  };

  try {
    // The seen ids make a replay of what an earlier listen already showed harmless.
    for (std::size_t i = 0; i < stashed.size() && !done(); ++i) {
      if (handle(stashed[i])) release();
    }
    while (!done()) {
      auto now = Clock::now();
      if (now >= deadline) break;
      auto wait = std::min<Millis>(kPollInterval,
                                   std::chrono::duration_cast<Millis>(deadline - now) + Millis(1));
      if (auto msg = transport->next_message(wait)) {
        if (handle(*msg) && ArrivalSpool::keeps(*msg)) release();
      }
      groups.poll();
      link.check();
    }
  } catch (const Error&) {
    // The state cannot be written (e.g. a full disk): what arrived stays in the pending file
    // for the next listen; end as a failure without claiming anything was recorded.
    handoff->stop();
    go_offline();
    throw;
  }
  handoff->stop();  // before the connection goes: a send in progress then sends directly
  go_offline();
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
  sub->add_option("--group", opts->group, "Show only messages and notices of GROUP")
      ->type_name("GROUP");
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
