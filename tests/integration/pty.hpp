#pragma once

#include <string>
#include <vector>

#include "tests/integration/process.hpp"

namespace itest {

/// What a child run with its stderr on a pseudo-terminal did.
struct TerminalRun {
  int exit_code = -1;    ///< 128 + signal when killed; -1 when it timed out
  std::string out;       ///< stdout (a file, not a terminal)
  std::string terminal;  ///< everything written to the terminal, escapes included
};

/// Runs PROGRAM ARGS with ENV ("KEY=VALUE" entries), INPUT on stdin (a file) and stdout to a
/// file, but stderr on a new pseudo-terminal (openpty), as in an interactive shell whose output
/// is redirected; killed after TIMEOUT.
TerminalRun run_with_terminal_stderr(const std::string& program,
                                     const std::vector<std::string>& args,
                                     const std::vector<std::string>& env, const std::string& input,
                                     Millis timeout);

}  // namespace itest
