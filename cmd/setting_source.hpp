#pragma once

#include <string>
#include <vector>

#include "cmd/context.hpp"

namespace mqchat {

/// A key of `mqchat config`: the settings of core/store/settings.hpp plus "profile".
const std::vector<std::string>& config_keys();

/// The value a command would use for KEY and where it comes from: "flag", "env", "profile",
/// "config" or "default" (for "profile" with no current profile: an empty value, "default").
struct EffectiveSetting {
  std::string key;
  std::string value;
  std::string source;
};

/// The effective value of KEY (one of config_keys()) for this command line.
EffectiveSetting effective_setting(Context& ctx, const std::string& key);

}  // namespace mqchat
