#pragma once

#include <string>
#include <vector>

#include "core/wire/envelope.hpp"

namespace mqchat {

/// `listen --exec CMD`: runs a program once per message, never through a shell. CMD is split on
/// spaces and tabs into the program and its arguments; there is no quoting, no expansion and no
/// redirection, so nothing in a message can ever be evaluated. The message text goes to the
/// program's stdin (from an unlinked temporary file, so a program that does not read it cannot
/// block listen) and the fields go to MQCHAT_ID, MQCHAT_TYPE, MQCHAT_FROM, MQCHAT_TO,
/// MQCHAT_GROUP and MQCHAT_SENT_AT.
class ExecHook {
 public:
  /// Splits COMMAND; throws a usage Error when it is empty or its program is not found on PATH
  /// (or, with a '/', is not an executable file).
  explicit ExecHook(const std::string& command);

  /// Runs the program for ENVELOPE and waits for it, also through SIGINT/SIGTERM (the current
  /// message is finished). Returns "" on exit status 0, otherwise why it failed
  /// ("exited with status 3", "killed by signal 9", "could not start: ...").
  std::string run(const Envelope& envelope) const;

  const std::vector<std::string>& argv() const { return argv_; }

 private:
  std::vector<std::string> argv_;
};

/// The "KEY=VALUE" variables a hook program sees: ours without any MQCHAT_ID, MQCHAT_TYPE, ...
/// of our own, then those of ENVELOPE (empty for fields the message lacks, e.g. MQCHAT_TO of a
/// group message).
std::vector<std::string> exec_environment(const Envelope& envelope, char** base);

}  // namespace mqchat
