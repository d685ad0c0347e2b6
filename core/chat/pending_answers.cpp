#include "core/chat/pending_answers.hpp"

#include <algorithm>

#include "core/wire/error.hpp"

namespace mqchat {

namespace {

// paho may count the first connection only after connect() returned (its connected handler
// runs on its own thread): 0 and 1 both mean the first.
std::uint64_t connection_number(const Transport& t) {
  return std::max<std::uint64_t>(1, t.connection_count());
}

}  // namespace

PendingAnswers::PendingAnswers(Transport& transport)
    : transport_(transport), connection_(connection_number(transport)) {}

bool PendingAnswers::same_connection() const {
  return transport_.is_connected() && connection_number(transport_) == connection_;
}

PendingAnswers::State PendingAnswers::settle(bool wait) {
  if (!same_connection()) {
    tickets_.clear();
    return State::dropped;
  }
  while (!tickets_.empty()) {
    const auto ticket = tickets_.front();
    if (!wait && !transport_.is_answered(ticket)) return State::waiting;
    tickets_.erase(tickets_.begin());  // before the wait: a refusal is told once
    try {
      transport_.wait(ticket);
    } catch (const Error&) {
      if (same_connection()) throw;
      tickets_.clear();
      return State::dropped;
    }
  }
  return State::confirmed;
}

}  // namespace mqchat
