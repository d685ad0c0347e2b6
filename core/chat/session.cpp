#include "core/chat/session.hpp"

#include "core/wire/clock.hpp"
#include "core/wire/ids.hpp"
#include "core/wire/topics.hpp"

namespace mqchat {

std::string new_session_client_id(std::string_view name) {
  return "mqchat-" + std::string(name) + "-" + random_hex(12);
}

namespace {

// Who connects and how: the same for one-shot and session connections.
void set_credentials(ConnectOptions& o, const Settings& settings) {
  o.username = settings.username;
  o.password = settings.password;
  o.ask_password = settings.ask_password;
  o.tls = settings.tls;
}

}  // namespace

ConnectOptions oneshot_options(const Settings& settings, std::string_view owner) {
  ConnectOptions o;
  set_credentials(o, settings);
  o.servers = settings.brokers;
  o.client_id = "mqchat-" + std::string(owner) + "-x" + random_hex(11);
  o.clean_start = true;
  o.session_expiry_seconds = 0;
  o.timeout = settings.connect_timeout;
  return o;
}

ConnectOptions session_options(const Settings& settings, const std::string& client_id) {
  ConnectOptions o;
  set_credentials(o, settings);
  o.servers = settings.brokers;
  o.client_id = client_id;
  o.clean_start = false;
  o.session_expiry_seconds = settings.session_expiry_seconds;
  o.timeout = settings.connect_timeout;
  return o;
}

WillMessage offline_will(std::string_view name, const std::string& since) {
  return WillMessage{topics::presence(name), encode(PresenceRecord{false, since}), 1, true};
}

std::uint64_t start_presence(Transport& transport, std::string_view name, bool online) {
  return transport.publish_async(topics::presence(name),
                                 encode(PresenceRecord{online, now_rfc3339()}), 1, true);
}

void publish_presence(Transport& transport, std::string_view name, bool online) {
  transport.wait(start_presence(transport, name, online));
}

}  // namespace mqchat
