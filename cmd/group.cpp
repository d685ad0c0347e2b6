#include <algorithm>
#include <iomanip>
#include <memory>
#include <ostream>

#include "cmd/commands.hpp"
#include "cmd/group_membership.hpp"
#include "cmd/message_input.hpp"
#include "cmd/output.hpp"
#include "cmd/profile_state.hpp"
#include "cmd/send_lines.hpp"
#include "cmd/send_retry.hpp"
#include "cmd/sender.hpp"
#include "core/chat/encryption.hpp"
#include "core/chat/groups.hpp"
#include "core/chat/outbox.hpp"
#include "core/chat/session.hpp"
#include "core/delivery/deliver.hpp"
#include "core/store/name_cache.hpp"
#include "core/wire/error.hpp"
#include "core/wire/format.hpp"
#include "core/wire/names.hpp"

namespace mqchat {

namespace {

struct GroupOptions {
  std::string group;
  MessageInput input;
  RetryOption retry;
  bool join = false;
};

bool is_member(const Profile& p, const std::string& group) {
  return std::find(p.groups.begin(), p.groups.end(), group) != p.groups.end();
}

// The sealer of a join or leave of GROUP, admitted before anything changes: the other members
// and their keys are the same before and after our own membership record, and a refusal (a
// changed key; a member without one while encryption is required) must leave nothing half done.
std::unique_ptr<Sealer> admitted_sealer(Context& ctx, const Profile& me, const std::string& group,
                                        const Settings& settings) {
  auto warn = [&ctx](const std::string& m) { ctx.warn(m); };
  auto sealer = std::make_unique<Sealer>(ctx.store(), me, encryption_policy(settings), warn);
  if (!sealer->active()) return sealer;
  auto oneshot = ctx.make_transport();
  oneshot->connect(oneshot_options(settings, me.name));
  sealer->admit_group(DirectoryReader{*oneshot, me.name, settings.connect_timeout, warn, {}},
                      group);
  oneshot->disconnect();
  return sealer;
}

// Membership record, then the notice (unless SEALER is null), then any messages; all
// acknowledged, all in history. SEALER was admitted for the members other than us: a joiner's
// key reaches the old members, a leaver's last key only those who stay.
void announce(Transport& t, const Profile& me, const std::string& group, MessageType notice,
              const std::vector<Envelope>& messages, History& history, const Settings& settings,
              Sealer* sealer) {
  if (notice == MessageType::join) {
    publish_membership(t, group, me.name);
  } else {
    clear_membership(t, group, me.name);
  }
  if (!sealer) return;
  std::vector<Envelope> all{make_notice(notice, me.name, group)};
  all.insert(all.end(), messages.begin(), messages.end());
  publish_in_order(t, all, settings.qos, kSendWindow, history, {}, sealer->encoder());
  if (notice == MessageType::leave) sealer->forget_group(group);
}

void print_membership(Context& ctx, const std::string& group, bool member, bool changed) {
  if (ctx.global.json) {
    print_json_line(ctx.out, {{"group", group}, {"member", member}, {"changed", changed}});
  } else if (!ctx.global.quiet) {
    if (changed) {
      ctx.out << (member ? "joined " : "left ") << group << "\n";
    } else {
      ctx.out << (member ? "already a member of " : "not a member of ") << group << "\n";
    }
  }
}

void run_join(const GroupOptions& opts, Context& ctx) {
  validate_name(opts.group, "group");
  auto profile = require_profile(ctx);
  auto settings = ctx.settings(&profile);
  bool already = is_member(profile, opts.group);
  auto history = open_history(ctx, profile);
  auto sealer = already ? nullptr : admitted_sealer(ctx, profile, opts.group, settings);
  // Joining again re-subscribes (harmless) without a second notice.
  change_membership(ctx, profile, opts.group, true, [&](Transport& t, const MessageSink&) {
    if (already) {
      publish_membership(t, opts.group, profile.name);
    } else {
      announce(t, profile, opts.group, MessageType::join, {}, history, settings, sealer.get());
    }
  });
  NameCache(ctx.store().paths().state_dir).remember(NameCache::Kind::groups, {opts.group});
  print_membership(ctx, opts.group, true, !already);
}

void run_leave(const GroupOptions& opts, Context& ctx) {
  validate_name(opts.group, "group");
  auto profile = require_profile(ctx);
  auto settings = ctx.settings(&profile);
  if (!is_member(profile, opts.group)) {
    throw not_found_error("'" + profile.name + "' is not a member of '" + opts.group +
                          "' (see 'mqchat group list')");
  }
  auto history = open_history(ctx, profile);
  // Leaving always works: when the notice cannot be sealed for those who stay, it is left out.
  std::unique_ptr<Sealer> sealer;
  try {
    sealer = admitted_sealer(ctx, profile, opts.group, settings);
  } catch (const Error& e) {
    ctx.warn(std::string("leaving '") + opts.group + "' without a notice: " + e.what());
  }
  change_membership(ctx, profile, opts.group, false, [&](Transport& t, const MessageSink&) {
    announce(t, profile, opts.group, MessageType::leave, {}, history, settings, sealer.get());
  });
  print_membership(ctx, opts.group, false, true);
}

void run_group_send(const GroupOptions& opts, Context& ctx) {
  validate_name(opts.group, "group");
  check_message_input(opts.input);
  auto profile = require_profile(ctx);
  auto settings = ctx.settings(&profile);
  bool member = is_member(profile, opts.group);
  if (!member && !opts.join) {
    throw not_found_error("'" + profile.name + "' is not a member of '" + opts.group +
                          "': join first with 'mqchat group join " + opts.group +
                          "', or add --join");
  }
  const std::string target = "group " + opts.group;
  if (member && opts.input.lines) {
    send_lines(ctx, profile, settings,
               LinesSend{opts.input, opts.retry,
                         [&](const std::string& text) {
                           return make_group_message(profile.name, opts.group, text);
                         },
                         Recipient{{}, opts.group}, target});
    return;
  }
  // A join first (--join) needs every message before it announces them.
  auto texts = read_message_texts(opts.input, ctx, settings.max_text_bytes);
  std::vector<Envelope> envelopes;
  for (const auto& t : texts) envelopes.push_back(make_group_message(profile.name, opts.group, t));
  if (member) {
    deliver(sender_for(ctx, profile, settings, opts.retry), Recipient{{}, opts.group}, envelopes);
  } else {
    auto history = open_history(ctx, profile);
    auto sealer = admitted_sealer(ctx, profile, opts.group, settings);
    change_membership(ctx, profile, opts.group, true, [&](Transport& t, const MessageSink&) {
      announce(t, profile, opts.group, MessageType::join, envelopes, history, settings,
               sealer.get());
    });
  }
  print_send_results(ctx, envelopes, target);
}

DirectoryReader reader_for(Context& ctx, Transport& t, const std::optional<Profile>& profile,
                           const Settings& settings) {
  return DirectoryReader{t,
                         profile ? profile->name : "guest",
                         settings.connect_timeout,
                         [&ctx](const std::string& m) { ctx.warn(m); },
                         {}};
}

void run_list(Context& ctx) {
  auto profile = optional_profile(ctx);
  auto settings = ctx.settings(profile ? &*profile : nullptr);
  auto transport = ctx.make_transport();
  transport->connect(oneshot_options(settings, profile ? profile->name : "guest"));
  auto groups = list_groups(reader_for(ctx, *transport, profile, settings));
  transport->disconnect();
  std::vector<std::string> names;
  for (const auto& g : groups) names.push_back(g.name);
  NameCache(ctx.store().paths().state_dir).remember(NameCache::Kind::groups, names, true);
  if (ctx.global.json) {
    for (const auto& g : groups)
      print_json_line(ctx.out, {{"name", g.name}, {"members", g.members}});
    return;
  }
  std::size_t width = 5;
  for (const auto& g : groups) width = std::max(width, g.name.size());
  ctx.out << std::left << std::setw(static_cast<int>(width) + 2) << "GROUP"
          << "MEMBERS\n";
  for (const auto& g : groups) {
    bool mine = profile && is_member(*profile, g.name);
    ctx.out << std::setw(static_cast<int>(width) + 2) << g.name << g.members
            << (mine ? "  (joined)" : "") << "\n";
  }
  ctx.out << std::flush;
}

void run_members(const GroupOptions& opts, Context& ctx) {
  validate_name(opts.group, "group");
  auto profile = optional_profile(ctx);
  auto settings = ctx.settings(profile ? &*profile : nullptr);
  auto transport = ctx.make_transport();
  transport->connect(oneshot_options(settings, profile ? profile->name : "guest"));
  auto members = list_members(reader_for(ctx, *transport, profile, settings), opts.group);
  transport->disconnect();
  std::vector<std::string> names;
  for (const auto& m : members) names.push_back(m.name);
  NameCache(ctx.store().paths().state_dir).remember(NameCache::Kind::users, names);
  if (members.empty()) {
    throw not_found_error("no group '" + opts.group +
                          "': it has no members (see 'mqchat group list')");
  }
  const bool keys = ctx.global.verbose;
  std::map<std::string, std::string> pins;
  if (profile) pins = profile->pinned_keys;
  if (ctx.global.json) {
    for (const auto& m : members) {
      auto j = member_json(m);
      if (keys) add_key_fields(j, m.user.value_or(UserRecord{m.name, {}, {}}), pins);
      print_json_line(ctx.out, j);
    }
    return;
  }
  std::size_t width = 4;
  for (const auto& m : members) width = std::max(width, m.name.size());
  ctx.out << std::left << std::setw(static_cast<int>(width) + 2) << "NAME" << std::setw(9)
          << "STATUS" << std::setw(keys ? kKeyedColumnWidth : 0) << "JOINED"
          << (keys ? kKeyColumnsHeader : "") << "\n";
  for (const auto& m : members) {
    bool online = m.presence && m.presence->online;
    ctx.out << std::setw(static_cast<int>(width) + 2) << m.name << std::setw(9)
            << (online ? "online" : "offline") << std::setw(keys ? kKeyedColumnWidth : 0)
            << local_time_text(m.record.joined_at)
            << (keys ? key_columns(m.user.value_or(UserRecord{m.name, {}, {}}), pins) : "") << "\n";
  }
  ctx.out << std::flush;
}

}  // namespace

void add_group(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("group", "Group chat: join, leave, send, list, members");
  group->require_subcommand(1);
  group->footer(
      "Examples:\n"
      "  mqchat group join Group_1\n"
      "  mqchat group send Group_1 'hello all'\n"
      "  mqchat group leave Group_1");

  auto join = std::make_shared<GroupOptions>();
  auto* j = group->add_subcommand("join", "Join GROUP: receive its messages, announce the join");
  j->add_option("group", join->group, "Group name")->required();
  j->footer(
      "Examples:\n"
      "  mqchat group join Group_1\n"
      "  mqchat group join --json devs | jq .changed");
  j->callback([join, &ctx] { run_join(*join, ctx); });

  auto leave = std::make_shared<GroupOptions>();
  auto* l =
      group->add_subcommand("leave", "Leave GROUP: announce it, receive nothing more from it");
  l->add_option("group", leave->group, "Group name")->required();
  l->footer(
      "Examples:\n"
      "  mqchat group leave Group_1\n"
      "  mqchat --profile bob group leave devs");
  l->callback([leave, &ctx] { run_leave(*leave, ctx); });

  auto send = std::make_shared<GroupOptions>();
  auto* s = group->add_subcommand("send", "Send a message to GROUP");
  s->add_option("group", send->group, "Group name")->required();
  add_message_input(*s, send->input);
  add_retry_option(*s, send->retry);
  add_encryption_option(*s, ctx);
  s->add_flag("--join", send->join, "Join the group first when not a member");
  s->footer(
      "A connection lost mid-send is re-made for up to --retry-for seconds and what the broker\n"
      "had not acknowledged is resent (members drop repeats); if the broker stays away, the\n"
      "command exits 5 and says how many messages were acknowledged: rerun with --skip that\n"
      "many.\n\n"
      "Examples:\n"
      "  mqchat group send Group_1 'meeting moved to 3pm'\n"
      "  mqchat group send --join Group_2 'hi, I am new here'\n"
      "  git log -3 --oneline | mqchat group send --lines devs");
  s->callback([send, &ctx] { run_group_send(*send, ctx); });

  auto* list = group->add_subcommand("list", "List groups that have members, with member counts");
  list->footer(
      "Examples:\n"
      "  mqchat group list\n"
      "  mqchat group list --json | jq -r .name");
  list->callback([&ctx] { run_list(ctx); });

  auto members = std::make_shared<GroupOptions>();
  auto* m = group->add_subcommand("members", "List the members of GROUP with online status");
  m->add_option("group", members->group, "Group name")->required();
  m->footer(
      "With -v, each member's key status and fingerprint (see 'mqchat who').\n\n"
      "Examples:\n"
      "  mqchat group members Group_1\n"
      "  mqchat group members -v Group_1\n"
      "  mqchat group members devs --json | jq -r 'select(.online) | .name'");
  m->callback([members, &ctx] { run_members(*members, ctx); });
}

}  // namespace mqchat
