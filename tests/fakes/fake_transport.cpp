#include "tests/fakes/fake_transport.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <system_error>

#include "cmd/app.hpp"
#include "core/wire/error.hpp"

namespace mqchat::fakes {

namespace {

std::vector<std::string> split_levels(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto slash = s.find('/', start);
    if (slash == std::string::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, slash - start));
    start = slash + 1;
  }
}

}  // namespace

bool topic_matches(const std::string& filter, const std::string& topic) {
  // Wildcards never match topics starting with '$' at the first level (MQTT 4.7.2).
  if (!topic.empty() && topic[0] == '$' && !filter.empty() &&
      (filter[0] == '+' || filter[0] == '#'))
    return false;
  auto f = split_levels(filter);
  auto t = split_levels(topic);
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] == "#") return true;  // also matches the parent level: "a/#" matches "a"
    if (i >= t.size()) return false;
    if (f[i] != "+" && f[i] != t[i]) return false;
  }
  return f.size() == t.size();
}

// ---- FakeBroker ----------------------------------------------------------------------------

std::vector<PublishRecord> FakeBroker::publishes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return publishes_;
}

std::vector<PublishRecord> FakeBroker::published_to(const std::string& filter) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<PublishRecord> out;
  for (const auto& p : publishes_) {
    if (!p.refused && topic_matches(filter, p.topic)) out.push_back(p);
  }
  return out;
}

std::vector<ConnectOptions> FakeBroker::connects() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return connects_;
}

std::optional<std::string> FakeBroker::retained(const std::string& topic) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = retained_.find(topic);
  if (it == retained_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> FakeBroker::retained_topics() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out;
  for (const auto& kv : retained_) out.push_back(kv.first);
  return out;
}

void FakeBroker::publish_from_outside(const std::string& topic, const std::string& payload, int qos,
                                      bool retain) {
  std::lock_guard<std::mutex> lock(mutex_);
  deliver_locked("", topic, payload, qos, retain);
}

bool FakeBroker::has_session(const std::string& client_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.count(client_id) > 0;
}

std::vector<std::string> FakeBroker::subscriptions_of(const std::string& client_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out;
  if (auto it = sessions_.find(client_id); it != sessions_.end()) {
    for (const auto& s : it->second.subscriptions) out.push_back(s.filter);
  }
  return out;
}

std::size_t FakeBroker::queued_for(const std::string& client_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(client_id);
  return it == sessions_.end() ? 0 : it->second.queued.size();
}

ConnectResult FakeBroker::connect(const ConnectOptions& options,
                                  std::shared_ptr<Connection>& conn) {
  std::lock_guard<std::mutex> lock(mutex_);
  connects_.push_back(options);
  if (refuse_connect) {
    throw unavailable_error("cannot connect to the fake broker: connection refused");
  }
  auto it = sessions_.find(options.client_id);
  if (it != sessions_.end()) {
    // Session takeover: the older connection is closed by the broker (no will: MQTT 5 sends
    // it, but mqchat never relies on that).
    if (it->second.connection) it->second.connection->connected = false;
    if (options.clean_start) sessions_.erase(it);
  }
  bool present = sessions_.count(options.client_id) > 0;
  Session& session = sessions_[options.client_id];
  session.persistent = !options.clean_start || options.session_expiry_seconds > 0;
  conn = std::make_shared<Connection>();
  conn->client_id = options.client_id;
  conn->will = options.will;
  conn->on_arrival = options.on_arrival;
  // What queued while offline arrives first.
  for (auto& m : session.queued) conn->arrive(std::move(m));
  session.queued.clear();
  session.connection = conn;
  return ConnectResult{present, 5};
}

bool FakeBroker::publish(const std::string& client_id, const std::string& topic,
                         const std::string& payload, int qos, bool retain) {
  std::lock_guard<std::mutex> lock(mutex_);
  bool refused = std::any_of(refused_topics.begin(), refused_topics.end(),
                             [&](const std::string& f) { return topic_matches(f, topic); });
  publishes_.push_back(PublishRecord{client_id, topic, payload, qos, retain, refused});
  if (refused || never_acknowledge) return false;
  deliver_locked(client_id, topic, payload, qos, retain);
  return true;
}

void FakeBroker::deliver_locked(const std::string& publisher, const std::string& topic,
                                const std::string& payload, int qos, bool retain) {
  if (retain) {
    if (payload.empty()) {
      retained_.erase(topic);
    } else {
      retained_[topic] = payload;
    }
  }
  for (auto& [client_id, session] : sessions_) {
    int best = -1;
    for (const auto& sub : session.subscriptions) {
      if (sub.no_local && client_id == publisher) continue;
      if (topic_matches(sub.filter, topic)) best = std::max(best, std::min(qos, sub.qos));
    }
    if (best < 0) continue;  // one copy per session, however many subscriptions match
    IncomingMessage m{topic, payload, false};
    if (session.connection) {
      session.connection->arrive(std::move(m));
    } else if (session.persistent && best > 0) {
      session.queued.push_back(std::move(m));
    }
  }
}

void FakeBroker::subscribe(const std::string& client_id, const std::vector<std::string>& filters,
                           int qos, bool no_local) {
  std::lock_guard<std::mutex> lock(mutex_);
  Session& session = sessions_[client_id];
  for (const auto& filter : filters) {
    auto& subs = session.subscriptions;
    subs.erase(std::remove_if(subs.begin(), subs.end(),
                              [&](const Subscription& s) { return s.filter == filter; }),
               subs.end());
    subs.push_back(Subscription{filter, qos, no_local});
    if (!session.connection) continue;
    for (const auto& [topic, payload] : retained_) {
      if (topic_matches(filter, topic)) {
        session.connection->arrive(IncomingMessage{topic, payload, true});
      }
    }
  }
}

