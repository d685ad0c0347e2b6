#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/wire/transport.hpp"

namespace mqchat {

/// How one property of the broker (or cluster) turned out.
enum class CheckStatus {
  ok,       ///< holds
  warn,     ///< mqchat works, with a limitation worth knowing
  fail,     ///< mqchat needs it and it does not hold
  unknown,  ///< could not be observed with the probes doctor may make
};

/// "ok", "warn", "fail", "unknown".
const char* to_string(CheckStatus status);

/// One row of the doctor's table.
struct DoctorCheck {
  std::string id;     ///< stable key for --json: protocol, retained_wildcard, ...
  std::string title;  ///< what was checked, for people
  CheckStatus status = CheckStatus::unknown;
  std::string detail;  ///< what was seen
  std::string fix;     ///< what to change; empty when nothing needs to
};

struct DoctorOptions {
  std::vector<std::string> brokers;  ///< every node to probe; the first one publishes
  Millis timeout{5000};              ///< per connection and acknowledgement
  std::size_t queue_probe = 2000;    ///< messages queued to an offline session
};

/// What doctor found; passed() is false when a row failed.
struct DoctorReport {
  std::vector<DoctorCheck> checks;
  bool passed() const;
};

/// Probes what mqchat relies on, over connections made by MAKE: the protocol version of each
/// node, retained messages on a wildcard subscription, the same retained state on every node, a
/// persistent session resumed (on the last node where several are given), how many QoS 1
/// messages an offline session keeps, and whether refused publishes are reported. Everything it
/// creates lives under mqchat/v1/doctor/<random>/ and is removed before it returns: retained
/// records are cleared with empty retained publishes and the probe session is ended with a
/// clean-start connection whose session expires at once. Throws an unavailable Error when no
/// node can be reached at all.
DoctorReport run_doctor(const TransportFactory& make, const DoctorOptions& options);

}  // namespace mqchat
