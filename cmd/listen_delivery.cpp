#include "cmd/listen_delivery.hpp"

namespace mqchat {

bool ListenDelivery::show(const Envelope& envelope) {
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
  deferred_.add(envelope);
  inbox_.record(envelope);
}

bool ListenDelivery::deliver(const Envelope& envelope) {
  if (!filter_.wants(envelope)) {
    set_aside(envelope);
    return true;
  }
  if (!show(envelope)) {
    // The output is gone and paho has acknowledged the message: the next listen shows it.
    set_aside(envelope);
    return false;
  }
  inbox_.record(envelope);
  return true;
}

bool ListenDelivery::offer_deferred(const std::function<bool()>& done) {
  auto waiting = deferred_.read();
  if (waiting.empty()) return true;
  std::vector<Envelope> keep;
  bool output_open = true;
  for (const auto& e : waiting) {
    if (!output_open || done() || !filter_.wants(e) || !(output_open = show(e))) keep.push_back(e);
  }
  deferred_.replace(keep);
  return output_open;
}

}  // namespace mqchat
