#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cmd/context.hpp"
#include "core/chat/stream_publisher.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/error.hpp"
#include "core/wire/transport.hpp"

namespace mqchat {

/// How long send and group send keep reconnecting after the connection was lost mid-send.
struct RetryOption {
  double seconds = 30;
};

/// Adds --retry-for SEC to SUB.
void add_retry_option(CLI::App& sub, RetryOption& option);

/// Reconnects TRANSPORT with OPTIONS for up to OPTION's seconds, telling the user on stderr.
Reconnection reconnection_for(Context& ctx, Transport& transport, const ConnectOptions& options,
                              const RetryOption& option);

/// Ends a send that stopped early: prints the JSON results of ACKNOWLEDGED (the envelopes the
/// broker acknowledged that were not reported yet), then throws ERROR, with --lines telling
/// how to send the rest: skip the SKIPPED lines given with --skip and those acknowledged now.
[[noreturn]] void fail_partial_send(Context& ctx, const std::vector<Envelope>& acknowledged,
                                    const PartialSendError& error, std::size_t skipped, bool lines);

}  // namespace mqchat
