#include "core/delivery/deliver_batch.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "core/chat/groups.hpp"
#include "core/chat/outbox.hpp"
#include "core/store/history.hpp"
#include "core/wire/error.hpp"
#include "core/wire/names.hpp"

namespace mqchat {

namespace {

// The string field KEY of J, or nullopt when absent; throws a usage Error when not a string.
std::optional<std::string> string_field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw usage_error(std::string("\"") + key + "\" is not a string");
  return it->get<std::string>();
}

bool blank(const std::string& line) {
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

// Turns input lines into envelopes: checks the JSON, the names and the text, and whether the
// recipient exists (asked once per name) or the sender is a member of the group.
class BatchReader {
 public:
  BatchReader(const Sender& sender, OwnConnection& connection, Sealer& sealer)
      : me_(sender.profile), settings_(sender.settings), connection_(connection), sealer_(sealer) {}

  Envelope envelope_of(const std::string& line) {
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) throw usage_error("not valid JSON");
    if (!j.is_object()) throw usage_error("not a JSON object");
    auto to = string_field(j, "to");
    auto group = string_field(j, "group");
    auto text = string_field(j, "text");
    if (to && group) throw usage_error("give \"to\" or \"group\", not both");
    if (!to && !group) throw usage_error("missing \"to\" (a user) or \"group\"");
    if (!text) throw usage_error("missing \"text\"");
    validate_text(*text, settings_.max_text_bytes);
    if (to) {
      validate_name(*to, "user");
      auto record = registered(*to);
      if (!record) throw no_such_recipient_error(*to);
      sealer_.admit_user(*record);
      return make_direct_message(me_.name, *to, *text);
    }
    validate_name(*group, "group");
    if (std::find(me_.groups.begin(), me_.groups.end(), *group) == me_.groups.end()) {
      throw not_found_error("'" + me_.name + "' is not a member of '" + *group +
                            "': join first with 'mqchat group join " + *group + "'");
    }
    sealer_.admit_group(connection_.directory(), *group);
    return make_group_message(me_.name, *group, *text);
  }

 private:
  const std::optional<UserRecord>& registered(const std::string& name) {
    auto known = known_.find(name);
    if (known != known_.end()) return known->second;
    return known_[name] = find_user(connection_.directory(), name);
  }

  const Profile& me_;
  const Settings& settings_;
  OwnConnection& connection_;
  Sealer& sealer_;
  std::map<std::string, std::optional<UserRecord>> known_;
};

}  // namespace

std::size_t deliver_batch(const Sender& sender, LineSource& lines, const BatchEvents& events) {
  OwnConnection connection(sender);
  if (events.connected) events.connected();
  auto history = history_of(sender.store, sender.profile.name);
  auto sealer = sealer_of(sender);
  BatchOutbox outbox(
      connection.transport(), sender.settings.qos, kSendWindow, history,
      events.outcome ? events.outcome : [](const BatchOutcome&) {}, sealer.encoder(),
      connection.reconnection());
  BatchReader reader(sender, connection, sealer);
  std::size_t number = 0, total = 0;
  for (;;) {
    // Before a read that may block, answer every line read so far: a co-process that writes a
    // line and waits for its result must get it.
    if (!lines.ready()) outbox.flush();
    auto line = lines.next();
    if (!line) break;
    ++number;
    if (blank(*line)) continue;
    ++total;
    for (;;) {
      try {
        outbox.submit(number, reader.envelope_of(*line));
      } catch (const Error& e) {
        // A lookup that met a lost connection is asked again once the connection is back.
        if (e.transient() && !connection.transport().is_connected() && outbox.recover_from(e)) {
          continue;
        }
        outbox.reject(number, e);
      }
      break;
    }
  }
  outbox.flush();
  connection.disconnect();
  return total;
}

}  // namespace mqchat
