#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mqchat {

using Millis = std::chrono::milliseconds;

/// A message as received from the broker.
struct IncomingMessage {
  std::string topic;
  std::string payload;
  bool retained = false;
};

/// A Last Will: published by the broker when the connection dies without a DISCONNECT.
struct WillMessage {
  std::string topic;
  std::string payload;
  int qos = 1;
  bool retain = true;
};

/// TLS client settings for mqtts:// brokers.
struct TlsOptions {
  std::string cafile;     ///< PEM CA certificates to trust; empty: the system's store
  std::string cert;       ///< PEM client certificate, for brokers that require one
  std::string key;        ///< PEM private key of CERT
  bool insecure = false;  ///< accept any server certificate and host name (testing only)
};

/// Asks for the password of a user name when the broker refused the connection without one;
/// nullopt when nobody can be asked.
using PasswordPrompt = std::function<std::optional<std::string>(const std::string& username)>;

/// How to connect. Everything has a default so tests can set only what they need.
struct ConnectOptions {
  std::vector<std::string> servers;  ///< broker URLs, tried in order
  std::string client_id;
  bool clean_start = true;
  std::uint32_t session_expiry_seconds = 0;  ///< MQTT 5; 0 = session ends with the connection
  std::optional<WillMessage> will;
  std::string username;  ///< the mqchat user name on brokers with accounts; empty: anonymous
  std::string password;
  PasswordPrompt ask_password;  ///< asked once if the broker refuses USERNAME without a password
  TlsOptions tls;
  Millis timeout{5000};         ///< for the connection and for each acknowledgement
  bool auto_reconnect = false;  ///< keep reconnecting after the connection is lost
  /// Called for every received message on the transport's own thread, before the message is
  /// queued for next_message and before the broker is told it arrived (paho sends the QoS 1
  /// PUBACK after its callback returns), so what it records survives a kill. Must not throw.
  std::function<void(const IncomingMessage&)> on_arrival;
};

/// What the broker said when it accepted the connection.
struct ConnectResult {
  bool session_present = false;
  int mqtt_version = 5;  ///< 5, or 4 for MQTT 3.1.1
};

/// The one narrow interface between mqchat and MQTT. Every call blocks until the broker
/// answered or the connect timeout passed, and reports failures as Error (core/wire/error.hpp):
/// ExitCode::unavailable for refusals and lost connections, ExitCode::timeout for silence.
class Transport {
 public:
  virtual ~Transport() = default;

  /// Connects; MQTT 5 first, then 3.1.1 when the broker refuses 5.
  virtual ConnectResult connect(const ConnectOptions& options) = 0;

  /// Starts a publish and returns a ticket for wait(); QoS 0 tickets settle at once.
  virtual std::uint64_t publish_async(const std::string& topic, const std::string& payload, int qos,
                                      bool retain) = 0;

  /// A ticket that needs no wait: what subscribe_async gives when it confirmed already.
  static constexpr std::uint64_t kConfirmed = 0;

  /// Blocks until the publish or subscription of TICKET was acknowledged; throws if it was
  /// refused or timed out. Returns at once for kConfirmed.
  virtual void wait(std::uint64_t ticket) = 0;

  /// Publishes and waits for the acknowledgement.
  void publish(const std::string& topic, const std::string& payload, int qos, bool retain) {
    wait(publish_async(topic, payload, qos, retain));
  }

  /// Subscribes to FILTERS at QOS; with no_local, our own publishes are not sent back (MQTT 5).
  virtual void subscribe(const std::vector<std::string>& filters, int qos,
                         bool no_local = false) = 0;

  /// Starts subscribing to FILTERS and returns a ticket for wait(). For a session whose queued
  /// messages come before the broker's answer (a listen starting on a backlog): it reads them
  /// meanwhile instead of holding them all to get to the answer. By default it subscribes and
  /// waits, and returns kConfirmed.
  virtual std::uint64_t subscribe_async(const std::vector<std::string>& filters, int qos,
                                        bool no_local = false) {
    subscribe(filters, qos, no_local);
    return kConfirmed;
  }

  /// Whether the answer of TICKET is there, so that wait() returns at once.
  virtual bool is_answered(std::uint64_t /*ticket*/) const { return true; }

  /// From now on what arrives is dropped instead of kept for next_message: for a reader that
  /// is done (a listen ending, whose arrival spool has kept it) and must not hold in memory
  /// what comes before the answers of its last round trips.
  virtual void stop_receiving() {}

  /// Removes subscriptions (also from a persistent session).
  virtual void unsubscribe(const std::vector<std::string>& filters) = 0;

  /// The next received message, or nullopt when none arrived within TIMEOUT.
  virtual std::optional<IncomingMessage> next_message(Millis timeout) = 0;

  /// True while connected (false after a loss, until an automatic reconnect succeeds).
  virtual bool is_connected() const = 0;

  /// How many times a connection was established; grows with each automatic reconnect, after
  /// which subscriptions of a lost session must be made again.
  virtual std::uint64_t connection_count() const { return 1; }

  /// 5, or 4 when the broker took only MQTT 3.1.1.
  virtual int mqtt_version() const { return 5; }

  /// False for a clean connection whose session ends with it (a one-shot command's): its
  /// subscriptions need no UNSUBSCRIBE, which would cost a round trip for nothing.
  virtual bool keeps_session() const { return true; }

  /// Sends DISCONNECT (the will is not published) and waits for it to go out.
  virtual void disconnect() = 0;
};

/// Creates transports; commands get one from their Context so tests can inject a fake.
using TransportFactory = std::function<std::unique_ptr<Transport>()>;

/// The real transport over paho-mqtt-cpp.
std::unique_ptr<Transport> make_paho_transport();

}  // namespace mqchat
