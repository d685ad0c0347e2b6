// The only file that includes paho (built into the module mqchat-paho.so): everything MQTT-specific
// about timeouts, version fallback and error translation lives here, behind the Transport
// interface.
#include <malloc.h>
#include <mqtt/async_client.h>

#include <atomic>
#include <deque>
#include <map>
#include <mutex>

#include "core/paho/arrival_queue.hpp"
#include "core/paho/module_parts.hpp"
#include "core/paho/socket_tuning.hpp"
#include "core/wire/broker_url.hpp"
#include "core/wire/error.hpp"
#include "core/wire/seconds_text.hpp"
#include "core/wire/transport.hpp"

namespace mqchat {

namespace {

constexpr int kMaxBuffered = 65000;  // above any publish window we keep in flight (paho -12)
// How many timeouts an answer is waited for while other messages keep arriving (60 s at the
// default 5 s; a directory of 300,000 users needs about 6 s in all).
constexpr int kSilenceRounds = 12;
// Messages received and not yet read: beyond this many paho's receive thread waits, and the
// broker waits for our acknowledgements (arrival_queue.hpp).
constexpr std::size_t kArrivalCapacity = 1024;
// How long it waits for room at most: a broker drops a client that sends nothing for 1.5
// keep-alives (45 s), and paho sends its pings only between messages.
constexpr Millis kRoomWait{5000};

// Destroying an async_client stops paho's threads in 100 ms sleeps (MQTTAsync_destroy), which
// would dominate a one-shot command. Clients are parked here instead and die with the process;
// the vector is reachable from a global, so LeakSanitizer does not report it.
void park(std::shared_ptr<void> object) {
  static std::mutex mutex;
  static auto* parked = new std::vector<std::shared_ptr<void>>();
  std::lock_guard<std::mutex> lock(mutex);
  parked->push_back(std::move(object));
}

// CONNACK codes that mean "who you are was not accepted" (3.1.1: 4, 5; MQTT 5: 0x86, 0x87).
// mosquitto 2.0 answers a wrong password and an unknown user alike (0x87, or 5 on 3.1.1).
bool is_credentials_refusal(int code) {
  return code == 4 || code == 5 || code == 134 || code == 135;
}

std::string describe_credentials_refusal(const ConnectOptions& o) {
  if (o.username.empty()) {
    return "it does not accept anonymous connections: sign in first ('mqchat register NAME' or "
           "'mqchat login NAME') and give the password with MQCHAT_PASSWORD or --password-file";
  }
  if (o.password.empty()) {
    return "it needs the password of '" + o.username +
           "': give it with MQCHAT_PASSWORD or --password-file";
  }
  return "wrong password for '" + o.username + "', or no account '" + o.username +
         "' on this broker (its operator adds one with 'mqchat broker adduser " + o.username + "')";
}

std::string describe_refusal(int code) {
  switch (code) {
    case 2:
    case 133:
      return "client identifier not valid";
    case 3:
    case 136:
      return "server unavailable";
    case 137:
      return "server busy";
    case 138:
      return "banned";
    default:
      return "reason code " + std::to_string(code);
  }
}

// Settings of paho.mqtt.c's global state, made once, before its first client in the process
// (MQTTAsync_global_init re-initialises its mutexes; Log_initialize, at the first client,
// only reads the MQTT_C_CLIENT_TRACE* variables). See docs/mqtt-notes.md.
// - OpenSSL: left to itself, paho initialises all of it when the first client is made, mqtts
//   or not (its config file, every algorithm and error string, ~3 MB of a listen's memory).
//   OpenSSL 3 initialises what TLS needs by itself when an mqtts connection first uses it.
// - Trace: Debian's build (without HIGH_PERFORMANCE) records every function entry and formats
//   a protocol trace line per packet into an in-memory ring under a global mutex, although
//   nobody reads it: ~40 % of its receive thread's time in `who`. The error level skips both;
//   left alone when MQTT_C_CLIENT_TRACE asks for paho's trace, to debug paho itself.
void prepare_paho_once() {
  static const bool done = [] {
    MQTTAsync_init_options init = MQTTAsync_init_options_initializer;
    init.do_openssl_init = 0;
    MQTTAsync_global_init(&init);
    const char* trace = std::getenv("MQTT_C_CLIENT_TRACE");
    if (!trace || !*trace) MQTTAsync_setTraceLevel(MQTTASYNC_TRACE_ERROR);
    return true;
  }();
  (void)done;
}

bool is_protocol_refusal(int rc) {
  // A 3.1.1-only broker answers a v5 CONNECT with return code 1 (or 0x84 from a v5-aware one),
  // or just closes the socket, which paho reports as -1.
  return rc == 1 || rc == 132 || rc == MQTTASYNC_FAILURE || rc == MQTTASYNC_DISCONNECTED;
}

class PahoTransport final : public Transport {
 public:
  ~PahoTransport() override {
    queue_->shut();  // nobody reads any more: a parked client's last deliveries must not wait
    if (client_) park(std::move(client_));
    if (conn_) park(std::move(conn_));
  }

