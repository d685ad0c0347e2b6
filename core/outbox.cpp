#include "core/outbox.hpp"

#include <algorithm>
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
                      std::size_t window, const AcknowledgedSink& acknowledged) {
  constexpr std::size_t kBatch = 512;  // one report (one history append) per batch
  window = std::max<std::size_t>(window, 1);
  std::deque<std::uint64_t> in_flight;
  std::size_t done = 0;
  std::size_t reported = 0;
  auto report = [&] {
    if (done > reported) acknowledged(reported, done);
    reported = done;
  };
  auto settle_oldest = [&] {
    transport.wait(in_flight.front());
    in_flight.pop_front();
    if (++done - reported >= kBatch) report();
  };
  try {
    for (const auto& e : envelopes) {
      in_flight.push_back(transport.publish_async(topic_for(e), encode(e), qos, false));
      // A full window is drained to half before publishing on: the acknowledgements then
      // arrive in bursts that complete without waking this thread once per message, which
      // costs more than the publish itself on a busy machine.
      if (in_flight.size() >= window) {
        while (in_flight.size() > window / 2) settle_oldest();
      }
    }
    while (!in_flight.empty()) settle_oldest();
  } catch (const Error& e) {
    report();
    if (envelopes.size() == 1) throw;
    throw Error(e.code(), std::string(e.what()) + " [" + std::to_string(done) + " of " +
                              std::to_string(envelopes.size()) + " messages were sent]");
  }
  report();
}

void publish_in_order(Transport& transport, const std::vector<Envelope>& envelopes, int qos,
                      std::size_t window, History& history) {
  publish_in_order(transport, envelopes, qos, window, record_sent(envelopes, history));
}

AcknowledgedSink record_sent(const std::vector<Envelope>& envelopes, History& history) {
  return [&envelopes, &history](std::size_t begin, std::size_t end) {
    std::vector<HistoryEntry> entries;
    entries.reserve(end - begin);
    for (auto i = begin; i < end; ++i) entries.push_back(HistoryEntry{envelopes[i], true});
    history.append(entries);
  };
}

}  // namespace mqchat
