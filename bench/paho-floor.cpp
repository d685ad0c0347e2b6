// bench/paho-floor: what paho-mqtt-cpp itself costs, the floor under the mqchat rows of
// bench/run. The library mqchat uses, with nothing of mqchat's (no profile, envelope,
// encryption or history), used as well as we know how; each of these cost a bare client dearly:
// - at most 128 publishes in flight, a full window drained to half before the next publish:
//   with all 50,000 queued at once paho's send thread stalled a second at a time (2 stalls in
//   200 lines), and waiting for one acknowledgement per publish costs a wake-up per message;
// - Nagle's algorithm off on the client's socket (core/paho/socket_tuning.cpp): paho leaves it
//   on, and its QoS 1 loop then stalled 40 ms per publish (2,000 lines took 85 s);
// - the client is never destroyed: MQTTAsync_destroy stops paho's threads in 100 ms sleeps,
//   100-300 ms of a one-shot run. It ends with the process, as mqchat's do.
//   bench-paho-floor PORT one TOPIC TEXT      connect, publish QoS 1, disconnect
//   bench-paho-floor PORT lines TOPIC         each line of stdin, QoS 1, in order
//   bench-paho-floor PORT drain CLIENT_ID TOPIC N
//                                             N queued messages of a persistent session, each
//                                             payload printed as a line
#include <mqtt/async_client.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <string>

#include "core/paho/socket_tuning.hpp"

namespace {

int broker_port = 0;

mqtt::token_ptr connect(mqtt::async_client& client, const mqtt::connect_options& options) {
  auto connected = client.connect(options);
  connected->wait();
  for (int fd : mqchat::paho::sockets_to({broker_port})) mqchat::paho::send_without_delay(fd);
  return connected;
}

mqtt::connect_options options(bool clean) {
  mqtt::connect_options conn;
  conn.set_mqtt_version(MQTTVERSION_5);
  conn.set_clean_start(clean);
  if (!clean) {
    conn.set_properties(mqtt::properties{{mqtt::property::SESSION_EXPIRY_INTERVAL, 3600}});
  }
  return conn;
}

std::size_t receive_maximum(const mqtt::token_ptr& connected) {
  // A named copy: get_connect_response() returns by value, and the properties of the
  // temporary would dangle (they read as empty).
  const auto response = connected->get_connect_response();
  const auto& props = response.get_properties();
  if (!props.contains(mqtt::property::RECEIVE_MAXIMUM)) return 65535;
  auto value = mqtt::get<uint16_t>(props, mqtt::property::RECEIVE_MAXIMUM);
  return value == 0 ? 65535 : value;
}

int one(mqtt::async_client& client, const std::string& topic, const std::string& text) {
  connect(client, options(true));
  client.publish(topic, text, 1, false)->wait();
  client.disconnect()->wait();
  return 0;
}

int lines(mqtt::async_client& client, const std::string& topic) {
  auto connected = connect(client, options(true));
  const std::size_t window = std::min<std::size_t>(128, receive_maximum(connected));
  std::deque<mqtt::delivery_token_ptr> open;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (open.size() >= window) {
      while (open.size() > window / 2) {
        open.front()->wait();
        open.pop_front();
      }
    }
    open.push_back(client.publish(topic, line, 1, false));
  }
  for (auto& token : open) token->wait();
  client.disconnect()->wait();
  return 0;
}

int drain(mqtt::async_client& client, const std::string& topic, long count) {
  client.start_consuming();
  auto connected = connect(client, options(false));
  if (!connected->get_connect_response().is_session_present()) client.subscribe(topic, 1)->wait();
  for (long got = 0; got < count;) {
    auto msg = client.consume_message();
    if (!msg) continue;
    const auto& payload = msg->get_payload();
    std::fwrite(payload.data(), 1, payload.size(), stdout);
    std::fputc('\n', stdout);
    ++got;
  }
  std::fflush(stdout);
  client.disconnect()->wait();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: bench-paho-floor PORT one|lines|drain ARGS... (see its source)\n");
    return 2;
  }
  const std::string uri = std::string("tcp://127.0.0.1:") + argv[1];
  broker_port = std::atoi(argv[1]);
  const std::string mode = argv[2];
  const std::string client_id = mode == "drain" && argc == 6 ? argv[3] : "";
  mqtt::create_options create(MQTTVERSION_5, 65000);
  try {
    auto& client = *new mqtt::async_client(uri, client_id, create);
    if (mode == "one" && argc == 5) return one(client, argv[3], argv[4]);
    if (mode == "lines" && argc == 4) return lines(client, argv[3]);
    if (mode == "drain" && argc == 6) return drain(client, argv[4], std::atol(argv[5]));
  } catch (const mqtt::exception& e) {
    std::fprintf(stderr, "bench-paho-floor: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "bench-paho-floor: bad arguments (see its source)\n");
  return 2;
}
