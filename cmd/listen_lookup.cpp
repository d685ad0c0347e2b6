#include "cmd/listen_lookup.hpp"

#include <chrono>

#include "core/wire/topics.hpp"

namespace mqchat {

std::optional<IncomingMessage> LoopLookupTransport::next_message(Millis timeout) {
  using Kind = topics::ParsedTopic::Kind;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    auto msg = connection_.next_message(std::max(left, Millis(0)));
    if (!msg) return std::nullopt;
    auto kind = topics::parse(msg->topic).kind;
    if (subscribed_.count(msg->topic)) {
      // The loop sees the entry too (a known recipient's entry may have changed).
      if (kind == Kind::user) later_.push_back(*msg);
      return msg;
    }
    later_.push_back(std::move(*msg));
    if (left.count() <= 0) return std::nullopt;
  }
}

}  // namespace mqchat
