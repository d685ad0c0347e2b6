#include "cmd/send_lines.hpp"

#include <poll.h>

#include <istream>
#include <optional>
#include <ostream>

#include "cmd/profile_state.hpp"
#include "cmd/progress.hpp"
#include "core/directory.hpp"
#include "core/error.hpp"
#include "core/names.hpp"
#include "core/session.hpp"
#include "core/stream_publisher.hpp"

namespace mqchat {

namespace {

constexpr std::size_t kWindow = 128;  // unacknowledged publishes in flight, as any send

// The non-empty lines of stdin as messages, each checked as it is read, less the first
// --skip of them.
class StdinLines : public EnvelopeSource {
 public:
  StdinLines(Context& ctx, const LinesSend& send, std::size_t max_bytes)
      : ctx_(ctx), send_(send), max_bytes_(max_bytes) {}

  std::optional<Envelope> next() override {
    std::string line;
    while (std::getline(ctx_.in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;  // blank lines are not messages
      ++count_;
      try {
        validate_text(line, max_bytes_);
      } catch (const Error& e) {
        throw usage_error("line " + std::to_string(count_) + ": " + e.what());
      }
      if (count_ <= send_.input.skip) continue;
      return send_.make(line);
    }
    if (count_ == 0) throw usage_error("--lines found no non-empty line on stdin");
    if (send_.input.skip > count_) {
      throw usage_error("--skip " + std::to_string(send_.input.skip) + " is more than the " +
                        std::to_string(count_) + " messages on stdin");
    }
    return std::nullopt;
  }

  bool ready() override {
    if (ctx_.in_fd < 0 || ctx_.in.rdbuf()->in_avail() > 0) return true;
    pollfd p{ctx_.in_fd, POLLIN, 0};
    return ::poll(&p, 1, 0) != 0;  // readable, at its end, or in error: next() will not wait
  }

 private:
  Context& ctx_;
  const LinesSend& send_;
  std::size_t max_bytes_;
  std::size_t count_ = 0;  // non-empty lines read, skipped ones included
};

}  // namespace

void send_lines(Context& ctx, const Profile& profile, const Settings& settings,
                const LinesSend& send) {
  if (ctx.in_is_terminal) {
    ctx.err << "mqchat: sending each line as you type it; end with Ctrl-D\n";
  }
  auto history = open_history(ctx, profile);
  auto transport = ctx.make_transport();
  auto options = oneshot_options(settings, profile.name);
  transport->connect(options);
  if (!send.lookup.empty()) {
    auto warn = [&ctx](const std::string& m) { ctx.warn(m); };
    if (!find_user(DirectoryReader{*transport, profile.name, settings.connect_timeout, warn, {}},
                   send.lookup)) {
      throw no_such_recipient_error(send.lookup);
    }
  }
  StdinLines lines(ctx, send, settings.max_text_bytes);
  ProgressMeter progress(ctx.err, shows_progress(ctx, true), 0);
  CountingTransport counted(*transport, progress);
  auto record = [&](const std::vector<Envelope>& batch) {
    std::vector<HistoryEntry> entries;
    entries.reserve(batch.size());
    for (const auto& e : batch) entries.push_back(HistoryEntry{e, true});
    history.append(entries);
    print_sent_json(ctx, batch);
  };
  std::size_t sent = 0;
  try {
    sent = publish_stream(counted, lines, settings.qos, kWindow, record,
                          reconnection_for(ctx, *transport, options, send.retry));
  } catch (const PartialSendError& e) {
    progress.finish();
    fail_partial_send(ctx, {}, e, send.input.skip, true);
  }
  progress.finish();
  transport->disconnect();
  print_send_summary(ctx, sent, send.target);
}

}  // namespace mqchat
