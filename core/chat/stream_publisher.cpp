#include "core/chat/stream_publisher.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <thread>

#include "core/chat/outbox.hpp"
#include "core/wire/error.hpp"

namespace mqchat {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kBatch = 512;  // acknowledgements told at once (one history append)
constexpr Millis kFirstPause{200};
constexpr Millis kLongestPause{2000};  // short: a restarted broker is used within 2 s

class StreamPublisher {
 public:
  StreamPublisher(Transport& transport, EnvelopeSource& source, int qos, std::size_t window,
                  const AcknowledgedBatch& acknowledged, const Reconnection& reconnection,
                  std::optional<std::size_t> total, const PayloadEncoder& encode)
      : transport_(transport),
        source_(source),
        qos_(qos),
        window_(std::max<std::size_t>(window, 1)),
        acknowledged_(acknowledged),
        reconnection_(reconnection),
        total_(total),
        encode_(encode) {}

  std::size_t run() {
    const bool may_retry = reconnection_.retry_for > Millis(0) && reconnection_.connect;
    std::optional<Clock::time_point> deadline;
    std::size_t done_at_loss = 0;
    for (;;) {
      try {
        pump();
        break;
      } catch (const Error& e) {
        tell();
        if (!e.transient() || !may_retry) throw stopped_at(e);
        // The time allowed runs from the first loss; only progress since then earns a fresh
        // allowance, so a broker that accepts connections and drops them cannot keep us.
        Millis pause{0};
        if (!deadline || done_ > done_at_loss) {
          deadline = Clock::now() + reconnection_.retry_for;
          done_at_loss = done_;
          no_progress_pause_ = kFirstPause;
        } else {
          // Connected again, yet nothing went through: pause as between failed connects.
          pause = no_progress_pause_;
          no_progress_pause_ = std::min(no_progress_pause_ * 2, kLongestPause);
        }
        if (Clock::now() + pause >= *deadline) throw gave_up(e);
        const bool silent = e.code() == ExitCode::timeout;
        notify((silent ? "no acknowledgement came after " : "lost the connection after ") +
               count_subject() + " acknowledged (" + e.what() + "); reconnecting");
        std::this_thread::sleep_for(pause);
        reconnect_until(*deadline);
        notify("reconnected; sending on from message " + std::to_string(done_ + 1));
        resend_ = true;
      }
    }
    tell();
    if (bad_input_) {
      // Bad input before anything was sent needs no count: nothing happened.
      if (done_ == 0) throw PartialSendError(*bad_input_, bad_input_->what(), 0);
      throw stopped_at(*bad_input_);
    }
    return done_;
  }

 private:
  struct InFlight {
    Envelope envelope;
    std::uint64_t ticket;
  };

  void pump() {
    if (resend_) {
      // The tickets of the lost connection mean nothing now: publish the same envelopes again.
      for (auto& f : in_flight_) f.ticket = publish(f.envelope);
      resend_ = false;
    }
    while (!ended_) {
      // A full window is drained to half before publishing on: the acknowledgements then
      // arrive in bursts that complete without waking this thread once per message, which
      // costs more than the publish itself on a busy machine.
      if (in_flight_.size() >= window_) {
        while (in_flight_.size() > window_ / 2) settle_oldest();
      }
      if (!in_flight_.empty() && !source_.ready()) {
        // The input is slow (tail -f): settle and tell now rather than when it speaks again.
        while (!in_flight_.empty()) settle_oldest();
        tell();
      }
      std::optional<Envelope> next;
      try {
        next = source_.next();
      } catch (const Error& e) {
        bad_input_ = e;  // thrown once what was published before it is settled
      }
      if (!next) {
        ended_ = true;
        break;
      }
      // Held before publishing: a publish that throws (connection lost) leaves it here, to be
      // published again after the reconnect instead of being dropped.
      in_flight_.push_back(InFlight{std::move(*next), 0});
      in_flight_.back().ticket = publish(in_flight_.back().envelope);
    }
    while (!in_flight_.empty()) settle_oldest();
  }

  std::uint64_t publish(const Envelope& e) {
    return transport_.publish_async(topic_for(e), encode_ ? encode_(e) : encode(e), qos_, false);
  }

  void settle_oldest() {
    transport_.wait(in_flight_.front().ticket);
    unreported_.push_back(std::move(in_flight_.front().envelope));
    in_flight_.pop_front();
    ++done_;
    if (unreported_.size() >= kBatch) tell();
  }

  void tell() {
    if (unreported_.empty()) return;
    acknowledged_(unreported_);
    unreported_.clear();
  }

  void notify(const std::string& line) const {
    if (reconnection_.notify) reconnection_.notify(line);
  }

  std::string count_text() const {
    auto n = std::to_string(done_);
    if (total_) return n + " of " + std::to_string(*total_) + " messages";
    return n + (done_ == 1 ? " message" : " messages");
  }

  // "3 of 5 messages were", "1 message was": the subject of what happened to them.
  std::string count_subject() const {
    return count_text() + (!total_ && done_ == 1 ? " was" : " were");
  }

  PartialSendError stopped_at(const Error& cause) const {
    if (total_ && *total_ == 1) return PartialSendError(cause, cause.what(), done_);
    return PartialSendError(cause, std::string(cause.what()) + " [" + count_subject() + " sent]",
                            done_);
  }

  // The exit-5 error once the time allowed is over; LAST is what failed last.
  PartialSendError gave_up(const Error& last) const {
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(reconnection_.retry_for);
    return PartialSendError(Error(ExitCode::timeout, last.what()),
                            "the broker did not come back within " + std::to_string(secs.count()) +
                                " s (" + last.what() + "): " + count_subject() + " acknowledged",
                            done_);
  }

  // Connects again until it works or DEADLINE passes, pausing longer after each failure.
  void reconnect_until(Clock::time_point deadline) {
    Millis pause = kFirstPause;
    for (;;) {
      try {
        reconnection_.connect();
        return;
      } catch (const Error& e) {
        if (!e.transient()) throw stopped_at(e);
        if (Clock::now() + pause >= deadline) throw gave_up(e);
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, kLongestPause);
      }
    }
  }

  Transport& transport_;
  EnvelopeSource& source_;
  int qos_;
  std::size_t window_;
  const AcknowledgedBatch& acknowledged_;
  const Reconnection& reconnection_;
  std::optional<std::size_t> total_;

  std::deque<InFlight> in_flight_;    // published, not yet acknowledged, oldest first
  std::vector<Envelope> unreported_;  // acknowledged, not yet told
  std::size_t done_ = 0;
  bool ended_ = false;
  bool resend_ = false;
  Millis no_progress_pause_ = kFirstPause;  // before reconnecting when the last one sent nothing
  std::optional<Error> bad_input_;
  const PayloadEncoder& encode_;
};

}  // namespace

std::size_t publish_stream(Transport& transport, EnvelopeSource& source, int qos,
                           std::size_t window, const AcknowledgedBatch& acknowledged,
                           const Reconnection& reconnection, std::optional<std::size_t> total,
                           const PayloadEncoder& encode) {
  return StreamPublisher(transport, source, qos, window, acknowledged, reconnection, total, encode)
      .run();
}

}  // namespace mqchat
