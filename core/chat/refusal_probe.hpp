#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>

#include "core/wire/error.hpp"
#include "core/wire/transport.hpp"

namespace mqchat {

/// Finds out why a connection that reconnects by itself stays away. paho's automatic reconnect
/// keeps trying and reports no reason (paho.mqtt.c issues #1148, #1360), so a listen whose
/// account was deleted (`mqchat broker deluser`) would retry forever. While the connection is
/// lost, the probe connects a second, short-lived client with the same credentials now and
/// then, in the background, and keeps the refusal if the broker refuses those credentials
/// (unknown user, wrong password): that is for good, while a broker that is down, silent or
/// refusing for another reason is not.
class RefusalProbe {
 public:
  using MakeTransport = std::function<std::unique_ptr<Transport>()>;

  /// OPTIONS are those of the connection to check; the probe's own client id, session, will
  /// and callbacks are derived from them.
  RefusalProbe(MakeTransport make, const ConnectOptions& options);
  ~RefusalProbe();  ///< waits for a probe in flight (bounded by its short timeout)
  RefusalProbe(const RefusalProbe&) = delete;
  RefusalProbe& operator=(const RefusalProbe&) = delete;

  /// Called while the connection is lost: starts a probe when none runs and the last one is
  /// long enough ago. Returns the refusal once a probe met one, else nullopt.
  std::optional<Error> check_while_lost();
  /// Called while connected: the next loss probes at once.
  void connected();

 private:
  using Clock = std::chrono::steady_clock;

  MakeTransport make_;
  ConnectOptions options_;
  std::future<std::optional<Error>> running_;
  std::optional<Clock::time_point> next_;
  std::optional<Error> refusal_;
};

}  // namespace mqchat