  ConnectResult connect(const ConnectOptions& options) override {
    options_ = options;
    // A reconnect (send riding out a broker restart) must not ask again: its stdin may be the
    // message stream.
    if (options_.password.empty() && !prompted_password_.empty() &&
        options_.username == prompted_for_) {
      options_.password = prompted_password_;
    }
    if (options.servers.empty()) throw usage_error("no broker given: use --broker URL");
    try {
      return connect_any_version();
    } catch (const mqtt::exception& e) {
      // Refused without a password: ask once (on a terminal), then try again with it.
      const bool may_ask = is_credentials_refusal(e.get_return_code()) &&
                           !options_.username.empty() && options_.password.empty() &&
                           options_.ask_password;
      if (!may_ask) throw translate_connect(e);
      auto password = options_.ask_password(options_.username);
      if (!password || password->empty()) throw translate_connect(e);
      options_.password = *password;
      prompted_password_ = *password;
      prompted_for_ = options_.username;
    }
    try {
      return connect_any_version();
    } catch (const mqtt::exception& e) {
      throw translate_connect(e);
    }
  }

  std::uint64_t publish_async(const std::string& topic, const std::string& payload, int qos,
                              bool retain) override {
    Queue::Opening open(queue_);
    traffic_since_wait_ = true;
    if (qos > 0) keep_within_receive_maximum();
    try {
      auto msg = mqtt::make_message(topic, payload, qos, retain);
      auto token = client_->publish(msg);
      if (qos > 0) {
        std::lock_guard<std::mutex> lock(window_mutex_);
        unacknowledged_.push_back(token);
      }
      return remember(Answer{{std::move(token)}, false});
    } catch (const mqtt::exception& e) {
      // Only a publish that found the connection gone is worth another connection.
      const bool disconnected =
          e.get_return_code() == MQTTASYNC_DISCONNECTED || !client_->is_connected();
      throw Error(ExitCode::unavailable, "cannot publish to " + url() + ": " + e.get_error_str(),
                  disconnected);
    }
  }

  void wait(std::uint64_t ticket) override {
    Queue::Opening open(queue_);
    Answer answer;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = pending_.find(ticket);
      if (it == pending_.end()) return;  // kConfirmed, or a ticket of an earlier client
      answer = std::move(it->second);
      pending_.erase(it);
    }
    if (answer.subscription) return confirm_subscription(answer.tokens);
    const mqtt::token_ptr& token = answer.tokens.front();
    try {
      if (!wait_for_answer(token)) {
        // Transient: a new connection may get the acknowledgement the silent one did not.
        throw Error(ExitCode::timeout,
                    "no acknowledgement from the broker at " + url() + " within " +
                        seconds_text(options_.timeout) + ": the message may not have arrived",
                    true);
      }
    } catch (const mqtt::exception& e) {
      int reason = e.get_reason_code();
      if (reason >= 0x80) {
        throw unavailable_error("the broker at " + url() + " refused the message (reason code 0x" +
                                hex(reason) + (reason == 0x87 ? ", not authorized" : "") +
                                "): check the broker's access rules");
      }
      throw connection_error("lost the connection to " + url() + " before the broker " +
                             "acknowledged the message: " + e.get_error_str());
    }
  }

  void subscribe(const std::vector<std::string>& filters, int qos, bool no_local) override {
    wait(subscribe_async(filters, qos, no_local));
  }

