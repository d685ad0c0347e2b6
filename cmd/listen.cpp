#include <unistd.h>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <ostream>

#include "cmd/commands.hpp"
#include "cmd/group_watch.hpp"
#include "cmd/handoff.hpp"
#include "cmd/listen_delivery.hpp"
#include "cmd/listen_lookup.hpp"
#include "cmd/listen_output.hpp"
#include "cmd/profile_state.hpp"
#include "cmd/stop_signal.hpp"
#include "core/chat/inbox.hpp"
#include "core/chat/pending_answers.hpp"
#include "core/chat/pinned_keys.hpp"
#include "core/chat/refusal_probe.hpp"
#include "core/chat/session.hpp"
#include "core/crypto/group_keys.hpp"
#include "core/crypto/identity.hpp"
#include "core/store/arrival_spool.hpp"
#include "core/store/deferred_messages.hpp"
#include "core/store/files.hpp"
#include "core/store/session_guard.hpp"
#include "core/wire/clock.hpp"
#include "core/wire/error.hpp"
#include "core/wire/names.hpp"
#include "core/wire/topics.hpp"

namespace mqchat {

namespace {

using Clock = std::chrono::steady_clock;
constexpr Millis kPollInterval{200};  // how often a quiet listen checks for signals
constexpr Millis kHousekeeping{50};   // in a burst: how often the profile and output are checked

constexpr Millis kSessionWait{5000};  // for a group command that holds the session briefly

struct ListenOptions {
  std::optional<int> count;
  std::optional<double> timeout;
  std::optional<std::string> from;
  std::optional<std::string> group;
  std::optional<std::string> match;
  std::optional<std::string> format;
  std::optional<std::string> exec;
};

// What the inbox needs to open sealed messages: the identity, the group keys, and the pins
// (with a lookup of first-seen senders on a short connection of its own).
struct ListenKeys {
  GroupKeyStore group_keys;
  PinnedKeys pins;
};

// LATER gets what arrives on CONNECTION during a lookup of a sender's key (see
// LoopLookupTransport); the receive loop handles it next.
std::unique_ptr<ListenKeys> open_sealed_messages(Context& ctx, const Profile& profile,
                                                 const Settings& settings, Inbox& inbox,
                                                 const std::filesystem::path& state_dir,
                                                 Transport& connection,
                                                 std::deque<IncomingMessage>& later) {
  auto warn = [&ctx](const std::string& m) { ctx.warn(m); };
  if (profile.identity.empty()) {
    ctx.warn("'" + profile.name + "' has no identity key yet, so encrypted messages cannot be " +
             "read: run 'mqchat login " + profile.name + "' to make one");
    return nullptr;
  }
  auto identity =
      Identity::from_secret(profile.identity, ctx.store().profile_path(profile.name).string());
  auto connect = [&connection, &later]() -> std::unique_ptr<Transport> {
    return std::make_unique<LoopLookupTransport>(connection, later);
  };
  auto keys = std::make_unique<ListenKeys>(
      ListenKeys{GroupKeyStore(state_dir / "group_keys.json"),
                 PinnedKeys(ctx.store(), profile.name, connect, settings.connect_timeout, warn)});
  inbox.enable_decryption(
      InboxKeys{identity, &keys->group_keys,
                [k = keys.get()](const std::string& name, const std::string& published) {
                  return k->pins.key_of(name, published);
                },
                state_dir / "awaiting_keys.jsonl"});
  return keys;
}

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
// While the connection is lost, a probe asks the broker whether it now refuses this user (a
// deleted account): then listen stops with that refusal instead of reconnecting forever.
class LinkWatch {
 public:
  LinkWatch(Context& ctx, Transport& transport, std::function<void()> restore,
            std::unique_ptr<RefusalProbe> probe)
      : ctx_(ctx), transport_(transport), restore_(std::move(restore)), probe_(std::move(probe)) {}

