#include "core/broker/doctor.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include "core/wire/error.hpp"
#include "core/wire/ids.hpp"
#include "core/wire/topics.hpp"

namespace mqchat {

namespace {

// Everything doctor writes lives under this root, one random subtree per run.
constexpr const char* kProbeRoot = "mqchat/v1/doctor/";
// How long a persistent probe session may outlive a crashed doctor (MQTT 5 brokers).
constexpr std::uint32_t kProbeSessionExpiry = 600;
// The end of a retained replay or of a queue drain: nothing more arrived for this long.
constexpr Millis kQuiet{1000};
// Publishes in flight: below mosquitto's default receive maximum (20). Above it, paho 1.3 holds
// the rest back and sends them only when its send thread wakes up, once a second (2,000 probe
// messages took 95 s with up to 500 in flight, 5 s with 16; docs/mqtt-notes.md).
constexpr std::size_t kPublishWindow = 16;
using Clock = std::chrono::steady_clock;

struct Node {
  std::string url;
  std::unique_ptr<Transport> link;
  int version = 0;    // 5 or 4 once connected
  std::string error;  // why it could not be reached
};

std::string node_list(const std::vector<std::string>& urls) {
  std::string out;
  for (const auto& u : urls) out += (out.empty() ? "" : ", ") + u;
  return out;
}

// Messages from TRANSPORT until DONE says so, nothing came for QUIET, or LIMIT passed.
std::vector<IncomingMessage> collect(Transport& transport, Millis quiet, Millis limit,
                                     const std::function<bool(const IncomingMessage&)>& done) {
  std::vector<IncomingMessage> out;
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    auto msg = transport.next_message(quiet);
    if (!msg) break;
    out.push_back(*msg);
    if (done(out.back())) break;
  }
  return out;
}

class Probe {
 public:
  Probe(const TransportFactory& make, const DoctorOptions& options)
      : make_(make), options_(options), root_(kProbeRoot + random_hex(12)) {}

  DoctorReport run() {
    DoctorReport report;
    connect_all();
    if (std::none_of(nodes_.begin(), nodes_.end(),
                     [](const Node& n) { return n.link != nullptr; })) {
      throw unavailable_error("cannot reach any broker (" + node_list(options_.brokers) +
                              "): " + nodes_.front().error +
                              " (check --broker, or start one with 'mqchat broker start')");
    }
    try {
      report.checks.push_back(check_reachable());
      report.checks.push_back(check_protocol());
      append(report, "retained_wildcard", "Retained messages on wildcard subscriptions",
             [this] { return check_retained(); });
      append(report, "session", "Persistent session resumed",
             [this] { return check_session_and_queue(); });
      report.checks.push_back(check_refusals());
    } catch (...) {
      cleanup();
      throw;
    }
    cleanup();
    // A row about reachability only matters when something was unreachable.
    auto& c = report.checks;
    c.erase(std::remove_if(c.begin(), c.end(),
                           [](const DoctorCheck& d) {
                             return d.id == "reachable" && d.status == CheckStatus::ok;
                           }),
            c.end());
    return report;
  }

 private:
  // Adds the rows of PROBE; when it throws (a refusal, a timeout, a lost node), one failing row
  // ID says what happened instead.
  void append(DoctorReport& report, const std::string& id, const std::string& title,
              const std::function<std::vector<DoctorCheck>()>& probe) {
    try {
      auto rows = probe();
      report.checks.insert(report.checks.end(), rows.begin(), rows.end());
    } catch (const Error& e) {
      std::string what = e.what();
      if (e.code() == ExitCode::unavailable && what.find("refused") != std::string::npos) {
        refusal_seen_ = what;
      }
      report.checks.push_back({id, title, CheckStatus::fail, "probe failed: " + what,
                               "let doctor publish and subscribe under " + std::string(kProbeRoot) +
                                   "# (an operator account on a broker with access rules)"});
    }
  }

