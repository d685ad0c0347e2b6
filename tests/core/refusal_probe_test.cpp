#include "core/chat/refusal_probe.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/fakes/fake_transport.hpp"

using mqchat::ConnectOptions;
using mqchat::Error;
using mqchat::RefusalProbe;
using mqchat::fakes::FakeBroker;
using mqchat::fakes::FakeTransport;

namespace {

// A transport whose connect fails with REFUSAL (or succeeds when empty), recording the options
// each probe connected with.
struct Probes {
  std::shared_ptr<FakeBroker> broker = std::make_shared<FakeBroker>();
  std::optional<Error> refusal;
  std::mutex mutex;
  std::vector<ConnectOptions> seen;

  RefusalProbe::MakeTransport maker() {
    return [this]() -> std::unique_ptr<mqchat::Transport> {
      struct Refusing : FakeTransport {
        Refusing(Probes& p) : FakeTransport(p.broker), probes(p) {}
        mqchat::ConnectResult connect(const ConnectOptions& o) override {
          {
            std::lock_guard<std::mutex> lock(probes.mutex);
            probes.seen.push_back(o);
          }
          if (probes.refusal) throw *probes.refusal;
          return FakeTransport::connect(o);
        }
        Probes& probes;
      };
      return std::make_unique<Refusing>(*this);
    };
  }
};

ConnectOptions listen_options() {
  ConnectOptions o;
  o.client_id = "mqchat-alice-1";
  o.clean_start = false;
  o.session_expiry_seconds = 3600;
  o.username = "alice";
  o.password = "pw";
  o.auto_reconnect = true;
  o.will = mqchat::WillMessage{"mqchat/v1/presence/alice", "{}", 1, true};
  return o;
}

// Polls PROBE as listen does while lost, for up to two seconds.
std::optional<Error> refusal_within_2s(RefusalProbe& probe) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < until) {
    if (auto r = probe.check_while_lost()) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("a probe that the broker refuses for the user's credentials reports it", "[probe]") {
  Probes p;
  p.refusal = mqchat::unavailable_error("no account 'alice'").mark_refused_credentials();
  RefusalProbe probe(p.maker(), listen_options());
  auto refusal = refusal_within_2s(probe);
  REQUIRE(refusal.has_value());
  CHECK(refusal->code() == mqchat::ExitCode::unavailable);
  CHECK_THAT(refusal->what(), Catch::Contains("no account 'alice'"));
  // The probe is its own throwaway client: it never takes over the listen's session.
  std::lock_guard<std::mutex> lock(p.mutex);
  REQUIRE(p.seen.size() == 1);
  CHECK(p.seen[0].client_id == "mqchat-alice-1-probe");
  CHECK(p.seen[0].clean_start);
  CHECK(p.seen[0].session_expiry_seconds == 0);
  CHECK_FALSE(p.seen[0].will.has_value());
  CHECK_FALSE(p.seen[0].auto_reconnect);
  CHECK(p.seen[0].username == "alice");
  CHECK(p.seen[0].password == "pw");
}

TEST_CASE("a probe refused for another reason, or not answered, reports nothing", "[probe]") {
  Probes p;
  SECTION("its client id") { p.refusal = mqchat::unavailable_error("client identifier not valid"); }
  SECTION("an unreachable broker") { p.refusal = mqchat::connection_error("cannot reach it"); }
  SECTION("a broker that takes it") {}
  RefusalProbe probe(p.maker(), listen_options());
  CHECK_FALSE(refusal_within_2s(probe).has_value());
  // One probe per interval, not one per check.
  std::lock_guard<std::mutex> lock(p.mutex);
  CHECK(p.seen.size() == 1);
}
