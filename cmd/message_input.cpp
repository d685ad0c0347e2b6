#include "cmd/message_input.hpp"

#include <istream>
#include <iterator>
#include <ostream>

#include "cmd/output.hpp"
#include "core/wire/error.hpp"
#include "core/wire/names.hpp"

namespace mqchat {

void add_encryption_option(CLI::App& sub, Context& ctx) {
  sub.add_flag("--require-encryption", ctx.global.require_encryption,
               "Exit 3 instead of sending in plain text to anyone who publishes no key "
               "(setting require_encryption)");
}

void add_message_input(CLI::App& sub, MessageInput& input) {
  sub.add_option("text", input.words, "Message text; from stdin when absent or '-'");
  sub.add_flag("--lines", input.lines,
               "Send each non-empty stdin line as its own message, over one connection");
  sub.add_option("--skip", input.skip,
                 "With --lines: leave out the first N messages (those a failed run reported "
                 "as acknowledged)")
      ->type_name("N");
}

namespace {

bool reads_stdin(const MessageInput& input) {
  return input.words.empty() || (input.words.size() == 1 && input.words[0] == "-");
}

}  // namespace

void check_message_input(const MessageInput& input) {
  if (input.lines && !reads_stdin(input)) {
    throw usage_error("--lines reads stdin: give no TEXT with it");
  }
  if (input.skip > 0 && !input.lines) {
    throw usage_error("--skip counts the messages of --lines: give --lines with it");
  }
}

std::vector<std::string> read_message_texts(const MessageInput& input, Context& ctx,
                                            std::size_t max_bytes) {
  check_message_input(input);
  bool from_stdin = reads_stdin(input);
  std::vector<std::string> texts;
  if (!from_stdin) {
    std::string text;
    for (const auto& w : input.words) text += (text.empty() ? "" : " ") + w;
    texts.push_back(text);
  } else {
    if (ctx.in_is_terminal) ctx.err << "mqchat: reading the message from stdin; end with Ctrl-D\n";
    std::string all(std::istreambuf_iterator<char>(ctx.in), std::istreambuf_iterator<char>{});
    if (!input.lines) {
      if (!all.empty() && all.back() == '\n') all.pop_back();
      texts.push_back(all);
    } else {
      std::size_t start = 0;
      while (start < all.size()) {
        auto end = all.find('\n', start);
        if (end == std::string::npos) end = all.size();
        std::string line = all.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) texts.push_back(std::move(line));  // blank lines are not messages
        start = end + 1;
      }
      if (texts.empty()) throw usage_error("--lines found no non-empty line on stdin");
    }
  }
  for (std::size_t i = 0; i < texts.size(); ++i) {
    try {
      validate_text(texts[i], max_bytes);
    } catch (const Error& e) {
      if (!input.lines) throw;
      throw usage_error("line " + std::to_string(i + 1) + ": " + e.what());
    }
  }
  if (input.skip > texts.size()) {
    throw usage_error("--skip " + std::to_string(input.skip) + " is more than the " +
                      std::to_string(texts.size()) + " messages on stdin");
  }
  texts.erase(texts.begin(), texts.begin() + static_cast<std::ptrdiff_t>(input.skip));
  return texts;
}

void print_send_results(Context& ctx, const std::vector<Envelope>& envelopes,
                        const std::string& target) {
  print_sent_json(ctx, envelopes);
  print_send_summary(ctx, envelopes.size(), target);
}

void print_sent_json(Context& ctx, const std::vector<Envelope>& envelopes) {
  if (!ctx.global.json) return;
  for (const auto& e : envelopes) {
    nlohmann::json j = {{"id", e.id}, {"ok", true}, {"sent_at", e.sent_at}};
    if (e.type == MessageType::dm) {
      j["to"] = e.to;
    } else {
      j["group"] = e.group;
    }
    print_json_line(ctx.out, j);
  }
}

void print_send_summary(Context& ctx, std::size_t count, const std::string& target) {
  if (ctx.global.json || !ctx.out_is_terminal || ctx.global.quiet) return;
  ctx.out << "sent " << (count == 1 ? "a message" : std::to_string(count) + " messages") << " to "
          << target << "\n";
}

}  // namespace mqchat
