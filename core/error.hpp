#pragma once

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
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}

  /// The exit code the process should end with.
  ExitCode code() const noexcept { return code_; }

 private:
  ExitCode code_;
};

/// Shorthands so call sites read as the kind of failure they report.
inline Error usage_error(const std::string& m) { return Error(ExitCode::usage, m); }
inline Error not_found_error(const std::string& m) { return Error(ExitCode::not_found, m); }
inline Error unavailable_error(const std::string& m) { return Error(ExitCode::unavailable, m); }
inline Error timeout_error(const std::string& m) { return Error(ExitCode::timeout, m); }
inline Error failure(const std::string& m) { return Error(ExitCode::failure, m); }

}  // namespace mqchat
