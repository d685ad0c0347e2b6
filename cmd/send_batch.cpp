#include "cmd/send_batch.hpp"

#include <istream>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <set>
#include <string>

#include "cmd/output.hpp"
#include "cmd/sender.hpp"
#include "core/delivery/deliver_batch.hpp"
#include "core/store/name_cache.hpp"
#include "core/wire/error.hpp"

namespace mqchat {

namespace {

// The lines of stdin. A line is ready when the stream holds more input already: then the
// batch need not answer what it read before reading on.
class StdinLines : public LineSource {
 public:
  explicit StdinLines(std::istream& in) : in_(in) {}

  std::optional<std::string> next() override {
    std::string line;
    if (!std::getline(in_, line)) return std::nullopt;
    return line;
  }
  bool ready() override { return in_.rdbuf()->in_avail() > 0; }

 private:
  std::istream& in_;
};

}  // namespace

void run_send_batch(Context& ctx, const RetryOption& retry) {
  auto profile = require_profile(ctx);
  auto settings = ctx.settings(&profile);
  std::size_t failed = 0;
  std::optional<Error> first_failure;
  std::optional<std::size_t> first_failed_line;
  std::set<std::string> recipients;
  BatchEvents events;
  events.connected = [&ctx] {
    if (ctx.in_is_terminal) {
      ctx.err << "mqchat: reading JSON Lines from stdin, one message a line; end with Ctrl-D\n";
    }
  };
  events.outcome = [&](const BatchOutcome& o) {
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
  };
  StdinLines lines(ctx.in);
  auto total = deliver_batch(sender_for(ctx, profile, settings, retry), lines, events);
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
