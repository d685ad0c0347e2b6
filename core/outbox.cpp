#include "core/outbox.hpp"

#include <deque>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/topics.hpp"

namespace mqchat {

Envelope make_direct_message(const std::string& from, const std::string& to,
                             const std::string& text) {
  return Envelope{new_message_id(), MessageType::dm, from, to, {}, text, now_rfc3339()};
}

std::string topic_for(const Envelope& e) {
  return e.type == MessageType::dm ? topics::inbox(e.to, e.from)
                                   : topics::group_message(e.group, e.from);
}

void publish_in_order(Transport& transport, const std::vector<Envelope>& envelopes, int qos,
                      std::size_t window, History& history) {
  constexpr std::size_t kHistoryBatch = 512;  // one locked append per batch, not per message
  std::deque<std::uint64_t> in_flight;
  std::vector<HistoryEntry> acknowledged;
  std::size_t done = 0;
  auto settle_oldest = [&] {
    transport.wait(in_flight.front());
    in_flight.pop_front();
    acknowledged.push_back(HistoryEntry{envelopes[done], true});
    ++done;
    if (acknowledged.size() >= kHistoryBatch) {
      history.append(acknowledged);
      acknowledged.clear();
    }
  };
  try {
    for (const auto& e : envelopes) {
      in_flight.push_back(transport.publish_async(topic_for(e), encode(e), qos, false));
      if (in_flight.size() >= window) settle_oldest();
    }
    while (!in_flight.empty()) settle_oldest();
  } catch (const Error& e) {
    history.append(acknowledged);
    if (envelopes.size() == 1) throw;
    throw Error(e.code(), std::string(e.what()) + " [" + std::to_string(done) + " of " +
                              std::to_string(envelopes.size()) + " messages were sent]");
  }
  history.append(acknowledged);
}

}  // namespace mqchat