  ConnectOptions connect_options(const std::string& url, const std::string& client_id) const {
    ConnectOptions o;
    o.servers = {url};
    o.client_id = client_id;
    o.clean_start = true;
    o.session_expiry_seconds = 0;
    o.timeout = options_.timeout;
    return o;
  }

  void connect_all() {
    for (const auto& url : options_.brokers) {
      Node node;
      node.url = url;
      try {
        auto link = make_();
        auto result = link->connect(connect_options(url, "mqchat-doctor-" + random_hex(12)));
        node.version = result.mqtt_version;
        node.link = std::move(link);
      } catch (const Error& e) {
        node.error = e.what();
      }
      nodes_.push_back(std::move(node));
    }
  }

  std::vector<Node*> reachable() {
    std::vector<Node*> out;
    for (auto& n : nodes_) {
      if (n.link) out.push_back(&n);
    }
    return out;
  }

  // Where probes are published from, and where the session is resumed.
  Node& first() { return *reachable().front(); }
  Node& last() { return *reachable().back(); }
  bool several() { return reachable().size() > 1; }

  DoctorCheck check_reachable() {
    DoctorCheck c{"reachable", "Every node reachable", CheckStatus::ok, "", ""};
    std::vector<std::string> down;
    for (const auto& n : nodes_) {
      if (!n.link) down.push_back(n.url + " (" + n.error + ")");
    }
    if (down.empty()) {
      c.detail = "all " + std::to_string(nodes_.size()) + " answered";
      return c;
    }
    c.status = CheckStatus::fail;
    c.detail = "cannot reach " + node_list(down);
    c.fix = "start the node, or leave it out of --broker";
    return c;
  }

  DoctorCheck check_protocol() {
    DoctorCheck c{"protocol", "MQTT protocol version", CheckStatus::ok, "", ""};
    std::vector<std::string> old;
    for (auto* n : reachable()) {
      if (n->version != 5) old.push_back(n->url);
    }
    if (old.empty()) {
      c.detail = "MQTT 5";
      return c;
    }
    c.status = CheckStatus::warn;
    c.detail = "MQTT 3.1.1 only (" + node_list(old) +
               " refused MQTT 5); mqchat falls back to 3.1.1 and works";
    c.fix = "prefer MQTT 5 where the broker offers it: only MQTT 5 reports refused messages";
    return c;
  }

  std::vector<DoctorCheck> check_retained() {
    std::vector<DoctorCheck> out;
    const auto probe_topic = root_ + "/retained/probe";
    const auto filter = root_ + "/retained/+";
    const std::string probe_payload = "mqchat doctor " + root_;
    retained_written_ = true;
    first().link->publish(probe_topic, probe_payload, 1, true);

    auto saw_probe = [&](Transport& t) {
      t.subscribe({filter}, 1);
      auto got = collect(t, options_.timeout, options_.timeout, [&](const IncomingMessage& m) {
        return m.topic == probe_topic && m.retained && m.payload == probe_payload;
      });
      return !got.empty() && got.back().topic == probe_topic && got.back().retained;
    };

    DoctorCheck wildcard{"retained_wildcard", "Retained messages on wildcard subscriptions",
                         CheckStatus::ok, "", ""};
    if (saw_probe(*first().link)) {
      wildcard.detail = "delivered";
    } else {
      wildcard.status = CheckStatus::fail;
      wildcard.detail = "a retained message was not delivered on a '+' subscription";
      wildcard.fix =
          "use a broker that replays retained messages on wildcard filters (mosquitto, EMQX, "
          "HiveMQ, VerneMQ): who, group list and group members read them";
    }
    out.push_back(wildcard);
    if (!several()) return out;

    DoctorCheck same{"retained_shared", "Same retained state on every node", CheckStatus::ok, "",
                     ""};
    std::vector<std::string> missing;
    for (auto* n : reachable()) {
      if (n != &first() && !saw_probe(*n->link)) missing.push_back(n->url);
    }
    // The user directory, as each node replays it.
    std::map<std::string, std::string> reference;
    std::vector<std::string> different;
    bool have_reference = false;
    for (auto* n : reachable()) {
      n->link->subscribe({topics::all_users()}, 1);
      std::map<std::string, std::string> records;
      for (const auto& m :
           collect(*n->link, kQuiet, Millis(30000), [](const IncomingMessage&) { return false; })) {
        if (m.retained && m.topic != probe_topic) records[m.topic] = m.payload;
      }
      n->link->unsubscribe({topics::all_users()});
      if (!have_reference) {
        reference = records;
        have_reference = true;
      } else if (records != reference) {
        different.push_back(n->url + " (" + std::to_string(records.size()) + " users)");
      }
    }
    if (missing.empty() && different.empty()) {
      same.detail = "a retained probe and the " + std::to_string(reference.size()) +
                    " directory records are the same on all " + std::to_string(reachable().size()) +
                    " nodes";
    } else {
      same.status = CheckStatus::fail;
      if (!missing.empty()) {
        same.detail = "a retained message published on " + first().url + " is missing on " +
                      node_list(missing);
      }
      if (!different.empty()) {
        same.detail += std::string(same.detail.empty() ? "" : "; ") + "the directory differs on " +
                       node_list(different) + " from " + first().url + " (" +
                       std::to_string(reference.size()) + " users)";
      }
      same.fix =
          "use a cluster that replicates retained messages (EMQX, HiveMQ, VerneMQ, aedes with "
          "redis), or give mqchat one node; RabbitMQ and ejabberd keep them per node";
    }
    out.push_back(same);
    return out;
  }

