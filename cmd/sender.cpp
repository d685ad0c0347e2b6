#include "cmd/sender.hpp"

#include <ostream>

namespace mqchat {

Sender sender_for(Context& ctx, const Profile& profile, const Settings& settings,
                  const RetryOption& retry) {
  Sender sender{ctx.store(), profile, settings, ctx.make_transport,
                [&ctx](const std::string& m) { ctx.warn(m); }};
  // Notes are not warnings: --quiet does not hide them, --json does not wrap them.
  if (ctx.global.verbose) {
    sender.note = [&ctx](const std::string& m) { ctx.err << "mqchat: " << m << "\n"; };
  }
  sender.retry_for = Millis(static_cast<long long>(retry.seconds * 1000));
  return sender;
}

}  // namespace mqchat
