#include "core/wire/broker_url.hpp"

#include "core/wire/error.hpp"

namespace mqchat {

namespace {

struct ParsedUrl {
  bool tls = false;
  std::string host;
  int port = 0;
};

ParsedUrl parse_url(std::string_view url) {
  auto bad = [&](const std::string& why) {
    return usage_error("invalid broker URL '" + std::string(url) + "': " + why +
                       " (expected mqtt://HOST[:PORT] or mqtts://HOST[:PORT])");
  };
  ParsedUrl out;
  auto sep = url.find("://");
  if (sep == std::string_view::npos) throw bad("no scheme");
  auto scheme = url.substr(0, sep);
  if (scheme == "mqtt" || scheme == "tcp") {
    out.tls = false;
  } else if (scheme == "mqtts" || scheme == "ssl") {
    out.tls = true;
  } else {
    throw bad("unknown scheme '" + std::string(scheme) + "'");
  }
  auto rest = url.substr(sep + 3);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) throw bad("a path is not allowed");
  std::string_view host = rest;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) throw bad("unclosed '['");
    host = rest.substr(0, close + 1);
    auto after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') throw bad("junk after the address");
      port = after.substr(1);
    }
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) throw bad("no host");
  for (char c : host) {
    if (c == ' ' || c == '@' || c == ',' || static_cast<unsigned char>(c) < 0x21) {
      throw bad("bad character in host");
    }
  }
  out.host = std::string(host);
  out.port = out.tls ? 8883 : 1883;
  if (!port.empty() || (port.empty() && rest.size() != host.size())) {
    if (port.empty() || port.size() > 5) throw bad("bad port");
    int p = 0;
    for (char c : port) {
      if (c < '0' || c > '9') throw bad("bad port");
      p = p * 10 + (c - '0');
    }
    if (p < 1 || p > 65535) throw bad("port out of range");
    out.port = p;
  }
  return out;
}

}  // namespace

std::vector<std::string> parse_broker_list(std::string_view value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= value.size()) {
    auto comma = value.find(',', start);
    auto item = value.substr(start, comma == std::string_view::npos ? comma : comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) throw usage_error("empty broker URL in '" + std::string(value) + "'");
    parse_url(item);
    out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string to_paho_uri(std::string_view url) {
  auto parsed = parse_url(url);
  return std::string(parsed.tls ? "ssl://" : "tcp://") + parsed.host + ":" +
         std::to_string(parsed.port);
}

}  // namespace mqchat
