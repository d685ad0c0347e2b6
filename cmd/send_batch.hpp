#pragma once

#include "cmd/context.hpp"
#include "cmd/send_retry.hpp"

namespace mqchat {

/// `mqchat send --batch`: JSON Lines on stdin ({"to": USER, "text": ...} or {"group": GROUP,
/// "text": ...}), one result line on stdout per input line, in order, over one connection. A bad
/// line gets an error result and the rest go on; the exit code is that of the first failure.
/// A lost connection is re-made for up to RETRY's seconds and what the broker had not
/// acknowledged is published again; if it stays away, those lines fail with exit 5.
void run_send_batch(Context& ctx, const RetryOption& retry);

}  // namespace mqchat