  void check() {
    if (!transport_.is_connected()) {
      if (!lost_) ctx_.warn("lost the connection to the broker; reconnecting");
      lost_ = true;
      if (probe_) {
        if (auto refusal = probe_->check_while_lost()) {
          throw Error(refusal->code(), std::string("listen stops: ") + refusal->what());
        }
      }
      return;
    }
    if (probe_) probe_->connected();
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
  std::unique_ptr<RefusalProbe> probe_;
  std::uint64_t handled_ = 1;
  bool lost_ = false;
};

// No probe for a password typed at a prompt: it is not in OPTIONS, and the probe would take
// the broker's "needs a password" for a refusal.
std::unique_ptr<RefusalProbe> refusal_probe(Context& ctx, const ConnectOptions& options) {
  if (!options.username.empty() && options.password.empty()) return nullptr;
  return std::make_unique<RefusalProbe>([&ctx] { return ctx.make_transport(); }, options);
}

// The filters, output form and hook of OPTS, checked before any network I/O.
struct ListenPlan {
  MessageFilter filter;
  std::optional<MessageTemplate> format;
  std::optional<ExecHook> hook;
};

ListenPlan plan_listen(const ListenOptions& opts, const Context& ctx) {
  ListenPlan plan;
  plan.filter.from = opts.from;
  plan.filter.group = opts.group;
  if (opts.match) plan.filter.match = compile_match(*opts.match);
  if (opts.format && ctx.global.json) {
    throw usage_error("--format and --json cannot be combined: choose one output form");
  }
  if (opts.exec && (opts.format || ctx.global.json)) {
    throw usage_error(
        "--exec prints nothing itself: drop --format/--json (the command reads the "
        "text on stdin and the fields in MQCHAT_* variables)");
  }
  if (opts.format) plan.format = MessageTemplate::parse(*opts.format);
  if (opts.exec) plan.hook.emplace(*opts.exec);
  return plan;
}

void run_listen(const ListenOptions& opts, Context& ctx) {
  if (opts.from) validate_name(*opts.from, "user");
  if (opts.group) validate_name(*opts.group, "group");
  if (opts.count && *opts.count < 1) throw usage_error("--count must be at least 1");
  if (opts.timeout && !(*opts.timeout > 0 && *opts.timeout <= 366 * 86400.0)) {
    throw usage_error("--timeout must be positive seconds, at most a year");
  }
  auto plan = plan_listen(opts, ctx);
  auto profile = require_profile(ctx);
  auto settings = ctx.settings(&profile);
  auto state_dir = ctx.store().profile_state_dir(profile.name);
  SessionGuard guard(state_dir);
  auto lock = lock_session(guard, profile);
  SeenIds seen(state_dir / "seen_ids");
  auto history = open_history(ctx, profile);
  Inbox inbox(profile.name, seen, history);
  inbox.set_verified_only(settings.verified_only);
  auto warn = [&ctx](const std::string& m) { ctx.warn(m); };
  DeferredMessages deferred(state_dir / "deferred.jsonl");
  ListenDelivery delivery(ctx, inbox, deferred, plan.filter,
                          MessagePrinter(ctx, std::move(plan.format)), std::move(plan.hook));

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
  std::deque<IncomingMessage> later;  // what arrived during a lookup of a sender's key
  auto keys = open_sealed_messages(ctx, profile, settings, inbox, state_dir, *transport, later);
  // The start-up subscribes and presence are not waited for: with a persistent session the
  // broker sends what it queued first and answers after, and waiting would mean holding all of
  // it in memory (docs/mqtt-notes.md). They are confirmed once nothing is left to read.
  // Idempotent: recreates the subscriptions when the session expired meanwhile.
  PendingAnswers unconfirmed(*transport);
  unconfirmed.add(transport->subscribe_async({topics::inbox_of(profile.name)}, 1, true));
  GroupWatch groups(ctx, profile.name, *transport, inbox, guard);
  for (auto ticket : groups.start()) unconfirmed.add(ticket);
  LinkWatch link(
      ctx, *transport,
      [&] {
        transport->subscribe({topics::inbox_of(profile.name)}, 1, true);
        groups.resubscribe();
        groups.confirm();
        publish_presence(*transport, profile.name, true);
      },
      refusal_probe(ctx, options));
  unconfirmed.add(start_presence(*transport, profile.name, true));
  // Sends of this profile hand their messages to us instead of connecting (cmd/handoff.hpp).
  auto handoff = serve_sends(ctx, state_dir, profile, *transport, settings);
  if (ctx.global.verbose) ctx.err << "mqchat: listening as '" << profile.name << "'\n";

  const auto deadline = opts.timeout
                            ? Clock::now() + Millis(static_cast<long long>(*opts.timeout * 1000))
                            : Clock::time_point::max();
  bool output_open = true;
  auto done = [&] {
    return stop_requested() || !output_open || (opts.count && delivery.shown() >= *opts.count);
  };
  // True once MSG is dealt with for good: shown and recorded, filtered out, or dropped.
  auto handle = [&](const IncomingMessage& msg) {
    if (handoff->claim(msg) || groups.follow(msg)) return true;
    auto envelope = inbox.accept(msg, warn);
    if (envelope) output_open = delivery.deliver(*envelope);
    // A key grant can open group messages that came before it.
    for (const auto& e : inbox.take_released()) {
      if (output_open)
        output_open = delivery.deliver(e);
      else
        delivery.set_aside(e);
    }
    // Settled either way: shown and recorded, or set aside for the next listen (also when the
    // output is gone).
    return true;
  };
  auto go_offline = [&] {
    // While the broker is away there is no one to tell: the will it publishes when it notices
    // the loss says offline already, and a publish now would wait out --connect-timeout.
    if (!transport->is_connected()) return;
    try {
      publish_presence(*transport, profile.name, false);
      transport->disconnect();
    } catch (const Error& e) {
      ctx.warn(std::string("could not mark '") + profile.name + "' offline: " + e.what());
    }
  };
  // What still arrives is in the pending file already: not kept in memory too, while the
  // last round trips wait for their answers behind it. The hand-off stops before the
  // connection goes: a send in progress then sends directly.
  auto wind_down = [&] {
    transport->stop_receiving();
    handoff->stop();
    go_offline();
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
    // Messages an earlier filtered listen set aside come first: they are the oldest.
    output_open = delivery.offer_deferred(done);
    // The seen ids make a replay of what an earlier listen already showed harmless.
    for (std::size_t i = 0; i < stashed.size() && !done(); ++i) {
      if (handle(stashed[i])) release();
    }
    auto next_housekeeping = Clock::now();
    while (!done()) {
      auto now = Clock::now();
      if (now >= deadline) break;
      auto wait = std::min<Millis>(kPollInterval,
                                   std::chrono::duration_cast<Millis>(deadline - now) + Millis(1));
      bool idle = true;
      std::optional<IncomingMessage> msg;
      if (!later.empty()) {
        msg = std::move(later.front());
        later.pop_front();
      } else {
        msg = transport->next_message(wait);
      }
      if (msg) {
        idle = false;
        if (handle(*msg) && ArrivalSpool::keeps(*msg)) release();
      } else if (!unconfirmed.empty() &&
                 unconfirmed.settle(true) == PendingAnswers::State::confirmed) {
        groups.confirm();  // caught up: the answers are here by now; a refusal ends listen
      }
      // A stat of the profile and a poll of the output cost two system calls, and asking
      // paho whether it is connected lets its receive thread past a full queue: during a
      // burst they run every kHousekeeping, not for every message (a closed pipe also shows
      // as a failed write; a lost connection as an empty read, which is idle).
      if (idle || Clock::now() >= next_housekeeping) {
        // A busy listen may never be idle: the answers are confirmed as they come too (not
        // before what a key lookup read ahead was shown: that came before them).
        if (!unconfirmed.empty() && later.empty() &&
            unconfirmed.settle(false) == PendingAnswers::State::confirmed) {
          groups.confirm();
        }
        link.check();
        groups.poll();
        if (keys) keys->pins.refresh();
        if (output_closed(ctx.out_fd)) output_open = false;
        next_housekeeping = Clock::now() + kHousekeeping;
      }
    }
  } catch (const Error&) {
    // The state cannot be written (e.g. a full disk), or a start-up subscribe or presence was
    // refused: what arrived stays in the pending file for the next listen; end as a failure
    // without claiming anything was recorded.
    wind_down();
    throw;
  }
  wind_down();
  // What paho delivered after the last message listen took (--count reached, a signal, a
  // closed pipe) is still in the pending file: the next listen shows it.
  int shown = delivery.shown();
  if (ctx.global.verbose) {
    ctx.err << "mqchat: showed " << shown << " messages, dropped " << inbox.dropped() << "\n";
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
  sub->add_option("--group", opts->group, "Show only messages and notices of GROUP")
      ->type_name("GROUP");
  sub->add_option("--match", opts->match,
                  "Show only messages whose text matches RE (ECMAScript regex)")
      ->type_name("RE");
  sub->add_option("--format", opts->format,
                  "Print each message through TPL: {id} {type} {from} {to} {group} {text} "
                  "{sent_at} {verified}, \\t \\n")
      ->type_name("TPL");
  sub->add_flag("--verified-only", ctx.global.verified_only,
                "Drop messages not authenticated by the sender's pinned key (setting "
                "verified_only)");
  sub->add_option("--exec", opts->exec,
                  "Run CMD once per message: text on stdin, fields in MQCHAT_* (no shell)")
      ->type_name("CMD");
  sub->footer(
      "Messages that arrived while no listen ran are printed first. Messages that --from,\n"
      "--group or --match hide are kept (and are in 'mqchat history'): the next listen shows\n"
      "them first. --format escapes \\, tab and newline in fields, so a message is one line.\n"
      "--exec splits CMD on spaces, without a shell; MQCHAT_ID, MQCHAT_TYPE, MQCHAT_FROM,\n"
      "MQCHAT_TO, MQCHAT_GROUP, MQCHAT_SENT_AT, MQCHAT_VERIFIED. SIGINT, SIGTERM or a closed\n"
      "pipe end listen with exit 0.\n"
      "Each message says whether the key pinned for its sender sealed it: --json has\n"
      "\"verified\", human output marks others [unverified] (plain messages of foreign\n"
      "clients, a changed key); --verified-only drops them. 'listen -v' counts what it\n"
      "dropped.\n\n"
      "Examples:\n"
      "  mqchat listen --format '{sent_at}\\t{from}\\t{text}'\n"
      "  mqchat send bob 'deploy?' && mqchat listen --from bob --match '^(yes|no)' --count 1 "
      "--timeout 60\n"
      "  mqchat listen --exec 'notify-send mqchat'");
  sub->callback([opts, &ctx] { run_listen(*opts, ctx); });
}

}  // namespace mqchat
