#include "core/chat/connection_recovery.hpp"

#include <algorithm>
#include <thread>

namespace mqchat {

namespace {
constexpr Millis kFirstPause{200};
constexpr Millis kLongestPause{2000};  // short: a restarted broker is used within 2 s
}  // namespace

ConnectionRecovery::ConnectionRecovery(const Reconnection& reconnection)
    : reconnection_(reconnection), no_progress_pause_(kFirstPause) {}

bool ConnectionRecovery::enabled() const {
  return reconnection_.retry_for > Millis(0) && static_cast<bool>(reconnection_.connect);
}

void ConnectionRecovery::notify(const std::string& line) const {
  if (reconnection_.notify) reconnection_.notify(line);
}

std::string ConnectionRecovery::gave_up_text(const Error& last) const {
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(reconnection_.retry_for);
  return "the broker did not come back within " + std::to_string(secs.count()) + " s (" +
         last.what() + ")";
}

ConnectionRecovery::Outcome ConnectionRecovery::recover(const Error& loss, std::size_t done,
                                                        const std::string& lost_line) {
  Millis pause{0};
  if (!deadline_ || done > done_at_loss_) {
    deadline_ = Clock::now() + reconnection_.retry_for;
    done_at_loss_ = done;
    no_progress_pause_ = kFirstPause;
  } else {
    // Connected again, yet nothing went through: pause as between failed connects.
    pause = no_progress_pause_;
    no_progress_pause_ = std::min(no_progress_pause_ * 2, kLongestPause);
  }
  if (Clock::now() + pause >= *deadline_) return {Outcome::Kind::gave_up, loss};
  notify(lost_line);
  std::this_thread::sleep_for(pause);
  Millis connect_pause = kFirstPause;
  for (;;) {
    try {
      reconnection_.connect();
      return {Outcome::Kind::reconnected, std::nullopt};
    } catch (const Error& e) {
      if (!e.transient()) return {Outcome::Kind::failed, e};
      if (Clock::now() + connect_pause >= *deadline_) return {Outcome::Kind::gave_up, e};
      std::this_thread::sleep_for(connect_pause);
      connect_pause = std::min(connect_pause * 2, kLongestPause);
    }
  }
}

}  // namespace mqchat
