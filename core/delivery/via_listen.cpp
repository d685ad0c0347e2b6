#include "core/delivery/via_listen.hpp"

#include <algorithm>

#include "core/chat/outbox.hpp"
#include "core/handoff/handoff.hpp"
#include "core/wire/error.hpp"

namespace mqchat {

namespace {

// A live listen takes a request at once; one that does not is hung or gone.
constexpr Millis kAcceptWait{1000};

}  // namespace

bool send_via_listen(const Sender& sender, const std::vector<Envelope>& envelopes,
                     const std::string& lookup, History& history) {
  const auto& settings = sender.settings;
  auto socket = handoff::socket_path(sender.store.profile_state_dir(sender.profile.name));
  // The listen's lookup and each acknowledgement may take a connect timeout, as here.
  auto verdict_wait = 2 * settings.connect_timeout + Millis(1000) +
                      Millis(static_cast<long long>(envelopes.size()));
  auto attempt = handoff::offer(socket,
                                handoff::Request{lookup, settings.qos, envelopes, settings.brokers,
                                                 settings.encryption, settings.require_encryption},
                                kAcceptWait, verdict_wait);
  if (!attempt.reply) {
    if (sender.note) sender.note("sending directly: " + attempt.why_not);
    return false;
  }
  const auto& reply = *attempt.reply;
  for (const auto& w : reply.warnings) sender.warn(w);
  auto acknowledged = std::min(reply.acknowledged, envelopes.size());
  if (acknowledged > 0) record_sent(envelopes, history)(0, acknowledged);
  if (!reply.ok) throw Error(reply.exit, reply.error);
  if (sender.note) sender.note("sent through the running listen");
  return true;
}

}  // namespace mqchat