  std::uint64_t subscribe_async(const std::vector<std::string>& filters, int qos,
                                bool no_local) override {
    Queue::Opening open(queue_);
    traffic_since_wait_ = true;
    try {
      // One SUBSCRIBE per filter, all in flight at once: paho-cpp 1.2.0 crashes on a multi-topic
      // subscribe with options (its response_options copy drops the options array), and the
      // broker answers in order anyway.
      Answer answer{{}, true};
      for (const auto& filter : filters) {
        if (version_ == MQTTVERSION_5) {
          answer.tokens.push_back(
              client_->subscribe(filter, qos, mqtt::subscribe_options(no_local)));
        } else {
          answer.tokens.push_back(client_->subscribe(filter, qos));
        }
      }
      return remember(std::move(answer));
    } catch (const mqtt::exception& e) {
      throw connection_error("cannot subscribe at " + url() + ": " + e.get_error_str());
    }
  }

  // The SUBACKs of TOKENS, each checked for a refusal.
  void confirm_subscription(const std::vector<mqtt::token_ptr>& tokens) {
    try {
      for (auto& token : tokens) {
        if (!wait_for_answer(token)) {
          throw timeout_error("the broker at " + url() + " did not confirm a subscription within " +
                              seconds_text(options_.timeout));
        }
        auto code = token->get_reason_code();
        if (version_ == MQTTVERSION_5 && code >= 0x80) {
          throw unavailable_error("the broker at " + url() + " refused a subscription (reason " +
                                  "code 0x" + hex(code) + "): check the broker's access rules");
        }
      }
    } catch (const mqtt::exception& e) {
      throw connection_error("cannot subscribe at " + url() + ": " + e.get_error_str());
    }
  }

  void unsubscribe(const std::vector<std::string>& filters) override {
    Queue::Opening open(queue_);
    traffic_since_wait_ = true;
    try {
      std::vector<mqtt::token_ptr> tokens;
      for (const auto& filter : filters) tokens.push_back(client_->unsubscribe(filter));
      for (auto& token : tokens) {
        if (!wait_for_answer(token)) {
          throw timeout_error("the broker at " + url() + " did not confirm an unsubscribe " +
                              "within " + seconds_text(options_.timeout));
        }
      }
    } catch (const mqtt::exception& e) {
      throw connection_error("cannot unsubscribe at " + url() + ": " + e.get_error_str());
    }
  }

  std::optional<IncomingMessage> next_message(Millis timeout) override {
    // No paho call here, so the queue is not held open: a full one makes the broker wait.
    std::optional<mqtt::const_message_ptr> taken = queue_->take(Millis(0));
    if (!taken && timeout.count() > 0) {
      wait_acknowledging_once(timeout, [this, &taken](Millis slice) {
        taken = queue_->take(slice);
        return taken.has_value();
      });
    }
    if (!taken) {
      // Idle after a burst: what arrived faster than it was read was queued, and glibc keeps
      // the freed heap of every thread's arena. Give it back, so that a listen's
      // footprint returns to its resting size.
      if (received_since_trim_ > 0) ::malloc_trim(0);
      received_since_trim_ = 0;
      return std::nullopt;
    }
    ++received_since_trim_;
    traffic_since_wait_ = true;
    const mqtt::const_message_ptr& msg = *taken;
    if (!msg) {
      // The connection-lost handler queues an empty message.
      if (!options_.auto_reconnect) {
        throw connection_error("lost the connection to the broker at " + url());
      }
      return std::nullopt;
    }
    return IncomingMessage{msg->get_topic(), msg->get_payload_str(), msg->is_retained()};
  }

  bool is_answered(std::uint64_t ticket) const override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = pending_.find(ticket);
    if (it == pending_.end()) return true;  // kConfirmed, or wait() has it already
    return std::all_of(it->second.tokens.begin(), it->second.tokens.end(),
                       [](const mqtt::token_ptr& t) { return t->is_complete(); });
  }

  void stop_receiving() override { queue_->shut(); }

  bool is_connected() const override {
    Queue::Opening open(queue_);
    return client_ && client_->is_connected();
  }

  int mqtt_version() const override { return version_ == MQTTVERSION_5 ? 5 : 4; }

