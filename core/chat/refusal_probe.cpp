#include "core/chat/refusal_probe.hpp"

#include <algorithm>

namespace mqchat {

namespace {
constexpr Millis kProbeTimeout{800};  // also how long a stop may wait for a probe in flight
constexpr Millis kBetweenProbes{5000};
}  // namespace

RefusalProbe::RefusalProbe(MakeTransport make, const ConnectOptions& options)
    : make_(std::move(make)), options_(options) {
  // A throwaway client: its own id (so the session being checked is not taken over), no
  // session, no will, nothing received, no prompt (nobody may be there to answer).
  options_.client_id += "-probe";
  options_.clean_start = true;
  options_.session_expiry_seconds = 0;
  options_.will.reset();
  options_.auto_reconnect = false;
  options_.on_arrival = nullptr;
  options_.ask_password = nullptr;
  options_.timeout = std::min(options_.timeout, kProbeTimeout);
}

RefusalProbe::~RefusalProbe() {
  if (running_.valid()) running_.wait();
}

void RefusalProbe::connected() {
  next_.reset();
  refusal_.reset();
}

std::optional<Error> RefusalProbe::check_while_lost() {
  if (refusal_) return refusal_;
  if (running_.valid()) {
    if (running_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return {};
    refusal_ = running_.get();
    if (refusal_) return refusal_;
  }
  auto now = Clock::now();
  if (next_ && now < *next_) return {};
  next_ = now + kBetweenProbes;
  running_ = std::async(std::launch::async, [make = make_, options = options_] {
    std::optional<Error> refusal;
    try {
      auto probe = make();
      probe->connect(options);
      probe->disconnect();
    } catch (const Error& e) {
      // Unreachable, silent or busy: the broker is away, not refusing. Only a refusal of the
      // user's credentials is for good: one of the probe's own client id (a broker with
      // client-id rules) says nothing about the listen's connection.
      if (e.refused_credentials()) refusal = e;
    } catch (...) {
      // A probe that fails in any other way tells nothing.
    }
    return refusal;
  });
  return {};
}

}  // namespace mqchat
