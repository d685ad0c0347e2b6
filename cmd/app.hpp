#pragma once

#include <string>
#include <vector>

#include "cmd/context.hpp"

namespace mqchat {

/// Parses ARGS (without the program name) and runs the command against CTX; returns the exit
/// code. The only place that catches errors and prints "mqchat: <message>".
int run_app(const std::vector<std::string>& args, Context& ctx);

/// The real entry point: real streams, environment and transport.
int run(int argc, char** argv);

}  // namespace mqchat
