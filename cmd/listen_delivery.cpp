#include "cmd/listen_delivery.hpp"

namespace mqchat {

bool ListenDelivery::show_now(const Envelope& envelope) {
  if (hook_) {
    auto failed = hook_->run(envelope);
    // The hook's failure is its own business: say so and go on with the next message.
    if (!failed.empty()) {
      ctx_.warn("--exec '" + hook_->argv()[0] + "' " + failed + " for message " + envelope.id);
    }
  } else if (!printer_.print(envelope)) {
    return false;
  }
  ++shown_;
  return true;
}

void ListenDelivery::set_aside(const Envelope& envelope) {
  if (!batch_ids_.insert(envelope.id).second) return;
  batch_.push_back(Item{envelope, false, false});
}

void ListenDelivery::deliver(const Envelope& envelope) {
  if (batch_ids_.count(envelope.id)) return;  // a redelivery of a message in this batch
  if (!filter_.wants(envelope)) {
    set_aside(envelope);
    return;
  }
  if (hook_) {
    // The hook runs now, one message at a time; only the recording waits for the batch.
    batch_ids_.insert(envelope.id);
    batch_.push_back(Item{envelope, false, show_now(envelope)});
    return;
  }
  printer_.render(envelope, lines_);
  batch_ids_.insert(envelope.id);
  batch_.push_back(Item{envelope, true, true});
  ++shown_;
}

bool ListenDelivery::commit() {
  if (batch_.empty()) return true;
  bool output_open = true;
  if (!lines_.empty()) {
    output_open = printer_.write(lines_);
    lines_.clear();
  }
  std::vector<Envelope> envelopes;
  envelopes.reserve(batch_.size());
  for (auto& item : batch_) {
    if (item.printed && !output_open) {
      // The output went away during this batch and paho has acknowledged the messages: none
      // of them counts as shown, the next listen shows them (a line the reader got before it
      // closed may then appear twice, but nothing is lost).
      item.shown = false;
      --shown_;
    }
    if (!item.shown) deferred_.add(item.envelope);
    envelopes.push_back(std::move(item.envelope));
  }
  batch_.clear();
  batch_ids_.clear();
  inbox_.record_all(envelopes);
  return output_open;
}

bool ListenDelivery::offer_deferred(const std::function<bool()>& done) {
  auto waiting = deferred_.read();
  if (waiting.empty()) return true;
  std::vector<Envelope> keep;
  bool output_open = true;
  for (const auto& e : waiting) {
    if (!output_open || done() || !filter_.wants(e) || !(output_open = show_now(e))) {
      keep.push_back(e);
    }
  }
  deferred_.replace(keep);
  return output_open;
}

}  // namespace mqchat
