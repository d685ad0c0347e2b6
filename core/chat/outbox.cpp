#include "core/chat/outbox.hpp"

#include "core/wire/clock.hpp"
#include "core/wire/error.hpp"
#include "core/wire/ids.hpp"
#include "core/wire/topics.hpp"

namespace mqchat {

Envelope make_direct_message(const std::string& from, const std::string& to,
                             const std::string& text) {
  return Envelope{new_message_id(), MessageType::dm, from, to, {}, text, now_rfc3339()};
}

std::string topic_for(const Envelope& e) {
  return e.type == MessageType::dm ? topics::inbox(e.to, e.from)
                                   : topics::group_message(e.group, e.from);
}

namespace {

// The envelopes of a vector, one after the other; never makes publish_stream wait.
class VectorSource : public EnvelopeSource {
 public:
  explicit VectorSource(const std::vector<Envelope>& envelopes) : envelopes_(envelopes) {}
  std::optional<Envelope> next() override {
    if (next_ == envelopes_.size()) return std::nullopt;
    return envelopes_[next_++];
  }
  bool ready() override { return true; }

 private:
  const std::vector<Envelope>& envelopes_;
  std::size_t next_ = 0;
};

}  // namespace

void publish_in_order(Transport& transport, const std::vector<Envelope>& envelopes, int qos,
                      std::size_t window, const AcknowledgedSink& acknowledged,
                      const Reconnection& reconnection, const PayloadEncoder& encode) {
  VectorSource source(envelopes);
  std::size_t told = 0;
  publish_stream(
      transport, source, qos, window,
      [&](const std::vector<Envelope>& batch) {
        acknowledged(told, told + batch.size());
        told += batch.size();
      },
      reconnection, envelopes.size(), encode);
}

void publish_in_order(Transport& transport, const std::vector<Envelope>& envelopes, int qos,
                      std::size_t window, History& history, const Reconnection& reconnection,
                      const PayloadEncoder& encode) {
  publish_in_order(transport, envelopes, qos, window, record_sent(envelopes, history), reconnection,
                   encode);
}

void append_sent(History& history, std::vector<Envelope>::const_iterator first,
                 std::vector<Envelope>::const_iterator last) {
  std::vector<HistoryEntry> entries;
  entries.reserve(static_cast<std::size_t>(last - first));
  for (auto it = first; it != last; ++it) entries.push_back(HistoryEntry{*it, true});
  history.append(entries);
}

AcknowledgedSink record_sent(const std::vector<Envelope>& envelopes, History& history) {
  return [&envelopes, &history](std::size_t begin, std::size_t end) {
    append_sent(history, envelopes.begin() + static_cast<std::ptrdiff_t>(begin),
                envelopes.begin() + static_cast<std::ptrdiff_t>(end));
  };
}

}  // namespace mqchat
