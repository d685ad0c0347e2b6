#include <iterator>
#include <memory>
#include <ostream>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "cmd/profile_state.hpp"
#include "core/directory.hpp"
#include "core/error.hpp"
#include "core/names.hpp"
#include "core/outbox.hpp"
#include "core/session.hpp"

namespace mqchat {

namespace {

constexpr std::size_t kWindow = 128;  // unacknowledged publishes in flight with --lines

struct SendOptions {
  std::string to;
  std::vector<std::string> words;
  bool lines = false;
};

std::string read_all(std::istream& in) {
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The texts to send, all checked before any network I/O.
std::vector<std::string> collect_texts(const SendOptions& opts, Context& ctx,
                                       std::size_t max_bytes) {
  bool from_stdin = opts.words.empty() || (opts.words.size() == 1 && opts.words[0] == "-");
  if (opts.lines && !from_stdin) throw usage_error("--lines reads stdin: give no TEXT with it");
  std::vector<std::string> texts;
  if (!from_stdin) {
    std::string text;
    for (const auto& w : opts.words) text += (text.empty() ? "" : " ") + w;
    texts.push_back(text);
  } else {
    if (ctx.in_is_terminal) ctx.err << "mqchat: reading the message from stdin; end with Ctrl-D\n";
    std::string all = read_all(ctx.in);
    if (!opts.lines) {
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
      if (!opts.lines) throw;
      throw usage_error("line " + std::to_string(i + 1) + ": " + e.what());
    }
  }
  return texts;
}

void run_send(const SendOptions& opts, Context& ctx) {
  validate_name(opts.to, "user");
  auto profile = require_profile(ctx);
  auto settings = ctx.settings(&profile);
  auto texts = collect_texts(opts, ctx, settings.max_text_bytes);

  auto transport = ctx.make_transport();
  transport->connect(oneshot_options(settings, profile.name));
  auto warn = [&ctx](const std::string& m) { ctx.warn(m); };
  if (!find_user(DirectoryReader{*transport, profile.name, settings.connect_timeout, warn, {}},
                 opts.to)) {
    throw not_found_error("cannot send to '" + opts.to + "': no such user (see 'mqchat who')");
  }
  std::vector<Envelope> envelopes;
  envelopes.reserve(texts.size());
  for (auto& t : texts) envelopes.push_back(make_direct_message(profile.name, opts.to, t));
  auto history = open_history(ctx, profile);
  publish_in_order(*transport, envelopes, settings.qos, kWindow, history);
  transport->disconnect();

  if (ctx.global.json) {
    for (const auto& e : envelopes) {
      print_json_line(ctx.out, {{"id", e.id}, {"ok", true}, {"to", e.to}, {"sent_at", e.sent_at}});
    }
  } else if (ctx.out_is_terminal && !ctx.global.quiet) {
    ctx.out << "sent "
            << (envelopes.size() == 1 ? "a message"
                                      : std::to_string(envelopes.size()) + " messages")
            << " to " << opts.to << "\n";
  }
}

}  // namespace

void add_send(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<SendOptions>();
  auto* sub = app.add_subcommand("send", "Send a direct message");
  sub->add_option("user", opts->to, "Recipient")->required();
  sub->add_option("text", opts->words, "Message text; from stdin when absent or '-'");
  sub->add_flag("--lines", opts->lines,
                "Send each non-empty stdin line as its own message, over one connection");
  sub->footer(
      "Examples:\n"
      "  mqchat send bob 'see you at 6'\n"
      "  uptime | mqchat send ops\n"
      "  tail -n 20 app.log | mqchat send --lines ops");
  sub->callback([opts, &ctx] { run_send(*opts, ctx); });
}

}  // namespace mqchat