void FakeBroker::unsubscribe(const std::string& client_id,
                             const std::vector<std::string>& filters) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(client_id);
  if (it == sessions_.end()) return;
  auto& subs = it->second.subscriptions;
  for (const auto& filter : filters) {
    subs.erase(std::remove_if(subs.begin(), subs.end(),
                              [&](const Subscription& s) { return s.filter == filter; }),
               subs.end());
  }
}

void FakeBroker::drop(const std::shared_ptr<Connection>& conn, bool publish_will) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!conn->connected) return;
  conn->connected = false;
  auto it = sessions_.find(conn->client_id);
  if (it != sessions_.end() && it->second.connection == conn) {
    it->second.connection = nullptr;
    if (!it->second.persistent) sessions_.erase(it);
  }
  if (publish_will && conn->will) {
    deliver_locked(conn->client_id, conn->will->topic, conn->will->payload, conn->will->qos,
                   conn->will->retain);
  }
}

// ---- FakeTransport -------------------------------------------------------------------------

FakeTransport::~FakeTransport() {
  if (conn_) broker_->drop(conn_, /*publish_will=*/true);
}

ConnectResult FakeTransport::connect(const ConnectOptions& options) {
  if (conn_) broker_->drop(conn_, false);
  conn_.reset();
  return broker_->connect(options, conn_);
}

void FakeTransport::require_connected(const char* what) const {
  if (!is_connected()) {
    throw unavailable_error(std::string("cannot ") + what + ": not connected to the fake broker");
  }
}

std::uint64_t FakeTransport::publish_async(const std::string& topic, const std::string& payload,
                                           int qos, bool retain) {
  require_connected("publish");
  Outcome outcome = Outcome::ok;
  if (!broker_->publish(conn_->client_id, topic, payload, qos, retain)) {
    outcome = broker_->never_acknowledge ? Outcome::silent : Outcome::refused;
  }
  auto ticket = next_ticket_++;
  tickets_[ticket] = {outcome, topic};
  return ticket;
}

void FakeTransport::wait(std::uint64_t ticket) {
  if (ticket == kConfirmed) return;
  auto it = tickets_.find(ticket);
  if (it == tickets_.end()) throw failure("fake transport: unknown ticket");
  auto [outcome, topic] = it->second;
  tickets_.erase(it);
  if (outcome == Outcome::refused) {
    throw unavailable_error("the fake broker refused the publish to '" + topic + "'");
  }
  if (outcome == Outcome::refused_subscription) {
    throw unavailable_error("the fake broker refused a subscription to '" + topic + "'");
  }
  if (outcome == Outcome::silent) {
    throw timeout_error("the fake broker did not acknowledge the publish to '" + topic + "'");
  }
}

void FakeTransport::subscribe(const std::vector<std::string>& filters, int qos, bool no_local) {
  wait(subscribe_async(filters, qos, no_local));
}

std::uint64_t FakeTransport::subscribe_async(const std::vector<std::string>& filters, int qos,
                                             bool no_local) {
  require_connected("subscribe");
  std::vector<std::string> accepted;
  std::string refused;
  for (const auto& f : filters) {
    const auto& knob = broker_->refused_subscriptions;
    if (std::find(knob.begin(), knob.end(), f) != knob.end()) {
      refused = f;
    } else {
      accepted.push_back(f);
    }
  }
  if (!accepted.empty()) broker_->subscribe(conn_->client_id, accepted, qos, no_local);
  auto ticket = next_ticket_++;
  tickets_[ticket] = {refused.empty() ? Outcome::ok : Outcome::refused_subscription, refused};
  answered_at_[ticket] = taken_ + conn_->incoming.size();
  return ticket;
}

bool FakeTransport::is_answered(std::uint64_t ticket) const {
  auto it = answered_at_.find(ticket);
  return it == answered_at_.end() || taken_ >= it->second;
}

void FakeTransport::unsubscribe(const std::vector<std::string>& filters) {
  require_connected("unsubscribe");
  broker_->unsubscribe(conn_->client_id, filters);
}

std::optional<IncomingMessage> FakeTransport::next_message(Millis /*timeout*/) {
  // Messages received before a disconnect stay readable, as with paho's consumer queue.
  if (!conn_ || conn_->incoming.empty()) return std::nullopt;
  IncomingMessage m = std::move(conn_->incoming.front());
  conn_->incoming.pop_front();
  ++taken_;
  return m;
}

bool FakeTransport::is_connected() const { return conn_ && conn_->connected; }

void FakeTransport::disconnect() {
  if (conn_) broker_->drop(conn_, /*publish_will=*/false);
}

TransportFactory fake_transport_factory(std::shared_ptr<FakeBroker> broker) {
  return
      [broker]() -> std::unique_ptr<Transport> { return std::make_unique<FakeTransport>(broker); };
}

// ---- TempDir and Machine -------------------------------------------------------------------

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "mqchat-unit-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    out.push_back(nlohmann::json::parse(text.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

Machine::Machine(std::shared_ptr<FakeBroker> broker) : broker_(std::move(broker)) {
  env["MQCHAT_HOME"] = home_.path().string();
  env["MQCHAT_BROKER"] = "mqtt://127.0.0.1:1883";
}

RunResult Machine::run(const std::vector<std::string>& args, const std::string& input) {
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  auto vars = env;
  EnvLookup lookup = [vars](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  Context ctx(in, out, err, lookup, fake_transport_factory(broker_));
  RunResult r;
  r.code = run_app(args, ctx);
  r.out = out.str();
  r.err = err.str();
  return r;
}

}  // namespace mqchat::fakes
