#pragma once

// An in-memory MQTT broker and a Transport over it, for unit tests of the core and the commands:
// no sockets, no threads, no sleeping. Good enough for mqchat's use of MQTT: retained messages,
// + and # wildcards, persistent sessions that queue while offline, no_local, Last Wills.
//
// Also the two helpers every unit test of state and commands needs (a temp dir and a command
// runner); they live here because tests/fakes/ is the one place test support is shared.

#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cmd/context.hpp"
#include "core/wire/transport.hpp"

namespace mqchat::fakes {

/// True when TOPIC matches the MQTT topic FILTER (+ one level, # the rest, also the parent).
bool topic_matches(const std::string& filter, const std::string& topic);

/// One publish as the broker saw it.
struct PublishRecord {
  std::string client_id;  ///< empty for publish_from_outside
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retain = false;
  bool refused = false;  ///< refused by a knob, so not delivered
};

/// The shared in-memory broker. Sessions are keyed by client id: a session with a session expiry
/// (or clean_start off) outlives its connection and queues QoS>0 messages while offline.
class FakeBroker {
 public:
  // Knobs to inject failures.
  bool refuse_connect = false;              ///< connect throws ExitCode::unavailable
  std::vector<std::string> refused_topics;  ///< filters; publishes there fail (unavailable)
  bool never_acknowledge = false;           ///< wait() throws ExitCode::timeout; not delivered
  std::vector<std::string> refused_subscriptions;  ///< filters the broker refuses (unavailable)

  /// Every publish attempted through a FakeTransport, in order.
  std::vector<PublishRecord> publishes() const;
  /// The accepted publishes whose topic matches FILTER.
  std::vector<PublishRecord> published_to(const std::string& filter) const;
  /// The options of every connect attempt, refused ones too.
  std::vector<ConnectOptions> connects() const;

  /// The retained payload of TOPIC, if any.
  std::optional<std::string> retained(const std::string& topic) const;
  /// Every retained topic, sorted.
  std::vector<std::string> retained_topics() const;

  /// Publishes as a client that is not a FakeTransport (like mosquitto_pub): not recorded in
  /// publishes(), delivered like any other publish.
  void publish_from_outside(const std::string& topic, const std::string& payload, int qos = 1,
                            bool retain = false);

  /// True while a session for CLIENT_ID exists (online or queueing).
  bool has_session(const std::string& client_id) const;
  /// Messages queued for the offline session CLIENT_ID.
  std::size_t queued_for(const std::string& client_id) const;
  /// The filters the session CLIENT_ID is subscribed to, in subscription order.
  std::vector<std::string> subscriptions_of(const std::string& client_id) const;

  // Used by FakeTransport.
  struct Connection {
    std::string client_id;
    std::deque<IncomingMessage> incoming;
    bool connected = true;
    std::optional<WillMessage> will;
    std::function<void(const IncomingMessage&)> on_arrival;

    /// Hands M to the client: its on_arrival hook first, as paho does before acknowledging.
    void arrive(IncomingMessage m) {
      if (on_arrival) on_arrival(m);
      incoming.push_back(std::move(m));
    }
  };
  ConnectResult connect(const ConnectOptions& options, std::shared_ptr<Connection>& conn);
  /// Returns false when the publish is refused by a knob (after recording it).
  bool publish(const std::string& client_id, const std::string& topic, const std::string& payload,
               int qos, bool retain);
  void subscribe(const std::string& client_id, const std::vector<std::string>& filters, int qos,
                 bool no_local);
  void unsubscribe(const std::string& client_id, const std::vector<std::string>& filters);
  /// Ends CONN; with PUBLISH_WILL (a lost connection) its will goes out first.
  void drop(const std::shared_ptr<Connection>& conn, bool publish_will);

 private:
  struct Subscription {
    std::string filter;
    int qos = 0;
    bool no_local = false;
  };
  struct Session {
    std::vector<Subscription> subscriptions;
    std::deque<IncomingMessage> queued;  ///< while offline
    std::shared_ptr<Connection> connection;
    bool persistent = false;
  };

  void deliver_locked(const std::string& publisher, const std::string& topic,
                      const std::string& payload, int qos, bool retain);

  mutable std::mutex mutex_;
  std::map<std::string, Session> sessions_;
  std::map<std::string, std::string> retained_;
  std::vector<PublishRecord> publishes_;
  std::vector<ConnectOptions> connects_;
};

/// A Transport over a FakeBroker. next_message never sleeps: it returns what is queued or
/// nullopt at once.
class FakeTransport : public Transport {
 public:
  explicit FakeTransport(std::shared_ptr<FakeBroker> broker) : broker_(std::move(broker)) {}
  /// Without disconnect(), the connection counts as lost: the will is published.
  ~FakeTransport() override;

  ConnectResult connect(const ConnectOptions& options) override;
  std::uint64_t publish_async(const std::string& topic, const std::string& payload, int qos,
                              bool retain) override;
  void wait(std::uint64_t ticket) override;
  void subscribe(const std::vector<std::string>& filters, int qos,
                 bool no_local = false) override;  // same default as Transport
  /// As a broker answering a resumed session: the answer (a refusal too) is told by wait(),
  /// and is there (is_answered) only once what was queued before it was read.
  std::uint64_t subscribe_async(const std::vector<std::string>& filters, int qos,
                                bool no_local = false) override;
  bool is_answered(std::uint64_t ticket) const override;
  void unsubscribe(const std::vector<std::string>& filters) override;
  std::optional<IncomingMessage> next_message(Millis timeout) override;
  bool is_connected() const override;
  void disconnect() override;

 private:
  void require_connected(const char* what) const;

  enum class Outcome { ok, refused, refused_subscription, silent };
  std::shared_ptr<FakeBroker> broker_;
  std::shared_ptr<FakeBroker::Connection> conn_;
  std::uint64_t next_ticket_ = 1;
  std::map<std::uint64_t, std::pair<Outcome, std::string>> tickets_;  // outcome, topic/filter
  std::uint64_t taken_ = 0;                             // messages next_message returned
  std::map<std::uint64_t, std::uint64_t> answered_at_;  // ticket: taken_ when it is there
};

/// A factory of FakeTransports on BROKER, for Context::make_transport.
TransportFactory fake_transport_factory(std::shared_ptr<FakeBroker> broker);

/// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// What one run of the command line gave.
struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
};

/// The objects of a command's --json output: one JSON object per line of TEXT.
std::vector<nlohmann::json> json_lines(const std::string& text);

/// One user's machine for command tests: a MQCHAT_HOME of its own, an environment from a map,
/// and transports on a (possibly shared) FakeBroker.
class Machine {
 public:
  explicit Machine(std::shared_ptr<FakeBroker> broker);

  /// Runs `mqchat ARGS` with INPUT on stdin.
  RunResult run(const std::vector<std::string>& args, const std::string& input = "");

  std::map<std::string, std::string> env;  ///< MQCHAT_HOME and MQCHAT_BROKER preset
  const std::filesystem::path& home() const { return home_.path(); }
  FakeBroker& broker() { return *broker_; }

 private:
  std::shared_ptr<FakeBroker> broker_;
  TempDir home_;
};

}  // namespace mqchat::fakes
