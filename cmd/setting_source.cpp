#include "cmd/setting_source.hpp"

#include "core/store/settings.hpp"

namespace mqchat {

namespace {

// The short source names of mqchat-config(1), for the layer names of Context::setting_layers.
std::string short_source(const std::string& layer) {
  if (layer == "the command line") return "flag";
  if (layer == "the environment") return "env";
  if (layer == "the profile") return "profile";
  if (layer == "config.yaml") return "config";
  return layer;
}

}  // namespace

const std::vector<std::string>& config_keys() {
  static const std::vector<std::string> keys = [] {
    auto k = setting_keys();
    k.push_back("profile");
    return k;
  }();
  return keys;
}

EffectiveSetting effective_setting(Context& ctx, const std::string& key) {
  if (key == "profile") {
    if (ctx.global.profile && !ctx.global.profile->empty()) {
      return {key, *ctx.global.profile, "flag"};
    }
    if (auto env = ctx.env("MQCHAT_PROFILE"); env && !env->empty()) return {key, *env, "env"};
    auto current = ctx.store().load_config().current_profile;
    if (!current.empty()) return {key, current, "config"};
    return {key, "", "default"};
  }
  auto profile = optional_profile(ctx);
  for (const auto& [layer, lookup] : ctx.setting_layers(profile ? &*profile : nullptr)) {
    if (auto v = lookup(key)) return {key, *v, short_source(layer)};
  }
  return {key, default_setting(key), "default"};
}

}  // namespace mqchat
