#include "cmd/progress.hpp"

#include <ostream>
#include <string>

namespace mqchat {

bool shows_progress(const Context& ctx, bool lines) {
  // A pipe or a log file must never receive carriage returns and half lines.
  return lines && ctx.err_is_terminal && !ctx.global.quiet;
}

ProgressMeter::ProgressMeter(std::ostream& err, bool enabled, std::size_t total,
                             std::chrono::milliseconds delay, Clock now)
    : err_(err),
      enabled_(enabled),
      total_(total),
      delay_(delay),
      now_(std::move(now)),
      start_(now_()) {}

void ProgressMeter::update(std::size_t done) {
  if (!enabled_) return;
  auto t = now_();
  if (t - start_ < delay_) return;
  if (drawn_ && t - last_draw_ < std::chrono::milliseconds(100) && (total_ == 0 || done < total_)) {
    return;
  }
  last_draw_ = t;
  drawn_ = true;
  shown_ = done;
  err_ << "\r" << text(done) << std::flush;
}

std::string ProgressMeter::text(std::size_t done) const {
  // A stream (send --lines) has no total: the count alone.
  auto t = "mqchat: sent " + std::to_string(done);
  return total_ > 0 ? t + " of " + std::to_string(total_) : t;
}

void ProgressMeter::finish() {
  if (!drawn_) return;
  // Overwrite the count with blanks: the terminal keeps no trace of it.
  err_ << '\r' << std::string(text(shown_).size(), ' ') << '\r' << std::flush;
  drawn_ = false;
}

}  // namespace mqchat
