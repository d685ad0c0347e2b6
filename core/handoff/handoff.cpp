#include "core/handoff/handoff.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>

namespace mqchat::handoff {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

int millis_left(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(std::min<long long>(left, 1 << 30));
}

// Waits until FD is ready for EVENTS; false on timeout or error.
bool wait_ready(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, millis_left(deadline));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

bool read_exactly(int fd, char* data, std::size_t size, Clock::time_point deadline) {
  while (size > 0) {
    ssize_t n = ::read(fd, data, size);
    if (n > 0) {
      data += n;
      size -= static_cast<std::size_t>(n);
    } else if (n == 0) {
      return false;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!wait_ready(fd, POLLIN, deadline)) return false;
    } else if (errno != EINTR) {
      return false;
    }
  }
  return true;
}

const json& member(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) throw DecodeError(std::string("missing '") + key + "'");
  return *it;
}

json parse(std::string_view body) {
  auto j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw DecodeError("not a JSON object");
  return j;
}

// Closes the socket however offer() leaves.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::filesystem::path socket_path(const std::filesystem::path& state_dir) {
  return state_dir / "listen.sock";
}

std::string frame(std::string_view body) {
  auto n = static_cast<std::uint32_t>(body.size());
  std::string out{static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                  static_cast<char>(n)};
  out.append(body);
  return out;
}

std::string encode(const Request& r) {
  json envelopes = json::array();
  for (const auto& e : r.envelopes) envelopes.push_back(to_json(e));
  return json{{"v", 1},
              {"lookup", r.lookup},
              {"qos", r.qos},
              {"brokers", r.brokers},
              {"encryption", r.encryption},
              {"require_encryption", r.require_encryption},
              {"envelopes", std::move(envelopes)}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string encode(const Reply& r) {
  json j = {{"ok", r.ok}, {"acknowledged", r.acknowledged}};
  if (r.direct) {
    j["direct"] = true;
    j["error"] = r.error;
  } else if (!r.ok) {
    j["exit"] = static_cast<int>(r.exit);
    j["error"] = r.error;
  }
  if (!r.warnings.empty()) j["warnings"] = r.warnings;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Request decode_request(std::string_view body) {
  auto j = parse(body);
  try {
    if (member(j, "v") != 1) throw DecodeError("unknown protocol version");
    Request r;
    r.lookup = member(j, "lookup").get<std::string>();
    r.qos = member(j, "qos").get<int>();
    if (r.qos < 0 || r.qos > 2) throw DecodeError("'qos' must be 0, 1 or 2");
    if (auto it = j.find("brokers"); it != j.end()) {
      r.brokers = it->get<std::vector<std::string>>();
    }
    if (auto it = j.find("encryption"); it != j.end()) r.encryption = it->get<bool>();
    if (auto it = j.find("require_encryption"); it != j.end()) {
      r.require_encryption = it->get<bool>();
    }
    const auto& envelopes = member(j, "envelopes");
    if (!envelopes.is_array() || envelopes.empty()) throw DecodeError("no envelopes");
    for (const auto& e : envelopes) r.envelopes.push_back(envelope_from_json(e));
    return r;
  } catch (const json::exception& e) {
    throw DecodeError(std::string("malformed request: ") + e.what());
  }
}

Reply decode_reply(std::string_view body) {
  auto j = parse(body);
  try {
    Reply r;
    r.ok = member(j, "ok").get<bool>();
    r.acknowledged = member(j, "acknowledged").get<std::size_t>();
    if (auto it = j.find("direct"); it != j.end()) r.direct = it->get<bool>();
    if (r.direct) {
      r.error = member(j, "error").get<std::string>();
    } else if (!r.ok) {
      int code = member(j, "exit").get<int>();
      if (code < 1 || code > 5) throw DecodeError("'exit' out of range");
      r.exit = static_cast<ExitCode>(code);
      r.error = member(j, "error").get<std::string>();
    }
    if (auto it = j.find("warnings"); it != j.end()) {
      r.warnings = it->get<std::vector<std::string>>();
    }
    return r;
  } catch (const json::exception& e) {
    throw DecodeError(std::string("malformed reply: ") + e.what());
  }
}

std::optional<std::string> read_frame(int fd, Millis timeout) {
  auto deadline = Clock::now() + timeout;
  unsigned char head[4];
  if (!read_exactly(fd, reinterpret_cast<char*>(head), 4, deadline)) return std::nullopt;
  std::size_t size = (std::size_t{head[0]} << 24) | (std::size_t{head[1]} << 16) |
                     (std::size_t{head[2]} << 8) | std::size_t{head[3]};
  if (size > kMaxFrameBytes) return std::nullopt;
  std::string body(size, '\0');
  if (!read_exactly(fd, body.data(), size, deadline)) return std::nullopt;
  return body;
}

bool write_all(int fd, std::string_view data, Millis timeout) {
  auto deadline = Clock::now() + timeout;
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n >= 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!wait_ready(fd, POLLOUT, deadline)) return false;
    } else if (errno != EINTR) {
      return false;
    }
  }
  return true;
}

Attempt offer(const std::filesystem::path& socket, const Request& request, Millis accept_wait,
              Millis verdict_wait) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string path = socket.string();
  if (path.size() >= sizeof addr.sun_path) return {std::nullopt, "socket path too long"};
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);

  auto body = encode(request);
  if (body.size() > kMaxFrameBytes) return {std::nullopt, "too much to hand over"};
  // Non-blocking: a listen that stopped accepting (full backlog) must not stall the send.
  Fd s{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)};
  if (s.fd < 0) return {std::nullopt, std::string("socket: ") + std::strerror(errno)};
  if (::connect(s.fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    // ENOENT: no listen; ECONNREFUSED: a stale socket of a listen that died.
    return {std::nullopt, std::string("no listen answers (") + std::strerror(errno) + ")"};
  }
  if (!write_all(s.fd, frame(body), accept_wait)) {
    return {std::nullopt, "the listen did not take the request"};
  }
  auto accepted = read_frame(s.fd, accept_wait);
  if (!accepted) return {std::nullopt, "the listen did not accept the request in time"};
  auto verdict = read_frame(s.fd, verdict_wait);
  if (!verdict) return {std::nullopt, "the listen gave no verdict in time"};
  try {
    auto reply = decode_reply(*verdict);
    if (reply.direct) return {std::nullopt, "the listen could not send: " + reply.error};
    return {std::move(reply), ""};
  } catch (const DecodeError& e) {
    return {std::nullopt, std::string("the listen's verdict was unreadable: ") + e.what()};
  }
}

}  // namespace mqchat::handoff
