#include "core/chat/stream_publisher.hpp"

#include <algorithm>
#include <deque>

#include "core/chat/outbox.hpp"
#include "core/wire/error.hpp"

namespace mqchat {

namespace {

constexpr std::size_t kBatch = 512;  // acknowledgements told at once (one history append)

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
    for (;;) {
      try {
        pump();
        break;
      } catch (const Error& e) {
        tell();
        if (!e.transient() || !recovery_.enabled()) throw stopped_at(e);
        const bool silent = e.code() == ExitCode::timeout;
        auto outcome = recovery_.recover(
            e, done_,
            (silent ? "no acknowledgement came after " : "lost the connection after ") +
                count_subject() + " acknowledged (" + e.what() + "); reconnecting");
        using Kind = ConnectionRecovery::Outcome::Kind;
        if (outcome.kind == Kind::gave_up) throw gave_up(*outcome.error);
        if (outcome.kind == Kind::failed) throw stopped_at(*outcome.error);
        recovery_.notify("reconnected; sending on from message " + std::to_string(done_ + 1));
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
    return PartialSendError(Error(ExitCode::timeout, last.what()),
                            recovery_.gave_up_text(last) + ": " + count_subject() + " acknowledged",
                            done_);
  }

  Transport& transport_;
  EnvelopeSource& source_;
  int qos_;
  std::size_t window_;
  const AcknowledgedBatch& acknowledged_;
  const Reconnection& reconnection_;
  ConnectionRecovery recovery_{reconnection_};
  std::optional<std::size_t> total_;

  std::deque<InFlight> in_flight_;    // published, not yet acknowledged, oldest first
  std::vector<Envelope> unreported_;  // acknowledged, not yet told
  std::size_t done_ = 0;
  bool ended_ = false;
  bool resend_ = false;
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
