#include "core/store/state_store.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "core/store/files.hpp"
#include "core/wire/error.hpp"
#include "core/wire/names.hpp"

namespace mqchat {

namespace {

Error corrupt(const fs::path& path, const std::string& why) {
  return failure("cannot read '" + path.string() + "': " + why +
                 " (repair the YAML by hand, or move the file away to start over)");
}

YAML::Node parse_yaml(const fs::path& path, const std::string& text) {
  try {
    YAML::Node node = YAML::Load(text);
    if (node.IsNull()) return YAML::Node(YAML::NodeType::Map);
    if (!node.IsMap()) throw corrupt(path, "not a YAML mapping");
    return node;
  } catch (const YAML::Exception& e) {
    throw corrupt(path, "line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

std::string scalar(const fs::path& path, const YAML::Node& node, const char* key) {
  auto v = node[key];
  if (!v || v.IsNull()) return {};
  if (!v.IsScalar()) throw corrupt(path, std::string("'") + key + "' is not a single value");
  return v.as<std::string>();
}

std::map<std::string, std::string> string_map(const fs::path& path, const YAML::Node& node,
                                              const char* key) {
  std::map<std::string, std::string> out;
  auto v = node[key];
  if (!v || v.IsNull()) return out;
  if (!v.IsMap()) throw corrupt(path, std::string("'") + key + "' is not a mapping");
  for (const auto& kv : v) {
    if (!kv.first.IsScalar())
      throw corrupt(path, std::string("a key in '") + key + "' is not a single value");
    if (!kv.second.IsScalar())
      throw corrupt(path, std::string("a value in '") + key + "' is not a single value");
    out[kv.first.as<std::string>()] = kv.second.as<std::string>();
  }
  return out;
}

void emit_map(YAML::Emitter& out, const char* key, const std::map<std::string, std::string>& m) {
  if (m.empty()) return;
  out << YAML::Key << key << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : m) out << YAML::Key << k << YAML::Value << YAML::DoubleQuoted << v;
  out << YAML::EndMap;
}

std::string render(const Config& c) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "current_profile" << YAML::Value << c.current_profile;
  emit_map(out, "settings", c.settings);
  out << YAML::EndMap;
  return std::string("# mqchat configuration; see 'mqchat config list'\n") + out.c_str() + "\n";
}

std::string render(const Profile& p) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << p.name;
  if (!p.phone.empty()) out << YAML::Key << "phone" << YAML::Value << YAML::DoubleQuoted << p.phone;
  out << YAML::Key << "registered_at" << YAML::Value << p.registered_at;
  out << YAML::Key << "client_id" << YAML::Value << p.client_id;
  out << YAML::Key << "groups" << YAML::Value << YAML::Flow << p.groups;
  emit_map(out, "settings", p.settings);
  if (!p.identity.empty()) {
    out << YAML::Key << "identity" << YAML::Value << YAML::DoubleQuoted << p.identity;
  }
  emit_map(out, "pinned_keys", p.pinned_keys);
  out << YAML::EndMap;
  return std::string("# mqchat profile\n") + out.c_str() + "\n";
}

Profile profile_from(const fs::path& path, const YAML::Node& node, const std::string& name) {
  Profile p;
  p.name = scalar(path, node, "name");
  if (p.name != name) throw corrupt(path, "'name' does not match the file name");
  p.phone = scalar(path, node, "phone");
  p.registered_at = scalar(path, node, "registered_at");
  p.client_id = scalar(path, node, "client_id");
  if (p.client_id.empty()) throw corrupt(path, "'client_id' is missing");
  if (auto groups = node["groups"]; groups && !groups.IsNull()) {
    if (!groups.IsSequence()) throw corrupt(path, "'groups' is not a list");
    for (const auto& g : groups) {
      if (!g.IsScalar()) throw corrupt(path, "'groups' holds something that is not a name");
      auto group = g.as<std::string>();
      if (!is_valid_name(group)) throw corrupt(path, "'groups' holds an invalid name");
      p.groups.push_back(group);
    }
  }
  p.settings = string_map(path, node, "settings");
  p.identity = scalar(path, node, "identity");
  p.pinned_keys = string_map(path, node, "pinned_keys");
  for (const auto& [user, key] : p.pinned_keys) {
    if (!is_valid_name(user)) throw corrupt(path, "'pinned_keys' names an invalid user");
  }
  return p;
}

}  // namespace

StatePaths resolve_state_paths(
    const std::optional<std::string>& home_dir,
    const std::function<std::optional<std::string>(const char*)>& getenv) {
  if (home_dir && !home_dir->empty()) return StatePaths{*home_dir, *home_dir};
  auto base = [&](const char* xdg, const char* fallback) -> fs::path {
    if (auto v = getenv(xdg); v && !v->empty() && fs::path(*v).is_absolute()) {
      return fs::path(*v) / "mqchat";
    }
    auto home = getenv("HOME");
    if (!home || home->empty()) {
      throw failure(
          "cannot find a place for mqchat's files: set HOME or MQCHAT_HOME, or use --home");
    }
    return fs::path(*home) / fallback / "mqchat";
  };
  return StatePaths{base("XDG_CONFIG_HOME", ".config"), base("XDG_STATE_HOME", ".local/state")};
}

StateStore::StateStore(StatePaths paths) : paths_(std::move(paths)) {}

fs::path StateStore::config_file() const { return paths_.config_dir / "config.yaml"; }
fs::path StateStore::profile_file(const std::string& name) const {
  return paths_.config_dir / "profiles" / (name + ".yaml");
}
fs::path StateStore::lock_file() const { return paths_.config_dir / ".lock"; }

Config StateStore::load_config() const {
  Config c;
  auto path = config_file();
  auto text = read_file(path);
  if (!text) return c;
  auto node = parse_yaml(path, *text);
  try {
    c.current_profile = scalar(path, node, "current_profile");
    if (!c.current_profile.empty() && !is_valid_name(c.current_profile)) {
      throw corrupt(path, "'current_profile' is not a valid name");
    }
    c.settings = string_map(path, node, "settings");
  } catch (const YAML::Exception& e) {
    throw corrupt(path, e.msg);
  }
  return c;
}

Config StateStore::update_config(const std::function<void(Config&)>& change) {
  auto lock = FileLock::acquire(lock_file());
  Config c = load_config();
  change(c);
  write_file_atomic(config_file(), render(c));
  return c;
}

std::optional<Profile> StateStore::load_profile(const std::string& name) const {
  if (!is_valid_name(name)) return std::nullopt;
  auto path = profile_file(name);
  auto text = read_file(path);
  if (!text) return std::nullopt;
  auto node = parse_yaml(path, *text);
  try {
    return profile_from(path, node, name);
  } catch (const YAML::Exception& e) {
    throw corrupt(path, e.msg);
  }
}

void StateStore::save_profile(const Profile& profile) {
  auto lock = FileLock::acquire(lock_file());
  write_file_atomic(profile_file(profile.name), render(profile));
}

Profile StateStore::update_profile(const std::string& name,
                                   const std::function<void(Profile&)>& change) {
  auto lock = FileLock::acquire(lock_file());
  auto p = load_profile(name);
  if (!p) {
    throw not_found_error("no local profile '" + name + "': sign in with 'mqchat login " + name +
                          "'");
  }
  change(*p);
  write_file_atomic(profile_file(name), render(*p));
  return *p;
}

std::vector<std::string> StateStore::list_profiles() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(paths_.config_dir / "profiles", ec)) {
    auto path = entry.path();
    if (path.extension() != ".yaml") continue;
    auto name = path.stem().string();
    if (is_valid_name(name)) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

fs::path StateStore::profile_state_dir(const std::string& name) const {
  auto dir = paths_.state_dir / "state" / name;
  ensure_private_dir(dir);
  return dir;
}

}  // namespace mqchat
