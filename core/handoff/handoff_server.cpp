#include "core/handoff/handoff_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/chat/directory.hpp"
#include "core/chat/outbox.hpp"
#include "core/store/files.hpp"
#include "core/wire/error.hpp"
#include "core/wire/records.hpp"
#include "core/wire/topics.hpp"

namespace mqchat {

namespace {

constexpr std::size_t kWindow = 128;  // as a direct send: unacknowledged publishes in flight
constexpr Millis kRequestWait{2000};  // for a connected sender to write its request
constexpr Millis kReplyWait{5000};    // for a sender to take the verdict
constexpr std::string_view kUsersPrefix = "mqchat/v1/users/";
constexpr std::string_view kSyncPrefix = "mqchat/v1/sync/";
constexpr std::size_t kKnownLimit = 64;  // recipients kept subscribed

// MSG as a valid entry for NAME, or nullopt (cleared, malformed, another name).
std::optional<UserRecord> entry_of(const IncomingMessage& msg, std::string_view name) {
  if (msg.payload.empty()) return std::nullopt;  // cleared
  try {
    auto record = decode_user(msg.payload);
    if (record.name == name) return record;
  } catch (const DecodeError&) {
  }
  return std::nullopt;
}

// Retained records a group lookup (members, their entries and presence) reads.
bool is_group_lookup_record(const IncomingMessage& msg) {
  if (!msg.retained) return false;
  auto kind = topics::parse(msg.topic).kind;
  return kind == topics::ParsedTopic::Kind::group_member ||
         kind == topics::ParsedTopic::Kind::presence;
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// Thrown into a lookup when the listen stops; the request ends without a verdict.
struct Stopping {};

}  // namespace

// The listen's connection as a lookup sees it: publishes and subscriptions go to the real
// transport (paho's client is thread-safe), received messages come from what claim() took.
class HandoffServer::Borrowed final : public Transport {
 public:
  explicit Borrowed(HandoffServer& server) : s_(server) {}

  ConnectResult connect(const ConnectOptions&) override {
    throw failure("the listen's connection is already open");
  }
  std::uint64_t publish_async(const std::string& topic, const std::string& payload, int qos,
                              bool retain) override {
    return s_.transport_.publish_async(topic, payload, qos, retain);
  }
  void wait(std::uint64_t ticket) override { s_.transport_.wait(ticket); }
  void subscribe(const std::vector<std::string>& filters, int qos, bool no_local) override {
    {
      // Before the SUBSCRIBE: retained records may arrive before its acknowledgement.
      std::lock_guard<std::mutex> lock(s_.mutex_);
      s_.looking_up_ = true;
    }
    s_.transport_.subscribe(filters, qos, no_local);
  }
  void unsubscribe(const std::vector<std::string>& filters) override {
    s_.transport_.unsubscribe(filters);
    std::lock_guard<std::mutex> lock(s_.mutex_);
    s_.looking_up_ = false;
    s_.claimed_.clear();
  }
  std::optional<IncomingMessage> next_message(Millis timeout) override {
    std::unique_lock<std::mutex> lock(s_.mutex_);
    s_.arrived_.wait_for(lock, timeout,
                         [this] { return !s_.claimed_.empty() || s_.stopping_.load(); });
    if (s_.stopping_) throw Stopping{};
    if (s_.claimed_.empty()) return std::nullopt;
    auto msg = std::move(s_.claimed_.front());
    s_.claimed_.pop_front();
    return msg;
  }
  bool is_connected() const override { return s_.transport_.is_connected(); }
  int mqtt_version() const override { return s_.transport_.mqtt_version(); }
  void disconnect() override {}

