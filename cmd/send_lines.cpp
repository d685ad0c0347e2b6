#include "cmd/send_lines.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <istream>
#include <optional>
#include <ostream>

#include "cmd/progress.hpp"
#include "cmd/sender.hpp"
#include "core/chat/stream_publisher.hpp"
#include "core/delivery/deliver_stream.hpp"
#include "core/wire/error.hpp"
#include "core/wire/names.hpp"

namespace mqchat {

namespace {

// The lines of a descriptor, read as they come. Unlike getline on a stream it can tell
// whether a whole non-blank line is there without waiting, so publish_stream settles what is
// in flight before the reader blocks (a blank line or half a line must not hold results back).
class FdLines {
 public:
  explicit FdLines(int fd) : fd_(fd) {}

  /// True when line() would return at once with a non-blank line or at the end of the input.
  bool ready() {
    for (;;) {
      drop_blank_lines();
      if (has_line() || eof_) return true;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 0) == 0) return false;
      fill();
    }
  }

  /// The next line without its newline (possibly blank), waiting for it; nullopt at the end.
  std::optional<std::string> line() {
    while (!has_line() && !eof_) fill();
    if (start_ == buffer_.size()) return std::nullopt;
    auto end = buffer_.find('\n', start_);
    if (end == std::string::npos) end = buffer_.size();  // a last line without a newline
    std::string out = buffer_.substr(start_, end - start_);
    start_ = std::min(end + 1, buffer_.size());
    return out;
  }

 private:
  bool has_line() const { return buffer_.find('\n', start_) != std::string::npos; }

  void drop_blank_lines() {
    for (;;) {
      auto end = buffer_.find('\n', start_);
      if (end == std::string::npos) return;
      bool blank = end == start_ || (end == start_ + 1 && buffer_[start_] == '\r');
      if (!blank) return;
      start_ = end + 1;
    }
  }

  void fill() {
    if (start_ > 0 && start_ * 2 >= buffer_.size()) {
      buffer_.erase(0, start_);  // keeps the buffer short without moving it once per line
      start_ = 0;
    }
    char chunk[65536];
    ssize_t n;
    do {
      n = ::read(fd_, chunk, sizeof chunk);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
      eof_ = true;  // a read error ends the input like its end
      return;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }

  int fd_;
  std::string buffer_;
  std::size_t start_ = 0;
  bool eof_ = false;
};

// The non-empty lines of stdin as messages, each checked as it is read, less the first
// --skip of them. Reads the descriptor directly where there is one (the program), else the
// stream (command tests). It stays here, not in core/delivery/: it is input parsing, reads
// the Context's stdin and words its errors in the options of the command line.
class StdinLines : public EnvelopeSource {
 public:
  StdinLines(Context& ctx, const LinesSend& send, std::size_t max_bytes)
      : ctx_(ctx), send_(send), max_bytes_(max_bytes) {
    if (ctx.in_fd >= 0) fd_lines_.emplace(ctx.in_fd);
  }

  std::optional<Envelope> next() override {
    while (auto raw = read_line()) {
      std::string line = std::move(*raw);
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

  bool ready() override { return !fd_lines_ || fd_lines_->ready(); }

 private:
  std::optional<std::string> read_line() {
    if (fd_lines_) return fd_lines_->line();
    std::string line;
    if (std::getline(ctx_.in, line)) return line;
    return std::nullopt;
  }

  Context& ctx_;
  const LinesSend& send_;
  std::size_t max_bytes_;
  std::optional<FdLines> fd_lines_;
  std::size_t count_ = 0;  // non-empty lines read, skipped ones included
};

}  // namespace

void send_lines(Context& ctx, const Profile& profile, const Settings& settings,
                const LinesSend& send) {
  if (ctx.in_is_terminal) {
    ctx.err << "mqchat: sending each line as you type it; end with Ctrl-D\n";
  }
  StdinLines lines(ctx, send, settings.max_text_bytes);
  // Made when the publishing starts: its delay runs from there, not from the connect.
  std::optional<ProgressMeter> progress;
  auto finish_progress = [&progress] {
    if (progress) progress->finish();
  };
  auto sender = sender_for(ctx, profile, settings, send.retry);
  sender.notice = [&](const std::string& m) {
    finish_progress();  // a warning must not share the line of the count
    ctx.warn(m);
  };
  StreamEvents events;
  events.publishing = [&] { progress.emplace(ctx.err, shows_progress(ctx, true), 0); };
  events.counted = [&](std::size_t done) { progress->update(done); };
  events.sent = [&](const std::vector<Envelope>& batch) { print_sent_json(ctx, batch); };
  std::size_t sent = 0;
  try {
    sent = deliver_stream(sender, send.to, lines, events);
  } catch (const PartialSendError& e) {
    finish_progress();
    fail_partial_send(e, send.input.skip);
  }
  finish_progress();
  print_send_summary(ctx, sent, send.target);
}

}  // namespace mqchat
