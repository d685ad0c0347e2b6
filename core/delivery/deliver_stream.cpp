#include "core/delivery/deliver_stream.hpp"

#include <optional>
#include <vector>

#include "core/chat/outbox.hpp"
#include "core/delivery/counting_transport.hpp"
#include "core/store/history.hpp"

namespace mqchat {

std::size_t deliver_stream(const Sender& sender, const Recipient& to, EnvelopeSource& source,
                           const StreamEvents& events) {
  auto history = history_of(sender.store, sender.profile.name);
  OwnConnection connection(sender);
  // Unlike deliver(), the Sealer comes before the lookup, as it always has for a stream: a
  // profile that cannot seal fails (or warns) before the directory is read.
  auto sealer = sealer_of(sender);
  auto record = registered(connection.directory(), to);
  admit(sealer, connection.directory(), to, record);
  if (events.publishing) events.publishing();
  CountingTransport counted(connection.transport(), events.counted);
  auto acknowledged = [&](const std::vector<Envelope>& batch) {
    append_sent(history, batch.begin(), batch.end());
    if (events.sent) events.sent(batch);
  };
  auto sent = publish_stream(counted, source, sender.settings.qos, kSendWindow, acknowledged,
                             connection.reconnection(), std::nullopt, sealer.encoder());
  connection.disconnect();
  return sent;
}

}  // namespace mqchat