  bool keeps_session() const override {
    return !options_.clean_start ||
           (version_ == MQTTVERSION_5 && options_.session_expiry_seconds > 0);
  }

  std::uint64_t connection_count() const override { return connections_->load(); }

  void disconnect() override {
    Queue::Opening open(queue_);
    if (!client_ || !client_->is_connected()) return;
    try {
      client_->disconnect(static_cast<int>(options_.timeout.count()))->wait_for(options_.timeout);
    } catch (const mqtt::exception&) {
      // Already gone: nothing left to close.
    }
  }

 private:
  static std::string hex(int v) {
    static constexpr char kHex[] = "0123456789abcdef";
    return std::string{kHex[(v >> 4) & 0xF], kHex[v & 0xF]};
  }

  std::string url() const { return options_.servers.front(); }

  // Waits up to TIMEOUT with WAIT_FOR(slice). A broker with Nagle on (mosquitto's default)
  // holds a small packet back until we acknowledge the one before, and Linux delays that ACK
  // by 40 ms: so after traffic we acknowledge what arrived before waiting, and again after 2
  // and 10 ms for what arrived during the wait (docs/mqtt-notes.md). An idle wait (a quiet
  // listen) skips the early wake-ups.
  template <class WaitFor>
  bool wait_acknowledging(Millis timeout, WaitFor&& wait_for) {
    // TIMEOUT is one of silence: an answer queued behind a stream of messages (the SUBACK of
    // the second filter of 'who' behind the retained records of the first, 300,000 of them
    // taking longer than the timeout) is waited for as long as the stream goes on, up to
    // kSilenceRounds timeouts: a listen's chat traffic must not keep a lost answer waited for.
    for (int round = 1;; ++round) {
      const auto arrived = arrivals_->load();
      if (wait_acknowledging_once(timeout, wait_for)) return true;
      if (arrivals_->load() == arrived || round == kSilenceRounds) return false;
    }
  }

  // The broker's answer to TOKEN (a PUBACK, SUBACK or UNSUBACK) within the timeout.
  bool wait_for_answer(const mqtt::token_ptr& token) {
    return wait_acknowledging(options_.timeout,
                              [&token](Millis slice) { return token->wait_for(slice); });
  }

  template <class WaitFor>
  bool wait_acknowledging_once(Millis timeout, WaitFor&& wait_for) {
    // Already there (most acknowledgements of a bulk send): no wait, nothing to acknowledge.
    if (wait_for(Millis(0))) return true;
    Millis waited{0};
    if (traffic_since_wait_.exchange(false)) {
      for (Millis slice : {Millis(2), Millis(8)}) {
        acknowledge_received();
        if (timeout - waited <= slice) break;
        if (wait_for(slice)) return true;
        waited += slice;
      }
    }
    acknowledge_received();
    return wait_for(timeout - waited);
  }

  // TCP_QUICKACK on our sockets to the broker, found again after each new connection.
  void acknowledge_received() {
    std::lock_guard<std::mutex> lock(sockets_mutex_);
    // Found again after each connect and each loss: a closed socket's number may be reused.
    const auto changes = socket_changes_->load();
    if (changes != sockets_seen_at_) {
      sockets_ = paho::sockets_to(ports_);
      sockets_seen_at_ = changes;
    }
    for (int fd : sockets_) paho::acknowledge_now(fd);
  }

  // paho.mqtt.c keeps a publish beyond the broker's Receive Maximum (mosquitto's default
  // max_inflight_messages is 20) in its queue, and its send thread sends it only when next woken
  // by a new command or by its 1 s timeout, not by the PUBACK that made room: a bulk send stalled
  // a second at a time. So we wait for acknowledgements instead, for the oldest one only:
  // waiting until half of the maximum was free saved context switches, but against a broker
  // with Nagle's algorithm on (mosquitto without set_tcp_nodelay, its default) the PUBACKs of
  // a burst then wait for our delayed ACK, 40 ms per half window: 30,000 lines took 50 s
  // instead of 2. A new PUBLISH right after each PUBACK carries the ACK at once. The broker
  // acknowledges in order, so the open publishes are the newest: the completed ones leave
  // from the front (a scan of every pending ticket took a lock per ticket, 128 per publish of
  // a bulk send).
  void keep_within_receive_maximum() {
    // Held while waiting: another thread's publish (a listen's hand-off beside its presence)
    // would have to wait for the same acknowledgements anyway.
    std::lock_guard<std::mutex> lock(window_mutex_);
    while (!unacknowledged_.empty() && unacknowledged_.front()->is_complete()) {
      unacknowledged_.pop_front();
    }
    if (unacknowledged_.size() < receive_maximum_) return;
    const std::size_t settle = unacknowledged_.size() - receive_maximum_ + 1;
    for (std::size_t i = 0; i < settle; ++i) {
      try {
        if (!wait_for_answer(unacknowledged_.front())) return;  // wait() reports it
      } catch (const mqtt::exception&) {
        // A refusal: wait() on its ticket reports it.
      }
      unacknowledged_.pop_front();
    }
  }

