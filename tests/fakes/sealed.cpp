#include "tests/fakes/sealed.hpp"

#include "core/crypto/group_keys.hpp"
#include "core/crypto/sealed_envelope.hpp"
#include "core/store/state_store.hpp"

namespace mqchat::fakes {

namespace {

Identity identity_of(const Machine& machine, const std::string& user) {
  StateStore store(StatePaths{machine.home(), machine.home()});
  auto profile = store.load_profile(user);
  if (!profile) throw std::runtime_error("no profile '" + user + "'");
  return Identity::from_secret(profile->identity, user);
}

}  // namespace

Envelope open_for(const Machine& machine, const std::string& user, const std::string& payload) {
  BoxKeys keys(identity_of(machine, user));
  auto opened = open_direct(parse_payload(payload), keys);
  if (!opened.message) throw std::runtime_error("a key grant, not a message");
  return *opened.message;
}

Envelope open_own_group(const Machine& machine, const std::string& user, const std::string& group,
                        const std::string& payload) {
  auto identity = identity_of(machine, user);
  StateStore store(StatePaths{machine.home(), machine.home()});
  GroupKeyStore keys(store.profile_state_dir(user) / "group_keys.json");
  auto own = keys.own(group);
  if (!own) throw std::runtime_error("no own key for '" + group + "'");
  return open_group(parse_payload(payload), group, user, own->key, identity.public_key);
}

}  // namespace mqchat::fakes
