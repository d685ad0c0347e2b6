#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>

#include "core/wire/error.hpp"

namespace mqchat {

/// How long send and group send keep reconnecting after the connection was lost mid-send.
struct RetryOption {
  double seconds = 30;
};

/// Adds --retry-for SEC to SUB.
void add_retry_option(CLI::App& sub, RetryOption& option);

/// Ends a send --lines that stopped early by throwing ERROR, telling how to send the rest: skip
/// the SKIPPED lines given with --skip and those acknowledged now. Its results were printed as
/// the broker acknowledged them.
[[noreturn]] void fail_partial_send(const PartialSendError& error, std::size_t skipped);

}  // namespace mqchat
