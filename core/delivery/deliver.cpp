#include "core/delivery/deliver.hpp"

#include "core/chat/outbox.hpp"
#include "core/delivery/via_listen.hpp"
#include "core/store/history.hpp"

namespace mqchat {

void deliver(const Sender& sender, const Recipient& to, const std::vector<Envelope>& envelopes) {
  auto history = history_of(sender.store, sender.profile.name);
  if (send_via_listen(sender, envelopes, to.user, history)) return;
  OwnConnection connection(sender);
  // The user is looked up before the Sealer is made: an unknown name is "no such user" (exit
  // 3) even for a profile that could not seal.
  auto record = registered(connection.directory(), to);
  auto sealer = sealer_of(sender);
  admit(sealer, connection.directory(), to, record);
  publish_in_order(connection.transport(), envelopes, sender.settings.qos, kSendWindow, history,
                   connection.reconnection(), sealer.encoder());
  connection.disconnect();
}

}  // namespace mqchat
