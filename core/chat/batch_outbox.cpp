#include "core/chat/batch_outbox.hpp"

#include "core/chat/outbox.hpp"

namespace mqchat {

namespace {
constexpr std::size_t kHistoryBatch = 512;  // one locked append per batch, not per message
}

BatchOutbox::BatchOutbox(Transport& transport, int qos, std::size_t window, History& history,
                         Report report, PayloadEncoder encode)
    : transport_(transport),
      qos_(qos),
      window_(window < 1 ? 1 : window),
      history_(history),
      report_(std::move(report)),
      encode_(std::move(encode)) {}

BatchOutbox::~BatchOutbox() {
  // What the broker acknowledged must reach the history even when the caller gives up early.
  try {
    write_history();
  } catch (...) {
  }
}

void BatchOutbox::submit(std::size_t item, const Envelope& envelope) {
  Pending p{item, envelope, std::nullopt, std::nullopt};
  try {
    p.ticket = transport_.publish_async(
        topic_for(envelope), encode_ ? encode_(envelope) : encode(envelope), qos_, false);
    ++in_flight_;
  } catch (const Error& e) {
    p.error = e;
  }
  queue_.push_back(std::move(p));
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
  Pending p = std::move(queue_.front());
  queue_.pop_front();
  BatchOutcome outcome{p.item, std::nullopt, p.error};
  if (p.ticket) {
    --in_flight_;
    try {
      transport_.wait(*p.ticket);
      outcome.sent = *p.envelope;
      acknowledged_.push_back(HistoryEntry{*p.envelope, true});
      if (acknowledged_.size() >= kHistoryBatch) write_history();
    } catch (const Error& e) {
      outcome.error = e;
    }
  }
  report_(outcome);
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