  // MQTT 5 first; 3.1.1 when the broker does not speak 5. Throws paho's exception.
  ConnectResult connect_any_version() {
    try {
      return connect_as(MQTTVERSION_5);
    } catch (const mqtt::exception& e) {
      if (!is_protocol_refusal(e.get_return_code())) throw;
    }
    return connect_as(MQTTVERSION_3_1_1);
  }

  mqtt::ssl_options tls_options() const {
    mqtt::ssl_options ssl;
    const TlsOptions& tls = options_.tls;
    if (tls.insecure) {
      ssl.set_enable_server_cert_auth(false);
      ssl.set_verify(false);
    } else {
      ssl.set_enable_server_cert_auth(true);
      // Checks that the certificate names the host of the URL (paho: X509_check_host/ip).
      ssl.set_verify(true);
      // Without a CA file paho.mqtt.c falls back to OpenSSL's default verify paths (the
      // system's CAs). Never ca_path(): paho-cpp 1.2.0 does not re-point CApath when the
      // ssl_options are copied into the connect options, which then read a dead string
      // (ASan: stack-use-after-scope in MQTTAsync_connect; docs/mqtt-notes.md).
      if (!tls.cafile.empty()) ssl.set_trust_store(tls.cafile);
    }
    if (!tls.cert.empty()) ssl.set_key_store(tls.cert);
    if (!tls.key.empty()) ssl.set_private_key(tls.key);
    // No ssl error handler: paho-cpp 1.2.0 gives the C library a context pointer to the
    // ssl_options object the handler was set on, which a copy into connect_options leaves
    // dangling; the handler then crashes on the first TLS error (seen: SIGSEGV in listen).
    return ssl;
  }

