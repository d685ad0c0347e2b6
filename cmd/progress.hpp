#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>

#include "cmd/context.hpp"

namespace mqchat {

/// True when a long send should show progress: --lines, stderr a terminal, and no -q.
bool shows_progress(const Context& ctx, bool lines);

/// "sent N of TOTAL" (or "sent N" when TOTAL is 0: unknown) on stderr, redrawn in place with '\r'
/// at most ten times a second, and only once the send has taken longer than DELAY: short sends stay
/// silent.
class ProgressMeter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  ProgressMeter(
      std::ostream& err, bool enabled, std::size_t total,
      std::chrono::milliseconds delay = std::chrono::milliseconds(1000),
      Clock now = [] { return std::chrono::steady_clock::now(); });

  /// Records that DONE items are finished; draws when due.
  void update(std::size_t done);
  /// Erases the progress line, if one was drawn, so what follows starts on a clean line.
  void finish();

 private:
  std::ostream& err_;
  bool enabled_;
  std::size_t total_;
  std::chrono::milliseconds delay_;
  Clock now_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_{};
  bool drawn_ = false;
  std::size_t shown_ = 0;  // the count last drawn

  std::string text(std::size_t done) const;
};

}  // namespace mqchat
