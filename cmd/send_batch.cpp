#include "cmd/send_batch.hpp"

#include <algorithm>
#include <istream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "cmd/output.hpp"
#include "cmd/profile_state.hpp"
#include "cmd/send_retry.hpp"
#include "core/chat/batch_outbox.hpp"
#include "core/chat/directory.hpp"
#include "core/chat/encryption.hpp"
#include "core/chat/groups.hpp"
#include "core/chat/outbox.hpp"
#include "core/chat/session.hpp"
#include "core/store/name_cache.hpp"
#include "core/wire/error.hpp"
#include "core/wire/names.hpp"

namespace mqchat {

namespace {

constexpr std::size_t kWindow = 128;  // unacknowledged publishes in flight, as send --lines

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
  BatchReader(Context& ctx, const Profile& me, const Settings& settings, Transport& transport,
              Sealer& sealer)
      : ctx_(ctx), me_(me), settings_(settings), transport_(transport), sealer_(sealer) {}

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
      if (!record) {
        throw not_found_error("cannot send to '" + *to + "': no such user (see 'mqchat who')");
      }
      sealer_.admit_user(*record);
      return make_direct_message(me_.name, *to, *text);
    }
    validate_name(*group, "group");
    if (std::find(me_.groups.begin(), me_.groups.end(), *group) == me_.groups.end()) {
      throw not_found_error("'" + me_.name + "' is not a member of '" + *group +
                            "': join first with 'mqchat group join " + *group + "'");
    }
    sealer_.admit_group(reader(), *group);
    return make_group_message(me_.name, *group, *text);
  }

 private:
  DirectoryReader reader() {
    return DirectoryReader{transport_,
                           me_.name,
                           settings_.connect_timeout,
                           [this](const std::string& m) { ctx_.warn(m); },
                           {}};
  }

  const std::optional<UserRecord>& registered(const std::string& name) {
    auto known = known_.find(name);
    if (known != known_.end()) return known->second;
    return known_[name] = find_user(reader(), name);
  }

  Context& ctx_;
  const Profile& me_;
  const Settings& settings_;
  Transport& transport_;
  Sealer& sealer_;
  std::map<std::string, std::optional<UserRecord>> known_;
};

}  // namespace

void run_send_batch(Context& ctx, const RetryOption& retry) {
  auto profile = require_profile(ctx);
  auto settings = ctx.settings(&profile);
  auto transport = ctx.make_transport();
  auto options = oneshot_options(settings, profile.name);
  transport->connect(options);
  if (ctx.in_is_terminal) {
    ctx.err << "mqchat: reading JSON Lines from stdin, one message a line; end with Ctrl-D\n";
  }

  std::size_t failed = 0, total = 0;
  std::optional<Error> first_failure;
  std::optional<std::size_t> first_failed_line;
  std::set<std::string> recipients;
  auto history = open_history(ctx, profile);
  Sealer sealer(ctx.store(), profile, encryption_policy(settings),
                [&ctx](const std::string& m) { ctx.warn(m); });
  BatchOutbox outbox(
      *transport, settings.qos, kWindow, history,
      [&](const BatchOutcome& o) {
        nlohmann::json j = {{"line", o.item}, {"ok", o.sent.has_value()}};
        if (o.sent) {
          j["id"] = o.sent->id;
          j["sent_at"] = o.sent->sent_at;
          if (o.sent->type == MessageType::dm) {
            j["to"] = o.sent->to;
            recipients.insert(o.sent->to);
          } else {
            j["group"] = o.sent->group;
          }
        } else {
          j["error"] = o.error->what();
          j["exit_code"] = static_cast<int>(o.error->code());
          ++failed;
          if (!first_failure) {
            first_failure = *o.error;
            first_failed_line = o.item;
          }
        }
        print_json_line(ctx.out, j);
      },
      sealer.encoder(), reconnection_for(ctx, *transport, options, retry));

  BatchReader reader(ctx, profile, settings, *transport, sealer);
  std::string line;
  std::size_t number = 0;
  for (;;) {
    // Before a read that may block, answer every line read so far: a co-process that writes a
    // line and waits for its result must get it.
    if (ctx.in.rdbuf()->in_avail() <= 0) outbox.flush();
    if (!std::getline(ctx.in, line)) break;
    ++number;
    if (blank(line)) continue;
    ++total;
    for (;;) {
      try {
        outbox.submit(number, reader.envelope_of(line));
      } catch (const Error& e) {
        // A lookup that met a lost connection is asked again once the connection is back.
        if (e.transient() && !transport->is_connected() && outbox.recover_from(e)) continue;
        outbox.reject(number, e);
      }
      break;
    }
  }
  outbox.flush();
  transport->disconnect();
  NameCache(ctx.store().paths().state_dir)
      .remember(NameCache::Kind::users, {recipients.begin(), recipients.end()});
  if (first_failure) {
    throw Error(first_failure->code(), std::to_string(failed) + " of " + std::to_string(total) +
                                           " messages failed; the first, line " +
                                           std::to_string(*first_failed_line) + ": " +
                                           first_failure->what());
  }
}

}  // namespace mqchat
