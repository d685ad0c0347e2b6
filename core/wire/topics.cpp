#include "core/wire/topics.hpp"

#include <vector>

#include "core/wire/names.hpp"

namespace mqchat::topics {

namespace {

constexpr std::string_view kPrefix = "mqchat/v1/";

std::string join(std::initializer_list<std::string_view> parts) {
  std::string out(kPrefix);
  bool first = true;
  for (auto p : parts) {
    if (!first) out += '/';
    out += p;
    first = false;
  }
  return out;
}

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    auto pos = s.find('/', start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) return out;
    start = pos + 1;
  }
}

}  // namespace

std::string user(std::string_view name) { return join({"users", name}); }
std::string all_users() { return join({"users", "+"}); }
std::string presence(std::string_view name) { return join({"presence", name}); }
std::string all_presence() { return join({"presence", "+"}); }
std::string inbox(std::string_view to, std::string_view from) { return join({"inbox", to, from}); }
std::string inbox_of(std::string_view me) { return join({"inbox", me, "+"}); }
std::string group_member(std::string_view group, std::string_view name) {
  return join({"groups", group, "members", name});
}
std::string group_members(std::string_view group) {
  return join({"groups", group, "members", "+"});
}
std::string all_group_members() { return join({"groups", "+", "members", "+"}); }
std::string group_message(std::string_view group, std::string_view from) {
  return join({"groups", group, "msg", from});
}
std::string group_messages(std::string_view group) { return join({"groups", group, "msg", "+"}); }
std::string sync_marker(std::string_view owner, std::string_view nonce) {
  return join({"sync", owner, nonce});
}

ParsedTopic parse(std::string_view topic) {
  ParsedTopic out;
  if (topic.substr(0, kPrefix.size()) != kPrefix) return out;
  auto parts = split(topic.substr(kPrefix.size()));
  for (auto p : parts) {
    if (p.empty()) return out;
  }
  using Kind = ParsedTopic::Kind;
  auto names_ok = [&](std::size_t a, std::size_t b) {
    return is_valid_name(parts[a]) && is_valid_name(parts[b]);
  };
  if (parts.size() == 2 && is_valid_name(parts[1])) {
    if (parts[0] == "users") out.kind = Kind::user;
    if (parts[0] == "presence") out.kind = Kind::presence;
    if (out.kind != Kind::unknown) out.name = std::string(parts[1]);
  } else if (parts.size() == 3 && parts[0] == "inbox" && names_ok(1, 2)) {
    out.kind = Kind::inbox;
    out.name = std::string(parts[1]);
    out.from = std::string(parts[2]);
  } else if (parts.size() == 3 && parts[0] == "sync") {
    out.kind = Kind::sync;
    out.name = std::string(parts[1]);
    out.from = std::string(parts[2]);
  } else if (parts.size() == 4 && parts[0] == "groups" && names_ok(1, 3)) {
    if (parts[2] == "members") out.kind = Kind::group_member;
    if (parts[2] == "msg") out.kind = Kind::group_message;
    if (out.kind != Kind::unknown) {
      out.name = std::string(parts[1]);
      out.from = std::string(parts[3]);
    }
  }
  return out;
}

}  // namespace mqchat::topics
