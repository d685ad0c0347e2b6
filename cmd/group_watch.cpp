#include "cmd/group_watch.hpp"

#include <algorithm>

#include "core/chat/groups.hpp"
#include "core/wire/error.hpp"
#include "core/wire/topics.hpp"

namespace mqchat {

GroupWatch::GroupWatch(Context& ctx, std::string profile, Transport& transport, Inbox& inbox,
                       const SessionGuard& guard)
    : ctx_(ctx),
      profile_(std::move(profile)),
      transport_(transport),
      inbox_(inbox),
      guard_(guard),
      file_(ctx.store().profile_path(profile_)) {}

std::vector<std::uint64_t> GroupWatch::start() {
  // The user's own membership records, so joins and leaves on other machines reach us.
  std::vector<std::uint64_t> started{
      transport_.subscribe_async({topics::group_member("+", profile_)}, 1, true)};
  std::error_code ec;
  seen_time_ = std::filesystem::last_write_time(file_, ec);
  auto profile = ctx_.store().load_profile(profile_);
  apply(profile ? std::set<std::string>(profile->groups.begin(), profile->groups.end())
                : std::set<std::string>{},
        &started);
  return started;
}

void GroupWatch::poll() {
  std::error_code ec;
  auto now = std::filesystem::last_write_time(file_, ec);
  if (ec || now == seen_time_) return;
  seen_time_ = now;
  try {
    auto profile = ctx_.store().load_profile(profile_);
    if (!profile) return;
    apply(std::set<std::string>(profile->groups.begin(), profile->groups.end()));
  } catch (const Error& e) {
    ctx_.warn(std::string("could not follow a change of the profile: ") + e.what());
    seen_time_ = {};  // try again at the next poll
  }
}

bool GroupWatch::follow(const IncomingMessage& msg) {
  auto topic = topics::parse(msg.topic);
  if (topic.kind != topics::ParsedTopic::Kind::group_member || topic.from != profile_) {
    return false;
  }
  bool member = !msg.payload.empty();
  try {
    auto profile = ctx_.store().load_profile(profile_);
    if (!profile) return true;
    bool listed = std::find(profile->groups.begin(), profile->groups.end(), topic.name) !=
                  profile->groups.end();
    if (member == listed) return true;
    // A join or leave of this very profile that the next poll() will apply: the record is
    // older than it (paho can hand over the clear of a 'group leave' after the 'group join'
    // that followed it wrote the profile, and following it undid the join).
    if (listed != (subscribed_.count(topic.name) > 0)) return true;
    // Whatever happens next, the next poll() reads the profile again (apply is idempotent): a
    // join or leave written meanwhile, or an apply that failed, is caught up with then.
    seen_time_ = {};
    auto updated = ctx_.store().update_profile(profile_, [&](Profile& p) {
      auto it = std::find(p.groups.begin(), p.groups.end(), topic.name);
      if (member && it == p.groups.end()) p.groups.push_back(topic.name);
      if (!member && it != p.groups.end()) p.groups.erase(it);
      std::sort(p.groups.begin(), p.groups.end());
    });
    // Applied now, before the next message, which may already be from the group; not through
    // poll(), which would miss a write within the same tick of the file clock as the last one.
    apply(std::set<std::string>(updated.groups.begin(), updated.groups.end()));
  } catch (const Error& e) {
    ctx_.warn(std::string("could not follow a membership change of '") + topic.name +
              "': " + e.what());
  }
  return true;
}

void GroupWatch::resubscribe() {
  transport_.subscribe({topics::group_member("+", profile_)}, 1, true);
  std::vector<std::string> filters;
  for (const auto& g : subscribed_) filters.push_back(group_filter(g));
  transport_.subscribe(filters, 1, true);
}

void GroupWatch::apply(const std::set<std::string>& wanted, std::vector<std::uint64_t>* started) {
  std::vector<std::string> add, remove;
  for (const auto& g : wanted) {
    if (!subscribed_.count(g)) add.push_back(group_filter(g));
  }
  for (const auto& g : subscribed_) {
    if (!wanted.count(g)) remove.push_back(group_filter(g));
  }
  // Stop showing a left group at once, even what is still in flight; start showing a joined
  // one only once the broker confirmed the subscription.
  inbox_.set_groups(wanted);
  if (!remove.empty()) transport_.unsubscribe(remove);
  if (!add.empty() && started) {
    started->push_back(transport_.subscribe_async(add, 1, true));
  } else if (!add.empty()) {
    transport_.subscribe(add, 1, true);
  }
  subscribed_ = wanted;
  // A group join waiting for us announces itself once this says so: only once subscribed.
  if (!started) confirm();
}

void GroupWatch::confirm() { guard_.write_listen_groups(subscribed_); }

}  // namespace mqchat
