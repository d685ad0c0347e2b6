#pragma once

#include <catch2/catch.hpp>
#include <memory>

#include "tests/fakes/fake_transport.hpp"

namespace mqchat::fakes {

/// The start of most command tests: a fake broker and two machines, bob's and alice's, each
/// registered (bob first), with nothing sent yet.
struct AliceAndBob {
  std::shared_ptr<FakeBroker> broker = std::make_shared<FakeBroker>();
  Machine alice{broker};
  Machine bob{broker};

  AliceAndBob() {
    REQUIRE(bob.run({"register", "bob"}).code == 0);
    REQUIRE(alice.run({"register", "alice"}).code == 0);
  }
};

}  // namespace mqchat::fakes