 private:
  HandoffServer& s_;
};

HandoffServer::HandoffServer(std::filesystem::path state_dir, std::string owner,
                             Transport& transport, Millis timeout, std::vector<std::string> brokers)
    : socket_(handoff::socket_path(state_dir)),
      owner_(std::move(owner)),
      transport_(transport),
      timeout_(timeout),
      brokers_(std::move(brokers)) {}

HandoffServer::~HandoffServer() { stop(); }

void HandoffServer::start() {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string path = socket_.string();
  if (path.size() >= sizeof addr.sun_path) {
    throw failure("the state directory's path is too long for a Unix socket ('" + path + "')");
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  ensure_private_dir(socket_.parent_path());
  // A socket left by a listen that died: we hold the listen lock, so nobody serves it.
  ::unlink(path.c_str());
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listen_fd_ < 0 ||
      ::bind(listen_fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      ::chmod(path.c_str(), 0600) != 0 || ::listen(listen_fd_, 16) != 0 ||
      ::pipe2(wake_, O_CLOEXEC) != 0) {
    int err = errno;
    stop();
    throw failure("cannot offer the send hand-off at '" + path + "': " + std::strerror(err));
  }
  thread_ = std::thread([this] { serve(); });
}

void HandoffServer::stop() {
  if (listen_fd_ < 0 && !thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  arrived_.notify_all();
  if (thread_.joinable()) {
    char byte = 1;
    (void)!::write(wake_[1], &byte, 1);
    thread_.join();
  }
  forget_known();
  for (int* fd : {&listen_fd_, &wake_[0], &wake_[1]}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
  ::unlink(socket_.c_str());
}

bool HandoffServer::claim(const IncomingMessage& msg) {
  bool sync = starts_with(msg.topic, kSyncPrefix);
  if (!sync && !starts_with(msg.topic, kUsersPrefix)) {
    if (!is_group_lookup_record(msg)) return false;
    std::lock_guard<std::mutex> lock(mutex_);
    if (!looking_up_) return false;
    claimed_.push_back(msg);
    arrived_.notify_all();
    return true;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (!sync) {
    auto known = known_.find(msg.topic.substr(kUsersPrefix.size()));
    if (known != known_.end()) {
      auto record = entry_of(msg, known->first);
      if (record) {
        known->second.record = *record;
      } else {
        known_.erase(known);
      }
    }
  }
  // The listen subscribes to directory entries and sync markers only for us; outside a lookup
  // they are changes of known recipients, late markers, or entries still subscribed in the
  // persistent session by a listen that was killed: none is a message.
  if (!looking_up_) return true;
  claimed_.push_back(msg);
  arrived_.notify_all();
  return true;
}

void HandoffServer::serve() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0 || stopping_) return;
    int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (client < 0) continue;
    handle(client);
    ::close(client);
  }
}

void HandoffServer::handle(int client) {
  // The socket is private to the user already; refuse anyone else all the same.
  ucred peer{};
  socklen_t len = sizeof peer;
  if (::getsockopt(client, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0 || peer.uid != ::geteuid()) {
    return;
  }
  auto body = handoff::read_frame(client, kRequestWait);
  if (!body) return;
  handoff::Reply reply;
  std::optional<UserRecord> watch;
  try {
    auto request = handoff::decode_request(*body);
    if (!handoff::write_all(client, handoff::frame(R"({"accepted":true})"), kRequestWait)) return;
    reply = execute(request, watch);
  } catch (const DecodeError& e) {
    reply.exit = ExitCode::usage;
    reply.error = std::string("the running listen could not read the request: ") + e.what();
  } catch (const Stopping&) {
    return;  // no verdict: the sender sends directly
  }
  handoff::write_all(client, handoff::frame(handoff::encode(reply)), kReplyWait);
  if (watch) keep_watching(*watch);  // after the verdict: the sender does not wait for it
}

std::optional<UserRecord> HandoffServer::known_record(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (transport_.connection_count() != known_connection_) {
    known_.clear();  // what changed while we were away was not kept for us
    known_connection_ = transport_.connection_count();
  }
  auto it = known_.find(name);
  if (it == known_.end()) return std::nullopt;
  it->second.used = ++uses_;
  return it->second.record;
}

void HandoffServer::keep_watching(const UserRecord& record) {
  const std::string& name = record.name;
  std::optional<std::string> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    known_[name] = Known{++uses_, record};
    if (known_.size() > kKnownLimit) {
      auto oldest = known_.begin();
      for (auto it = known_.begin(); it != known_.end(); ++it) {
        if (it->second.used < oldest->second.used) oldest = it;
      }
      dropped = oldest->first;
      known_.erase(oldest);
    }
  }
  try {
    // The broker sends the current entry again on this subscription; claim() checks it.
    transport_.subscribe({topics::user(name)}, 0);
    if (dropped) transport_.unsubscribe({topics::user(*dropped)});
  } catch (const Error&) {
    std::lock_guard<std::mutex> lock(mutex_);
    known_.erase(name);  // the next send to NAME looks it up again
  }
}

void HandoffServer::forget_known() {
  std::vector<std::string> filters;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [name, used] : known_) filters.push_back(topics::user(name));
    known_.clear();
  }
  if (filters.empty() || !transport_.is_connected()) return;
  try {
    transport_.unsubscribe(filters);  // not left in the persistent session for the next listen
  } catch (const Error&) {
    // Harmless if left: the next listen takes such entries and drops them (claim()).
  }
}

handoff::Reply HandoffServer::execute(const handoff::Request& request,
                                      std::optional<UserRecord>& watch) {
  handoff::Reply reply;
  if (!request.brokers.empty() && request.brokers != brokers_) {
    reply.direct = true;
    reply.error = "the running listen is connected to another broker";
    return reply;
  }
  for (const auto& e : request.envelopes) {
    if (e.from != owner_) {
      reply.exit = ExitCode::usage;
      reply.error = "the running listen sends only as '" + owner_ + "', not as '" + e.from + "'";
      return reply;
    }
  }
  Borrowed connection(*this);
  struct EndLookup {  // also when the lookup failed half-way
    HandoffServer& s;
    ~EndLookup() {
      std::lock_guard<std::mutex> lock(s.mutex_);
      s.looking_up_ = false;
      s.claimed_.clear();
    }
  } end_lookup{*this};
  try {
    WarningSink warn = [&reply](const std::string& m) { reply.warnings.push_back(m); };
    DirectoryReader reader{connection, owner_, timeout_, warn, {}};
    auto sealer = make_sealer_ ? make_sealer_(request, warn) : nullptr;
    if (!request.lookup.empty()) {
      auto record = known_record(request.lookup);
      if (!record) {
        record = find_user(reader, request.lookup);
        if (!record) throw no_such_recipient_error(request.lookup);
        watch = record;
      }
      if (sealer) sealer->admit_user(*record);
    }
    if (sealer) {
      for (const auto& e : request.envelopes) {
        if (e.type != MessageType::dm) sealer->admit_group(reader, e.group);
      }
    }
    publish_in_order(
        connection, request.envelopes, request.qos, kWindow,
        [&reply](std::size_t, std::size_t end) { reply.acknowledged = end; }, {},
        sealer ? sealer->encoder() : PayloadEncoder{});
    reply.ok = true;
  } catch (const Error& e) {
    if (stopping_) throw Stopping{};
    if (e.code() == ExitCode::not_found) {
      reply.exit = e.code();
      reply.error = e.what();
    } else {
      // Our connection is lost or slow (or our receive loop is stuck on a full pipe): a
      // connection of the sender's own gives the real answer.
      reply.direct = true;
      reply.error = e.what();
    }
  }
  return reply;
}

}  // namespace mqchat
