#include "cmd/handoff.hpp"

#include <ostream>

#include "core/chat/outbox.hpp"
#include "core/handoff/handoff.hpp"
#include "core/wire/error.hpp"

namespace mqchat {

namespace {

// A live listen takes a request at once; one that does not is hung or gone.
constexpr Millis kAcceptWait{1000};

}  // namespace

bool send_via_listen(Context& ctx, const Profile& profile, const Settings& settings,
                     const std::vector<Envelope>& envelopes, const std::string& lookup,
                     History& history) {
  auto socket = handoff::socket_path(ctx.store().profile_state_dir(profile.name));
  // The listen's lookup and each acknowledgement may take a connect timeout, as here.
  auto verdict_wait = 2 * settings.connect_timeout + Millis(1000) +
                      Millis(static_cast<long long>(envelopes.size()));
  auto attempt = handoff::offer(socket,
                                handoff::Request{lookup, settings.qos, envelopes, settings.brokers,
                                                 settings.encryption, settings.require_encryption},
                                kAcceptWait, verdict_wait);
  if (!attempt.reply) {
    if (ctx.global.verbose) {
      ctx.err << "mqchat: sending directly: " << attempt.why_not << "\n";
    }
    return false;
  }
  const auto& reply = *attempt.reply;
  for (const auto& w : reply.warnings) ctx.warn(w);
  auto acknowledged = std::min(reply.acknowledged, envelopes.size());
  if (acknowledged > 0) record_sent(envelopes, history)(0, acknowledged);
  if (!reply.ok) throw Error(reply.exit, reply.error);
  if (ctx.global.verbose) ctx.err << "mqchat: sent through the running listen\n";
  return true;
}

std::unique_ptr<HandoffServer> serve_sends(Context& ctx, const std::filesystem::path& state_dir,
                                           const Profile& profile, Transport& transport,
                                           const Settings& settings) {
  auto server = std::make_unique<HandoffServer>(state_dir, profile.name, transport,
                                                settings.connect_timeout, settings.brokers);
  // Sealed as the sender would seal them: the profile's identity and pins as they are now (a
  // send or 'trust' may have pinned keys since the listen started), the sender's policy.
  server->set_sealer_factory([&store = ctx.store(), name = profile.name](
                                 const handoff::Request& request, const WarningSink& warn) {
    auto current = store.load_profile(name);
    if (!current) throw not_found_error("the profile '" + name + "' is gone");
    return std::make_unique<Sealer>(
        store, *current, EncryptionPolicy{request.encryption, request.require_encryption}, warn);
  });
  try {
    server->start();
  } catch (const Error& e) {
    ctx.warn(std::string(e.what()) + "; sends will connect themselves");
  }
  return server;
}

}  // namespace mqchat
