#include "core/chat/batch_outbox.hpp"

#include "core/chat/outbox.hpp"

namespace mqchat {

namespace {
constexpr std::size_t kHistoryBatch = 512;  // one locked append per batch, not per message
}

BatchOutbox::BatchOutbox(Transport& transport, int qos, std::size_t window, History& history,
                         Report report, PayloadEncoder encode, Reconnection reconnection)
    : transport_(transport),
      qos_(qos),
      window_(window < 1 ? 1 : window),
      history_(history),
      report_(std::move(report)),
      encode_(std::move(encode)),
      reconnection_(std::move(reconnection)) {}

BatchOutbox::~BatchOutbox() {
  // What the broker acknowledged must reach the history even when the caller gives up early.
  try {
    write_history();
  } catch (...) {
  }
}

std::uint64_t BatchOutbox::publish(const Envelope& envelope) {
  return transport_.publish_async(topic_for(envelope),
                                  encode_ ? encode_(envelope) : encode(envelope), qos_, false);
}

void BatchOutbox::submit(std::size_t item, const Envelope& envelope) {
  // Queued before publishing, without a ticket: a recovery republishes only what has one, and
  // this item is then published in its turn below.
  queue_.push_back(Pending{item, envelope, std::nullopt, std::nullopt});
  Pending& p = queue_.back();  // deque::push_back keeps references valid
  for (;;) {
    if (failure_) {
      p.error = failure_;
      break;
    }
    try {
      p.ticket = publish(envelope);
      ++in_flight_;
      break;
    } catch (const Error& e) {
      if (!recovered(e)) {
        p.error = failure_ ? *failure_ : e;
        break;
      }
    }
  }
  while (in_flight_ >= window_) settle_front();
  report_ready();
}

void BatchOutbox::reject(std::size_t item, const Error& error) {
  queue_.push_back(Pending{item, std::nullopt, std::nullopt, error});
  report_ready();
}

void BatchOutbox::flush() {
  while (!queue_.empty()) settle_front();
  write_history();
}

void BatchOutbox::settle_front() {
  Pending& p = queue_.front();
  BatchOutcome outcome{p.item, std::nullopt, p.error};
  if (p.ticket) {
    for (;;) {
      try {
        transport_.wait(*p.ticket);
        outcome.sent = *p.envelope;
        ++acknowledged_count_;
        acknowledged_.push_back(HistoryEntry{*p.envelope, true});
        if (acknowledged_.size() >= kHistoryBatch) write_history();
        break;
      } catch (const Error& e) {
        if (!recovered(e)) {
          outcome.error = failure_ ? *failure_ : e;
          break;
        }
      }
    }
    --in_flight_;
  }
  queue_.pop_front();
  report_(outcome);
}

bool BatchOutbox::recovered(const Error& loss) {
  if (failure_ || !loss.transient() || !recovery_.enabled()) return false;
  write_history();  // what was acknowledged before the loss is kept whatever happens next
  const bool silent = loss.code() == ExitCode::timeout;
  auto count = std::to_string(acknowledged_count_);
  for (;;) {
    auto outcome = recovery_.recover(
        loss, acknowledged_count_,
        (silent ? "no acknowledgement came after " : "lost the connection after ") + count +
            (acknowledged_count_ == 1 ? " message was" : " messages were") + " acknowledged (" +
            loss.what() + "); reconnecting");
    using Kind = ConnectionRecovery::Outcome::Kind;
    if (outcome.kind == Kind::gave_up) {
      failure_ = Error(ExitCode::timeout, recovery_.gave_up_text(*outcome.error));
      return false;
    }
    if (outcome.kind == Kind::failed) {
      failure_ = *outcome.error;
      return false;
    }
    // The tickets of the lost connection mean nothing now: publish the same envelopes again,
    // oldest first. A loss during this is one more round of the same.
    std::size_t resent = 0;
    try {
      for (auto& pending : queue_) {
        if (!pending.ticket) continue;
        pending.ticket = publish(*pending.envelope);
        ++resent;
      }
    } catch (const Error& e) {
      if (!e.transient()) {
        failure_ = e;
        return false;
      }
      continue;
    }
    recovery_.notify("reconnected; published again the " + std::to_string(resent) +
                     (resent == 1 ? " message" : " messages") + " not acknowledged");
    return true;
  }
}

// Items at the front that need no waiting (refused before publishing) are reported at once, so
// a reader of the results is not kept waiting for them.
void BatchOutbox::report_ready() {
  while (!queue_.empty() && !queue_.front().ticket) settle_front();
}

void BatchOutbox::write_history() {
  if (acknowledged_.empty()) return;
  history_.append(acknowledged_);
  acknowledged_.clear();
}

}  // namespace mqchat
