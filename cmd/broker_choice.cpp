#include "cmd/broker_choice.hpp"

namespace mqchat {

void remember_broker(Context& ctx, Profile& profile) {
  auto given = ctx.global.broker ? ctx.global.broker : ctx.env("MQCHAT_BROKER");
  if (given && !given->empty()) profile.settings["broker"] = *given;
}

}  // namespace mqchat
