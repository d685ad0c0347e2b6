#include "core/store/settings.hpp"

#include <algorithm>
#include <cmath>

#include "core/wire/broker_url.hpp"
#include "core/wire/error.hpp"

namespace mqchat {

namespace {

const char* const kDefaultBroker = "mqtt://127.0.0.1:1883";

std::optional<long long> parse_integer(const std::string& text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  long long v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<double> parse_seconds(const std::string& text) {
  try {
    std::size_t used = 0;
    double v = std::stod(text, &used);
    if (used != text.size() || !std::isfinite(v)) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<bool> parse_flag(const std::string& text) {
  if (text == "true" || text == "1" || text == "yes") return true;
  if (text == "false" || text == "0" || text == "no") return false;
  return std::nullopt;
}

}  // namespace

const std::vector<std::string>& setting_keys() {
  static const std::vector<std::string> keys = {
      "broker", "qos", "connect_timeout", "max_text_bytes", "session_expiry",     "cafile",
      "cert",   "key", "insecure",        "encryption",     "require_encryption", "verified_only"};
  return keys;
}

std::string default_setting(const std::string& key) {
  if (key == "broker") return kDefaultBroker;
  if (key == "qos") return "1";
  if (key == "connect_timeout") return "5";
  if (key == "max_text_bytes") return "65536";
  if (key == "session_expiry") return std::to_string(30 * 24 * 3600);
  if (key == "cafile" || key == "cert" || key == "key") return "";
  if (key == "insecure") return "false";
  if (key == "encryption") return "on";
  if (key == "require_encryption" || key == "verified_only") return "false";
  throw usage_error("unknown setting '" + key + "' (see 'mqchat config list')");
}

bool is_setting_key(const std::string& key) {
  const auto& keys = setting_keys();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

std::string setting_rule(const std::string& key) {
  if (key == "broker")
    return "give mqtt://HOST[:PORT] or mqtts://HOST[:PORT], several comma-separated";
  if (key == "qos") return "use 0, 1 or 2";
  if (key == "connect_timeout") return "give seconds above 0, at most 3600, e.g. 5 or 0.5";
  if (key == "max_text_bytes") return "give a byte count from 1 to 16777216";
  if (key == "session_expiry") return "give seconds from 60 to 4294967295";
  if (key == "insecure" || key == "require_encryption" || key == "verified_only")
    return "use true or false";
  if (key == "encryption") return "use on or off";
  if (key == "cafile" || key == "cert" || key == "key") return "give the path of a PEM file";
  return {};
}

void validate_setting(const std::string& key, const std::string& value) {
  if (!is_setting_key(key)) {
    std::string keys;
    for (const auto& k : setting_keys()) keys += (keys.empty() ? "" : ", ") + k;
    throw usage_error("unknown setting '" + key + "': use one of " + keys);
  }
  // resolve_settings is the one place that knows what a value means; ask it about this one.
  SettingLayer only = [&](const std::string& k) -> std::optional<std::string> {
    if (k == key) return value;
    // cert and key are checked as a pair when used; one of them alone is a valid setting.
    if ((key == "cert" && k == "key") || (key == "key" && k == "cert")) return "pair";
    return std::nullopt;
  };
  try {
    resolve_settings({{"the value given", only}});
  } catch (const Error&) {
    throw usage_error("invalid value '" + value + "' for " + key + ": " + setting_rule(key));
  }
}

Settings resolve_settings(const std::vector<std::pair<std::string, SettingLayer>>& layers) {
  auto lookup = [&](const std::string& key) -> std::pair<std::string, std::string> {
    for (const auto& [source, layer] : layers) {
      if (auto v = layer(key)) return {*v, source};
    }
    return {default_setting(key), "default"};
  };
  auto bad = [](const std::string& key, const std::string& source, const std::string& value,
                const std::string& want) {
    return usage_error("invalid " + key + " '" + value + "' from " + source + ": " + want);
  };

  Settings s;
  auto [broker, broker_src] = lookup("broker");
  try {
    s.brokers = parse_broker_list(broker);
  } catch (const Error& e) {
    throw usage_error(std::string(e.what()) + " (from " + broker_src + ")");
  }

  auto [qos, qos_src] = lookup("qos");
  auto q = parse_integer(qos);
  if (!q || *q > 2) throw bad("qos", qos_src, qos, "use 0, 1 or 2");
  s.qos = static_cast<int>(*q);

  auto [timeout, timeout_src] = lookup("connect_timeout");
  auto t = parse_seconds(timeout);
  if (!t || *t <= 0 || *t > 3600)
    throw bad("connect_timeout", timeout_src, timeout, "give seconds, e.g. 5 or 0.5");
  s.connect_timeout = Millis(static_cast<long long>(*t * 1000));

  auto [max_text, max_src] = lookup("max_text_bytes");
  auto m = parse_integer(max_text);
  if (!m || *m < 1 || *m > 16 * 1024 * 1024) {
    throw bad("max_text_bytes", max_src, max_text, "give a byte count from 1 to 16777216");
  }
  s.max_text_bytes = static_cast<std::size_t>(*m);

  auto [expiry, expiry_src] = lookup("session_expiry");
  auto e = parse_integer(expiry);
  if (!e || *e < 60 || *e > 0xFFFFFFFFLL) {
    throw bad("session_expiry", expiry_src, expiry, "give seconds, at least 60");
  }
  s.session_expiry_seconds = static_cast<std::uint32_t>(*e);

  s.tls.cafile = lookup("cafile").first;
  s.tls.cert = lookup("cert").first;
  s.tls.key = lookup("key").first;
  if (s.tls.cert.empty() != s.tls.key.empty()) {
    throw usage_error(
        "a client certificate needs both --cert and --key (or the settings cert "
        "and key)");
  }
  auto [insecure, insecure_src] = lookup("insecure");
  auto flag = parse_flag(insecure);
  if (!flag) throw bad("insecure", insecure_src, insecure, "use true or false");
  s.tls.insecure = *flag;

  auto [encryption, encryption_src] = lookup("encryption");
  if (encryption != "on" && encryption != "off") {
    throw bad("encryption", encryption_src, encryption, "use on or off");
  }
  s.encryption = encryption == "on";
  for (auto [key, into] :
       {std::pair<const char*, bool*>{"require_encryption", &s.require_encryption},
        std::pair<const char*, bool*>{"verified_only", &s.verified_only}}) {
    auto [value, source] = lookup(key);
    auto on = parse_flag(value);
    if (!on) throw bad(key, source, value, "use true or false");
    *into = *on;
  }
  return s;
}

}  // namespace mqchat