  std::vector<DoctorCheck> check_session_and_queue() {
    std::vector<DoctorCheck> out;
    const auto queue_topic = root_ + "/session/queue";
    session_id_ = "mqchat-doctor-" + root_.substr(root_.rfind('/') + 1);
    auto session_options = [&](const std::string& url) {
      auto o = connect_options(url, session_id_);
      o.clean_start = false;
      o.session_expiry_seconds = kProbeSessionExpiry;
      return o;
    };

    DoctorCheck session{"session", "Persistent session resumed", CheckStatus::ok, "", ""};
    DoctorCheck queue{"offline_queue", "Offline messages kept per session", CheckStatus::ok, "",
                      ""};
    // The session subscribes on the first node and goes away...
    {
      auto link = make_();
      session_made_ = true;
      link->connect(session_options(first().url));
      link->subscribe({queue_topic}, 1);
      link->disconnect();
    }
    // ...the messages queue for it...
    const auto total = options_.queue_probe;
    std::deque<std::uint64_t> in_flight;
    for (std::size_t i = 1; i <= total; ++i) {
      if (in_flight.size() >= kPublishWindow) {
        first().link->wait(in_flight.front());
        in_flight.pop_front();
      }
      in_flight.push_back(first().link->publish_async(queue_topic, std::to_string(i), 1, false));
    }
    for (auto t : in_flight) first().link->wait(t);
    // ...and it comes back on the last node.
    auto link = make_();
    auto result = link->connect(session_options(last().url));
    std::set<std::string> received;
    auto limit = Millis(std::max<long long>(30000, static_cast<long long>(total) * 20));
    for (const auto& m : collect(*link, Millis(2000), limit, [&](const IncomingMessage& m) {
           if (m.topic == queue_topic) received.insert(m.payload);
           return received.size() >= total;
         })) {
      (void)m;
    }
    link->disconnect();

    std::string where = several() ? " on " + last().url + " after leaving " + first().url : "";
    if (!result.session_present) {
      session.status = CheckStatus::fail;
      session.detail = "the broker did not resume the session" + where;
      session.fix = several()
                        ? "use a cluster that shares sessions between nodes (EMQX, HiveMQ, "
                          "VerneMQ, aedes with redis); offline messages are lost otherwise"
                        : "keep persistent sessions (mosquitto: persistent_client_expiration, "
                          "persistence true)";
      queue.status = CheckStatus::unknown;
      queue.detail = "not measured: no session was resumed";
    } else if (received.empty() && total > 0) {
      session.status = CheckStatus::fail;
      session.detail = "the session came back" + where + " without its queued messages";
      session.fix = "check the broker's session persistence";
      queue.status = CheckStatus::fail;
      queue.detail = "none of " + std::to_string(total) + " queued messages was delivered";
      queue.fix = "raise the broker's per-session queue limit (see below)";
    } else {
      session.detail = "resumed" + where;
      if (received.size() >= total) {
        queue.detail = "at least " + std::to_string(total) + " QoS 1 messages (probed up to " +
                       std::to_string(total) + ")";
      } else {
        queue.status = CheckStatus::fail;
        queue.detail = "kept " + std::to_string(received.size()) + " of " + std::to_string(total) +
                       " QoS 1 messages sent to an offline session; the rest were dropped";
        queue.fix =
            "raise the per-session queue: mosquitto max_queued_messages 1000000 (as 'mqchat broker "
            "config' writes), EMQX mqueue.max_len, HiveMQ max-queued-messages, VerneMQ "
            "max_offline_messages, aedes-persistence-redis maxSessionDelivery";
      }
    }
    out.push_back(session);
    out.push_back(queue);
    return out;
  }

