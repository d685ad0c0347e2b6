// `mqchat config get|set|unset|list`: the settings of config.yaml (or of one profile) and where
// each effective value comes from.
#include <algorithm>
#include <iomanip>
#include <memory>
#include <ostream>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "cmd/setting_source.hpp"
#include "core/store/settings.hpp"
#include "core/wire/error.hpp"
#include "core/wire/names.hpp"

namespace mqchat {

namespace {

struct ConfigOptions {
  std::string key;
  std::string value;
  bool in_profile = false;
};

std::string key_list() {
  std::string out;
  for (const auto& k : config_keys()) out += (out.empty() ? "" : ", ") + k;
  return out;
}

void check_key(const std::string& key) {
  const auto& keys = config_keys();
  if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
    throw usage_error("unknown setting '" + key + "': use one of " + key_list());
  }
}

nlohmann::json setting_json(const EffectiveSetting& s) {
  return {{"key", s.key}, {"value", s.value}, {"source", s.source}};
}

void run_get(const ConfigOptions& opts, Context& ctx) {
  check_key(opts.key);
  auto s = effective_setting(ctx, opts.key);
  if (ctx.global.json) {
    print_json_line(ctx.out, setting_json(s));
  } else {
    ctx.out << s.value << "\n" << std::flush;
  }
}

void run_list(Context& ctx) {
  std::vector<EffectiveSetting> all;
  for (const auto& key : config_keys()) all.push_back(effective_setting(ctx, key));
  if (ctx.global.json) {
    for (const auto& s : all) print_json_line(ctx.out, setting_json(s));
    return;
  }
  std::size_t key_width = 3, value_width = 5;
  for (const auto& s : all) {
    key_width = std::max(key_width, s.key.size());
    value_width = std::max(value_width, s.value.size());
  }
  ctx.out << std::left << std::setw(static_cast<int>(key_width) + 2) << "KEY"
          << std::setw(static_cast<int>(value_width) + 2) << "VALUE"
          << "SOURCE\n";
  for (const auto& s : all) {
    ctx.out << std::setw(static_cast<int>(key_width) + 2) << s.key
            << std::setw(static_cast<int>(value_width) + 2) << (s.value.empty() ? "-" : s.value)
            << s.source << "\n";
  }
  ctx.out << std::flush;
}

// Where set and unset write: "config" (config.yaml) or "profile" (profiles/NAME.yaml).
void report_change(Context& ctx, const ConfigOptions& opts, const std::string& where,
                   const std::string& profile, bool set, bool changed) {
  if (ctx.global.json) {
    nlohmann::json j = {{"key", opts.key}, {"stored_in", where}, {"changed", changed}};
    if (set) j["value"] = opts.value;
    if (where == "profile") j["profile"] = profile;
    print_json_line(ctx.out, j);
  } else if (ctx.out_is_terminal && !ctx.global.quiet) {
    std::string file = where == "profile" ? "profile '" + profile + "'" : "config.yaml";
    if (set) {
      ctx.out << "set " << opts.key << " to '" << opts.value << "' in " << file << "\n";
    } else {
      ctx.out << (changed ? "removed " : "no ") << opts.key << (changed ? " from " : " in ") << file
              << "\n";
    }
  }
}

void set_current_profile(const ConfigOptions& opts, Context& ctx, bool set) {
  if (opts.in_profile) throw usage_error("'profile' lives in config.yaml: drop --in-profile");
  if (set) {
    validate_name(opts.value, "profile");
    if (!ctx.store().load_profile(opts.value)) {
      throw not_found_error("no local profile '" + opts.value + "': sign in with 'mqchat login " +
                            opts.value + "' (see 'mqchat profile list')");
    }
  }
  bool changed = false;
  ctx.store().update_config([&](Config& c) {
    std::string next = set ? opts.value : std::string();
    changed = c.current_profile != next;
    c.current_profile = next;
  });
  report_change(ctx, opts, "config", "", set, changed);
}

void change_setting(const ConfigOptions& opts, Context& ctx, bool set) {
  check_key(opts.key);
  if (opts.key == "profile") return set_current_profile(opts, ctx, set);
  if (set) validate_setting(opts.key, opts.value);
  bool changed = false;
  auto apply = [&](std::map<std::string, std::string>& settings) {
    if (set) {
      auto it = settings.find(opts.key);
      changed = it == settings.end() || it->second != opts.value;
      settings[opts.key] = opts.value;
    } else {
      changed = settings.erase(opts.key) > 0;
    }
  };
  if (opts.in_profile) {
    auto profile = require_profile(ctx);
    ctx.store().update_profile(profile.name, [&](Profile& p) { apply(p.settings); });
    report_change(ctx, opts, "profile", profile.name, set, changed);
  } else {
    ctx.store().update_config([&](Config& c) { apply(c.settings); });
    report_change(ctx, opts, "config", "", set, changed);
  }
}

std::string keys_help() {
  std::string keys;
  for (const auto& k : setting_keys()) keys += k + ", ";
  return "Keys: " + keys + "profile.";
}

}  // namespace

void add_config(CLI::App& app, Context& ctx) {
  auto* config = app.add_subcommand("config", "Show and change settings: get, set, unset, list");
  config->require_subcommand(1);
  config->footer(keys_help() +
                 "\n\nExamples:\n"
                 "  mqchat config list\n"
                 "  mqchat config set qos 2\n"
                 "  mqchat config get broker");

  auto get = std::make_shared<ConfigOptions>();
  auto* g = config->add_subcommand("get", "Print the value KEY has for this command line");
  g->add_option("key", get->key, "A setting (see 'mqchat config list')")->required();
  g->footer(keys_help() +
            "\n\nExamples:\n"
            "  mqchat config get broker\n"
            "  mqchat --profile bob config get qos --json");
  g->callback([get, &ctx] { run_get(*get, ctx); });

  auto set = std::make_shared<ConfigOptions>();
  auto* s = config->add_subcommand("set", "Store VALUE for KEY in config.yaml (or the profile)");
  s->add_option("key", set->key, "A setting (see 'mqchat config list')")->required();
  s->add_option("value", set->value, "The new value, checked before it is stored")->required();
  s->add_flag("--in-profile", set->in_profile,
              "Store it in the current profile: it then wins over config.yaml for that profile");
  s->footer(keys_help() +
            "\n\nExamples:\n"
            "  mqchat config set broker mqtt://chat.example:1883\n"
            "  mqchat config set --in-profile qos 0\n"
            "  mqchat config set profile bob");
  s->callback([set, &ctx] { change_setting(*set, ctx, true); });

  auto unset = std::make_shared<ConfigOptions>();
  auto* u = config->add_subcommand("unset", "Remove KEY from config.yaml (or the profile)");
  u->add_option("key", unset->key, "A setting (see 'mqchat config list')")->required();
  u->add_flag("--in-profile", unset->in_profile, "Remove it from the current profile instead");
  u->footer(keys_help() +
            "\n\nExamples:\n"
            "  mqchat config unset qos\n"
            "  mqchat config unset --in-profile broker");
  u->callback([unset, &ctx] { change_setting(*unset, ctx, false); });

  auto* l = config->add_subcommand(
      "list", "Every setting with its value and where it comes from (flag, env, profile, ...)");
  l->footer(
      "Examples:\n"
      "  mqchat config list\n"
      "  mqchat config list --json | jq -r 'select(.source != \"default\") | .key'");
  l->callback([&ctx] { run_list(ctx); });
}

}  // namespace mqchat
