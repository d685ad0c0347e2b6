#pragma once

#include "cmd/context.hpp"

namespace mqchat {

/// `mqchat send --batch`: JSON Lines on stdin ({"to": USER, "text": ...} or {"group": GROUP,
/// "text": ...}), one result line on stdout per input line, in order, over one connection. A bad
/// line gets an error result and the rest go on; the exit code is that of the first failure.
void run_send_batch(Context& ctx);

}  // namespace mqchat