  DoctorCheck check_refusals() {
    DoctorCheck c{"refusals", "Refused messages reported", CheckStatus::unknown, "", ""};
    if (!refusal_seen_.empty()) {
      c.status = CheckStatus::ok;
      c.detail = "yes: the broker refused a probe and said so (" + refusal_seen_ + ")";
      return c;
    }
    auto nodes = reachable();
    bool all_v5 =
        std::all_of(nodes.begin(), nodes.end(), [](const Node* n) { return n->version == 5; });
    if (!all_v5) {
      c.status = CheckStatus::warn;
      c.detail =
          "no: MQTT 3.1.1 has no reason codes, so a message the broker refuses (access rules) "
          "is dropped silently and send still succeeds";
      c.fix = "use MQTT 5 where the broker offers it";
      return c;
    }
    c.detail =
        "not tested: MQTT 5 lets the broker report a refused message, but this broker accepted "
        "every probe (no access rules to trip)";
    return c;
  }

  // Removes what the probes created; failures here are not worth a row.
  void cleanup() {
    if (retained_written_ && !nodes_.empty() && !reachable().empty()) {
      try {
        first().link->publish(root_ + "/retained/probe", "", 1, true);
      } catch (const Error&) {
        // The node went away: its retained probe cannot be cleared from here.
      }
    }
    if (session_made_) {
      for (auto* n : reachable()) {
        try {
          auto link = make_();
          link->connect(connect_options(n->url, session_id_));  // clean start, expiry 0
          link->disconnect();
          break;
        } catch (const Error&) {
          // Try the next node.
        }
      }
    }
    for (auto* n : reachable()) {
      try {
        n->link->disconnect();
      } catch (const Error&) {
        // Closing anyway.
      }
    }
  }

  const TransportFactory& make_;
  const DoctorOptions& options_;
  std::string root_;
  std::vector<Node> nodes_;
  std::string session_id_;
  bool retained_written_ = false;
  bool session_made_ = false;
  std::string refusal_seen_;  // the error of a refused probe publish, if one was refused
};

}  // namespace

const char* to_string(CheckStatus status) {
  switch (status) {
    case CheckStatus::ok:
      return "ok";
    case CheckStatus::warn:
      return "warn";
    case CheckStatus::fail:
      return "fail";
    case CheckStatus::unknown:
      return "unknown";
  }
  return "unknown";
}

bool DoctorReport::passed() const {
  return std::none_of(checks.begin(), checks.end(),
                      [](const DoctorCheck& c) { return c.status == CheckStatus::fail; });
}

DoctorReport run_doctor(const TransportFactory& make, const DoctorOptions& options) {
  if (options.brokers.empty()) throw usage_error("no broker given: use --broker URL[,URL...]");
  return Probe(make, options).run();
}

}  // namespace mqchat