  ConnectResult connect_as(int version) {
    // A queue of its own for each client: what an earlier one delivered is not for this one.
    // Shut first: creating the new client takes paho's lock, which the old client's callback
    // may hold while it waits for room.
    queue_->shut();
    queue_ = std::make_shared<Queue>(kArrivalCapacity);
    Queue::Opening open(queue_);  // until connected: the caller reads only then
    if (client_) park(std::move(client_));
    {
      // Tickets of an earlier client never complete on this one; publish_in_order resends
      // what they stood for.
      std::lock_guard<std::mutex> lock(mutex_);
      pending_.clear();
    }
    {
      std::lock_guard<std::mutex> lock(window_mutex_);
      unacknowledged_.clear();
    }
    // Kept for the client's lifetime (parked with it): paho keeps pointers into it for
    // automatic reconnects.
    if (conn_) park(std::move(conn_));
    conn_ = std::make_shared<mqtt::connect_options>();
    mqtt::connect_options& conn = *conn_;
    std::vector<std::string> uris;
    for (const auto& s : options_.servers) uris.push_back(to_paho_uri(s));
    mqtt::create_options create(version, kMaxBuffered);
    create.set_send_while_disconnected(options_.auto_reconnect, false);
    prepare_paho_once();
    client_ = std::make_shared<mqtt::async_client>(uris.front(), options_.client_id, create);
    version_ = version;
    // Every arrival is counted (waits go on while the broker is still sending), handed to the
    // on_arrival hook if there is one, then queued for next_message (set before connecting:
    // queued session messages arrive right after the CONNACK). paho sends the PUBACK only
    // once this returns (paho.mqtt.c delivers first, acknowledges after; docs/mqtt-notes.md),
    // so a full queue holds the broker back instead of growing.
    client_->set_message_callback([hook = options_.on_arrival, arrivals = arrivals_,
                                   queue = queue_](mqtt::const_message_ptr m) {
      ++*arrivals;
      if (hook && m) hook(IncomingMessage{m->get_topic(), m->get_payload_str(), m->is_retained()});
      queue->put(std::move(m), kRoomWait);
    });
    {
      std::lock_guard<std::mutex> lock(sockets_mutex_);
      ports_ = paho::uri_ports(uris);
      ++*socket_changes_;
    }
    // Nagle off on every connection, reconnects included: paho leaves it on, and a PUBLISH
    // right after a PUBACK of ours would wait for the broker's delayed ACK (40 ms).
    client_->set_connected_handler([counter = connections_, changes = socket_changes_,
                                    ports = paho::uri_ports(uris)](const std::string&) {
      for (int fd : paho::sockets_to(ports)) paho::send_without_delay(fd);
      ++*changes;
      ++*counter;
    });
    // An empty message tells next_message that the connection was lost (paho-cpp queues one
    // so only for its own consumer queue).
    client_->set_connection_lost_handler(
        [changes = socket_changes_, queue = queue_](const std::string&) {
          ++*changes;
          queue->put_now(nullptr);
        });

    // Properties are set on this very object: paho 1.2.0 loses connect properties across
    // copies (see docs/mqtt-notes.md).
    conn.set_mqtt_version(version);
    conn.set_servers(mqtt::string_collection::create(uris));
    conn.set_keep_alive_interval(30);
    auto secs = std::max<long>(1, static_cast<long>((options_.timeout.count() + 999) / 1000));
    conn.set_connect_timeout(static_cast<int>(secs));
    if (version == MQTTVERSION_5) {
      conn.set_clean_start(options_.clean_start);
    } else {
      conn.set_clean_session(options_.clean_start);
    }
    if (options_.auto_reconnect) conn.set_automatic_reconnect(1, 30);
    if (!options_.username.empty()) conn.set_user_name(options_.username);
    if (!options_.password.empty()) conn.set_password(options_.password);
    if (options_.will) {
      conn.set_will_message(mqtt::make_message(options_.will->topic, options_.will->payload,
                                               options_.will->qos, options_.will->retain));
    }
    if (uses_tls()) conn.set_ssl(tls_options());
    if (version == MQTTVERSION_5 && options_.session_expiry_seconds > 0) {
      conn.set_properties(mqtt::properties{{mqtt::property::SESSION_EXPIRY_INTERVAL,
                                            static_cast<int>(options_.session_expiry_seconds)}});
    }
    auto token = client_->connect(conn);
    if (!token->wait_for(options_.timeout + Millis(500))) {
      throw connection_error("cannot reach the broker at " + url() + ": no answer within " +
                             seconds_text(options_.timeout) +
                             " (is it running? try 'mqchat broker start' or --broker URL)");
    }
    // Also here: paho may run the connected handler only after this thread went on.
    for (int fd : paho::sockets_to(ports_)) paho::send_without_delay(fd);
    auto response = token->get_connect_response();
    receive_maximum_ = 65535;
    const auto& props = response.get_properties();
    if (version == MQTTVERSION_5 && props.contains(mqtt::property::RECEIVE_MAXIMUM)) {
      receive_maximum_ = mqtt::get<uint16_t>(props, mqtt::property::RECEIVE_MAXIMUM);
      if (receive_maximum_ == 0) receive_maximum_ = 65535;  // not allowed: ignore it
    }
    return ConnectResult{response.is_session_present(), version == MQTTVERSION_5 ? 5 : 4};
  }

  bool uses_tls() const {
    return std::any_of(options_.servers.begin(), options_.servers.end(),
                       [](const std::string& u) { return to_paho_uri(u).rfind("ssl://", 0) == 0; });
  }

