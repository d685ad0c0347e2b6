#include "cmd/context.hpp"

#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "cmd/password_input.hpp"
#include "core/wire/error.hpp"
#include "core/wire/names.hpp"

namespace mqchat {

StateStore& Context::store() {
  if (!store_) {
    auto home = global.home;
    if (!home) home = env("MQCHAT_HOME");
    store_ = std::make_unique<StateStore>(resolve_state_paths(home, env));
  }
  return *store_;
}

Settings Context::settings(const Profile* profile) {
  Settings s = resolve_settings(setting_layers(profile));
  if (profile) use_credentials(*this, s, profile->name, profile);
  return s;
}

std::vector<std::pair<std::string, SettingLayer>> Context::setting_layers(const Profile* profile) {
  auto flags = [this](const std::string& key) -> std::optional<std::string> {
    if (key == "broker") return global.broker;
    if (key == "qos" && global.qos) return std::to_string(*global.qos);
    if (key == "cafile") return global.cafile;
    if (key == "cert") return global.cert;
    if (key == "key") return global.key;
    if (key == "insecure" && global.insecure) return std::string("true");
    if (key == "require_encryption" && global.require_encryption) return std::string("true");
    if (key == "verified_only" && global.verified_only) return std::string("true");
    if (key == "connect_timeout" && global.connect_timeout) {
      std::ostringstream s;
      s << *global.connect_timeout;
      return s.str();
    }
    return std::nullopt;
  };
  auto environment = [this](const std::string& key) -> std::optional<std::string> {
    if (key == "broker") return env("MQCHAT_BROKER");
    if (key == "cafile") return env("MQCHAT_CAFILE");
    return std::nullopt;
  };
  // The layers outlive this call: they hold copies, never references to our locals.
  auto profile_copy = profile ? std::optional<Profile>(*profile) : std::nullopt;
  auto from_profile = [profile_copy](const std::string& key) -> std::optional<std::string> {
    if (!profile_copy) return std::nullopt;
    auto it = profile_copy->settings.find(key);
    if (it == profile_copy->settings.end()) return std::nullopt;
    return it->second;
  };
  auto config = std::make_shared<Config>(store().load_config());
  auto from_config = [config](const std::string& key) -> std::optional<std::string> {
    auto it = config->settings.find(key);
    if (it == config->settings.end()) return std::nullopt;
    return it->second;
  };
  return {{"the command line", flags},
          {"the environment", environment},
          {"the profile", from_profile},
          {"config.yaml", from_config}};
}

void Context::warn(const std::string& message) {
  if (global.quiet) return;
  if (global.json) {
    // Under --json stderr is JSON Lines too, so a script can parse everything it reads.
    err << nlohmann::json{{"warning", message}}.dump(-1, ' ', false,
                                                     nlohmann::json::error_handler_t::replace)
        << "\n"
        << std::flush;
    return;
  }
  err << "mqchat: warning: " << message << "\n" << std::flush;
}

bool Context::colour() const {
  return out_is_terminal && !global.json && !env("NO_COLOR").has_value();
}

Profile require_profile(Context& ctx) {
  std::optional<std::string> name = ctx.global.profile;
  if (!name) name = ctx.env("MQCHAT_PROFILE");
  if (name && !name->empty()) {
    validate_name(*name, "profile");
  } else {
    auto current = ctx.store().load_config().current_profile;
    if (current.empty()) {
      throw not_found_error("not signed in: run 'mqchat register NAME' or 'mqchat login NAME'");
    }
    name = current;
  }
  auto profile = ctx.store().load_profile(*name);
  if (!profile) {
    throw not_found_error("no local profile '" + *name + "': run 'mqchat login " + *name + "'");
  }
  return *profile;
}

}  // namespace mqchat

namespace mqchat {

std::optional<Profile> optional_profile(Context& ctx) {
  try {
    return require_profile(ctx);
  } catch (const Error& e) {
    if (e.code() != ExitCode::not_found) throw;
    return std::nullopt;
  }
}

}  // namespace mqchat
