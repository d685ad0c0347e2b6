#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cmd/context.hpp"
#include "core/wire/envelope.hpp"

namespace mqchat {

/// Where the text of send and group send comes from: the words, or stdin.
struct MessageInput {
  std::vector<std::string> words;
  bool lines = false;
  std::size_t skip = 0;  ///< with --lines: messages a failed earlier run already sent
};

/// Adds the TEXT... positional, --lines and --skip to SUB.
void add_message_input(CLI::App& sub, MessageInput& input);

/// Adds --require-encryption (setting require_encryption) to SUB.
void add_encryption_option(CLI::App& sub, Context& ctx);

/// Refuses TEXT with --lines, and --skip without it (exit 2), before anything else happens.
void check_message_input(const MessageInput& input);

/// The texts to send, every one checked (UTF-8, not empty, at most MAX_BYTES) before any
/// network I/O: the words joined by spaces; else all of stdin less one final newline; with
/// --lines each non-empty stdin line, less the first --skip of them.
std::vector<std::string> read_message_texts(const MessageInput& input, Context& ctx,
                                            std::size_t max_bytes);

/// Reports sent ENVELOPES: a JSON line each with --json, one human line on a terminal.
void print_send_results(Context& ctx, const std::vector<Envelope>& envelopes,
                        const std::string& target);

/// With --json, one result line for each of ENVELOPES (sent); nothing otherwise.
void print_sent_json(Context& ctx, const std::vector<Envelope>& envelopes);

/// Without --json, "sent N messages to TARGET" when stdout is a terminal.
void print_send_summary(Context& ctx, std::size_t count, const std::string& target);

}  // namespace mqchat