  Error translate_connect(const mqtt::exception& e) const {
    int rc = e.get_return_code();
    if (is_credentials_refusal(rc)) {
      return unavailable_error("the broker at " + url() +
                               " refused the connection: " + describe_credentials_refusal(options_))
          .mark_refused_credentials();
    }
    if (rc == 3 || rc == 136 || rc == 137) {
      // "Server unavailable" / "busy": a refusal for now, worth another try later.
      return Error(ExitCode::unavailable,
                   "the broker at " + url() + " refused the connection: " + describe_refusal(rc),
                   /*transient=*/true);
    }
    if (rc > 0 && rc != 1 && rc != 132) {
      return unavailable_error("the broker at " + url() +
                               " refused the connection: " + describe_refusal(rc));
    }
    // paho reports any handshake failure as -1; OpenSSL's reason came through the handler.
    if (uses_tls()) {
      // paho reports a refused TCP connect and a refused certificate alike, as -1.
      return connection_error(
          "cannot connect to the broker at " + url() +
          " over TLS: the connection or the TLS handshake failed; is the broker running, and is "
          "its certificate trusted? (give the CA certificate with --cafile or MQCHAT_CAFILE; "
          "--insecure skips the check, for testing only)");
    }
    return connection_error("cannot reach the broker at " + url() +
                            ": connection failed (is it running? start one with 'mqchat broker "
                            "start', or give --broker URL)");
  }

  using Queue = ArrivalQueue<mqtt::const_message_ptr>;

  // What a ticket waits for: a publish's acknowledgement, or the SUBACKs of a subscription.
  struct Answer {
    std::vector<mqtt::token_ptr> tokens;
    bool subscription = false;
  };

  std::uint64_t remember(Answer answer) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto ticket = ++last_ticket_;
    pending_.emplace(ticket, std::move(answer));
    return ticket;
  }

  ConnectOptions options_;
  // Shared with the callbacks of paho's threads, which may outlive this object.
  std::shared_ptr<Queue> queue_ = std::make_shared<Queue>(kArrivalCapacity);
  std::shared_ptr<mqtt::async_client> client_;
  std::shared_ptr<mqtt::connect_options> conn_;
  int version_ = MQTTVERSION_5;
  std::size_t receive_maximum_ = 65535;
  std::uint64_t received_since_trim_ = 0;
  // Shared with paho's callback thread, which may outlive this object in a parked client.
  std::shared_ptr<std::atomic<std::uint64_t>> connections_ =
      std::make_shared<std::atomic<std::uint64_t>>(0);
  std::atomic<bool> traffic_since_wait_{true};
  // Messages paho received, shared with its callback thread like connections_.
  std::shared_ptr<std::atomic<std::uint64_t>> arrivals_ =
      std::make_shared<std::atomic<std::uint64_t>>(0);
  std::mutex sockets_mutex_;  // guards ports_, sockets_, sockets_seen_at_
  std::vector<int> ports_;    // of the broker URIs, to find paho's sockets by their peer
  std::vector<int> sockets_;
  std::uint64_t sockets_seen_at_ = ~std::uint64_t{0};
  // Connects and losses, shared with paho's callback thread: sockets_ is found again after one.
  std::shared_ptr<std::atomic<std::uint64_t>> socket_changes_ =
      std::make_shared<std::atomic<std::uint64_t>>(0);
  mutable std::mutex mutex_;  // guards last_ticket_, pending_
  std::uint64_t last_ticket_ = kConfirmed;
  std::map<std::uint64_t, Answer> pending_;
  // QoS 1 and 2 publishes in the order sent, until seen acknowledged.
  std::mutex window_mutex_;
  std::deque<mqtt::delivery_token_ptr> unacknowledged_;
  std::string prompted_password_;  // typed at the prompt, for reconnects of the same user
  std::string prompted_for_;
};

}  // namespace

namespace paho {

std::unique_ptr<Transport> make_transport() { return std::make_unique<PahoTransport>(); }

std::string cpp_version() {
  auto v = mqtt::VERSION;  // 0xMMmmrrbb
  return std::to_string((v >> 24) & 0xFF) + "." + std::to_string((v >> 16) & 0xFF) + "." +
         std::to_string((v >> 8) & 0xFF);
}

std::string c_version() {
  // The library loaded at run time, which may differ from the headers compiled against.
  for (const MQTTAsync_nameValue* nv = MQTTAsync_getVersionInfo(); nv && nv->name; ++nv) {
    if (std::string(nv->name) == "Version" && nv->value) return nv->value;
  }
  return "unknown";
}

}  // namespace paho

}  // namespace mqchat
