#include "cmd/handoff.hpp"

#include <string>

#include "core/wire/error.hpp"

namespace mqchat {

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
