#pragma once

#include <string>

#include "core/wire/envelope.hpp"
#include "tests/fakes/fake_transport.hpp"

// Opening what mqchat sealed, with the keys in a machine's state directory, so command tests can
// check the message inside a sealed payload.
namespace mqchat::fakes {

/// The direct message in PAYLOAD, sealed for USER, whose profile is on MACHINE.
Envelope open_for(const Machine& machine, const std::string& user, const std::string& payload);

/// The group message in PAYLOAD, which USER of MACHINE sealed with its own key for GROUP.
Envelope open_own_group(const Machine& machine, const std::string& user, const std::string& group,
                        const std::string& payload);

}  // namespace mqchat::fakes
