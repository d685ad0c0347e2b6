#include "core/chat/directory.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include "core/wire/envelope.hpp"
#include "core/wire/error.hpp"
#include "core/wire/ids.hpp"
#include "core/wire/seconds_text.hpp"
#include "core/wire/topics.hpp"

namespace mqchat {

namespace {

std::string printable_topic(const std::string& topic) {
  std::string out;
  for (char c : topic.substr(0, 120)) {
    out += (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) ? c : '?';
  }
  return out;
}

}  // namespace

std::vector<IncomingMessage> read_retained(const DirectoryReader& reader,
                                           const std::vector<std::string>& filters) {
  std::vector<IncomingMessage> out;
  read_retained(reader, filters, [&out](IncomingMessage&& msg) { out.push_back(std::move(msg)); });
  return out;
}

namespace {

// Publishes TOKEN on MARKER and hands what arrives until it comes back to ON_RETAINED (retained
// records) or READER.other (anything else of ours); true when a retained record came.
// READER.timeout bounds the broker's silence, not the whole read: a directory of 300,000 users
// takes longer than the default 5 s to arrive, and goes on arriving.
bool read_until_marker(const DirectoryReader& reader, const std::string& marker,
                       const std::string& token,
                       const std::function<void(IncomingMessage&&)>& on_retained,
                       std::size_t& records) {
  reader.transport.publish(marker, token, 1, false);
  bool got_retained = false;
  auto deadline = std::chrono::steady_clock::now() + reader.timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      throw timeout_error(
          "the broker sent nothing for " + seconds_text(reader.timeout) +
          " while mqchat read the directory (" + std::to_string(records) +
          " records so far): it must let mqchat publish and subscribe to mqchat/v1/sync/" +
          reader.owner + "/#; on a slow link raise --connect-timeout");
    }
    auto msg = reader.transport.next_message(left);
    if (!msg) continue;
    if (msg->topic == marker) {
      if (msg->payload == token) return got_retained;
      continue;  // an earlier round's marker
    }
    if (msg->retained) {
      // Only the directory itself counts as progress: a session's other traffic must not keep
      // a read whose marker never comes (a broker that forbids mqchat/v1/sync/) going.
      deadline = std::chrono::steady_clock::now() + reader.timeout;
      got_retained = true;
      ++records;
      on_retained(std::move(*msg));
    } else if (reader.other && topics::parse(msg->topic).kind != topics::ParsedTopic::Kind::sync) {
      reader.other(std::move(*msg));
    }
  }
}

}  // namespace

void read_retained(const DirectoryReader& reader, const std::vector<std::string>& filters,
                   const std::function<void(IncomingMessage&&)>& on_retained) {
  Transport& transport = reader.transport;
  const std::string nonce = random_hex(16);
  const std::string marker = topics::sync_marker(reader.owner, nonce);
  // One subscription, marker first: its SUBACK covers every filter before the marker goes out.
  std::vector<std::string> all{marker};
  all.insert(all.end(), filters.begin(), filters.end());
  // QoS 0 subscriptions: retained replay at QoS 1 is cut off by the broker's per-client queue
  // limit (mosquitto's default 1000 delivered 1,020 of 3,000 records), while at QoS 0 it
  // arrives whole and twice as fast. The marker travels the same QoS 0 path, so it cannot
  // overtake the records; it is published at QoS 1 so its arrival at the broker is confirmed.
  transport.subscribe(all, 0);

  // mosquitto sends a subscription's retained records before anything published after its
  // SUBACK, so one marker marks their end. aedes (our 3.1.1 test cluster) fetches them from
  // redis after the SUBACK, and a marker can overtake some (a group's member list came back
  // with one member of three, now and then): on 3.1.1, markers follow until one round brings
  // no new record.
  const int rounds = transport.mqtt_version() >= 5 ? 1 : 4;
  std::size_t records = 0;
  for (int round = 0; round < rounds; ++round) {
    bool got = read_until_marker(reader, marker, nonce + "-" + std::to_string(round), on_retained,
                                 records);
    if (round > 0 && !got) break;
  }
  // A persistent session would keep the subscriptions (and queue what they match) for good.
  if (transport.keeps_session()) transport.unsubscribe(all);
}

std::optional<UserRecord> find_user(const DirectoryReader& reader, const std::string& name) {
  const auto& warn = reader.warn;
  for (auto& msg : read_retained(reader, {topics::user(name)})) {
    if (msg.topic != topics::user(name) || msg.payload.empty()) continue;
    try {
      auto record = decode_user(msg.payload);
      if (record.name == name) return record;
      warn("ignoring the directory entry of '" + name + "': it names '" + record.name + "'");
    } catch (const DecodeError& e) {
      warn("ignoring the malformed directory entry of '" + name + "': " + e.what());
    }
  }
  return std::nullopt;
}

Error no_such_recipient_error(const std::string& name) {
  return not_found_error("cannot send to '" + name + "': no such user (see 'mqchat who')");
}

std::vector<UserListing> list_users(const DirectoryReader& reader) {
  const auto& warn = reader.warn;
  std::map<std::string, UserListing> users;
  std::map<std::string, PresenceRecord> presence;
  read_retained(reader, {topics::all_users(), topics::all_presence()}, [&](IncomingMessage&& msg) {
    if (msg.payload.empty()) return;  // a cleared record
    auto topic = topics::parse(msg.topic);
    try {
      if (topic.kind == topics::ParsedTopic::Kind::user) {
        auto record = decode_user(msg.payload);
        if (record.name != topic.name) throw DecodeError("it names '" + record.name + "'");
        users[topic.name].user = std::move(record);
      } else if (topic.kind == topics::ParsedTopic::Kind::presence) {
        presence[topic.name] = decode_presence(msg.payload);
      }
    } catch (const DecodeError& e) {
      warn("skipping the malformed record at '" + printable_topic(msg.topic) + "': " + e.what());
    }
  });
  std::vector<UserListing> out;
  out.reserve(users.size());
  for (auto& [name, listing] : users) {
    if (auto it = presence.find(name); it != presence.end()) listing.presence = it->second;
    out.push_back(std::move(listing));
  }
  return out;
}

}  // namespace mqchat
