#include "cmd/group_watch.hpp"

#include "core/error.hpp"
#include "core/groups.hpp"

namespace mqchat {

GroupWatch::GroupWatch(Context& ctx, std::string profile, Transport& transport, Inbox& inbox,
                       const SessionGuard& guard)
    : ctx_(ctx),
      profile_(std::move(profile)),
      transport_(transport),
      inbox_(inbox),
      guard_(guard),
      file_(ctx.store().profile_path(profile_)) {}

void GroupWatch::start() {
  std::error_code ec;
  seen_time_ = std::filesystem::last_write_time(file_, ec);
  auto profile = ctx_.store().load_profile(profile_);
  apply(profile ? std::set<std::string>(profile->groups.begin(), profile->groups.end())
                : std::set<std::string>{});
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

void GroupWatch::resubscribe() {
  std::vector<std::string> filters;
  for (const auto& g : subscribed_) filters.push_back(group_filter(g));
  transport_.subscribe(filters, 1, true);
}

void GroupWatch::apply(const std::set<std::string>& wanted) {
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
  if (!add.empty()) transport_.subscribe(add, 1, true);
  subscribed_ = wanted;
  guard_.write_listen_groups(subscribed_);
}

}  // namespace mqchat
