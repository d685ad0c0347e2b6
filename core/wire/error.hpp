#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace mqchat {

/// Process exit codes; the contract of DESIGN.md that scripts rely on.
enum class ExitCode {
  ok = 0,
  failure = 1,
  usage = 2,
  not_found = 3,
  unavailable = 4,
  timeout = 5,
};

/// The one exception the core throws: a user-facing message plus the exit code it maps to.
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message, bool transient = false)
      : std::runtime_error(message), code_(code), transient_(transient) {}

  /// The exit code the process should end with.
  ExitCode code() const noexcept { return code_; }

  /// True when the same request may succeed on a new connection: the connection was lost or
  /// could not be made, or an acknowledgement never came. False for refusals and bad input.
  bool transient() const noexcept { return transient_; }

  /// True when the broker refused the connection for who the user is (unknown user, wrong or
  /// missing password), not for the client id, a ban or its load.
  bool refused_credentials() const noexcept { return refused_credentials_; }
  Error& mark_refused_credentials() noexcept {
    refused_credentials_ = true;
    return *this;
  }

 private:
  ExitCode code_;
  bool transient_;
  bool refused_credentials_ = false;
};

/// A send that ended early: the first ACKNOWLEDGED messages were acknowledged by the broker
/// (and are in the history); the rest may not have arrived.
class PartialSendError : public Error {
 public:
  PartialSendError(const Error& cause, const std::string& message, std::size_t acknowledged)
      : Error(cause.code(), message, cause.transient()), acknowledged_(acknowledged) {}

  std::size_t acknowledged() const noexcept { return acknowledged_; }

 private:
  std::size_t acknowledged_;
};

/// Shorthands so call sites read as the kind of failure they report.
inline Error usage_error(const std::string& m) { return Error(ExitCode::usage, m); }
inline Error not_found_error(const std::string& m) { return Error(ExitCode::not_found, m); }
inline Error unavailable_error(const std::string& m) { return Error(ExitCode::unavailable, m); }
inline Error timeout_error(const std::string& m) { return Error(ExitCode::timeout, m); }
inline Error failure(const std::string& m) { return Error(ExitCode::failure, m); }
/// The connection is gone or could not be made; a new one may succeed (exit 4).
inline Error connection_error(const std::string& m) {
  return Error(ExitCode::unavailable, m, true);
}

}  // namespace mqchat
