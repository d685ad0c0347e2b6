#include "cmd/app.hpp"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "cmd/commands.hpp"
#include "core/error.hpp"

namespace mqchat {

namespace {

constexpr const char* kVersionText =
    "mqchat " MQCHAT_VERSION
    "\nspeaks MQTT 5.0 (falls back to 3.1.1); wire format mqchat/v1\n"
    "built with paho-mqtt-cpp 1.2 and paho.mqtt.c 1.3";

void add_global_options(CLI::App& app, GlobalOptions& g) {
  app.add_option("--broker", g.broker,
                 "Broker URL(s), comma-separated: mqtt://HOST[:PORT] or mqtts://HOST[:PORT] "
                 "(env MQCHAT_BROKER; default mqtt://127.0.0.1:1883)")
      ->type_name("URL");
  app.add_option("--profile", g.profile, "Act as this local profile (env MQCHAT_PROFILE)")
      ->type_name("NAME");
  app.add_option("--home", g.home,
                 "Keep all config and state under DIR (env MQCHAT_HOME; default XDG dirs)")
      ->type_name("DIR");
  app.add_option("--qos", g.qos, "MQTT quality of service for messages (default 1)")
      ->type_name("0|1|2")
      ->check(CLI::Range(0, 2));
  app.add_option("--connect-timeout", g.connect_timeout,
                 "Seconds to wait for the broker to answer (default 5)")
      ->type_name("SEC")
      ->check(CLI::PositiveNumber);
  app.add_flag("--json", g.json, "Print JSON Lines: one object per line");
  app.add_flag("-q,--quiet", g.quiet, "Print no warnings or progress");
  app.add_flag("-v,--verbose", g.verbose, "Say more about what happens");
}

void build(CLI::App& app, Context& ctx) {
  app.name("mqchat");
  app.description("mqchat: a scriptable messenger over MQTT");
  app.set_version_flag("--version", kVersionText);
  app.require_subcommand(1);
  // Global options may also follow the subcommand (git-style).
  app.fallthrough();
  app.footer(
      "Examples:\n"
      "  mqchat register alice --phone 5551234\n"
      "  mqchat send bob 'lunch at noon?'\n"
      "  mqchat listen --json | jq -r .text\n\n"
      "Exit status: 0 ok, 1 failure, 2 usage, 3 unknown user or not signed in,\n"
      "4 broker unreachable or refused, 5 timed out. See mqchat(1).");
  add_global_options(app, ctx.global);
  // The command table, in help order.
  add_register(app, ctx);
  add_login(app, ctx);
  add_logout(app, ctx);
  add_whoami(app, ctx);
  add_send(app, ctx);
  add_group(app, ctx);
  add_who(app, ctx);
  add_listen(app, ctx);
  add_history(app, ctx);
  add_broker(app, ctx);
  add_doctor(app, ctx);
  add_complete(app, ctx);
  for (auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    sub->footer(sub->get_footer() +
                "\n\nGlobal options (--broker, --home, --profile, --json, -q, -v, ...) may come "
                "before or after\nthe command; see 'mqchat --help'.");
  }
}

// CLI11 says "A subcommand is required" for a misspelt command; name the word instead.
std::optional<std::string> unknown_command(const CLI::App& app,
                                           const std::vector<std::string>& args) {
  static const std::vector<std::string> kTakesValue = {"--broker", "--profile", "--home", "--qos",
                                                       "--connect-timeout"};
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--") return std::nullopt;
    if (!a.empty() && a[0] == '-') {
      if (std::find(kTakesValue.begin(), kTakesValue.end(), a) != kTakesValue.end()) ++i;
      continue;
    }
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      if (sub->get_name() == a) return std::nullopt;
    }
    return a;
  }
  return std::nullopt;
}

// CLI11's messages start with a capital and may end with a period; ours do neither.
std::string lowercase_first(std::string m) {
  if (!m.empty() && m[0] >= 'A' && m[0] <= 'Z' && !(m.size() > 1 && m[1] >= 'A' && m[1] <= 'Z')) {
    m[0] = static_cast<char>(m[0] - 'A' + 'a');
  }
  while (!m.empty() && (m.back() == '.' || m.back() == '\n')) m.pop_back();
  return m;
}

std::string command_path(const CLI::App& app) {
  std::string path;
  const CLI::App* cur = &app;
  while (!cur->get_subcommands().empty()) {
    cur = cur->get_subcommands().front();
    path += " " + cur->get_name();
  }
  return path;
}

}  // namespace

int run_app(const std::vector<std::string>& args, Context& ctx) {
  CLI::App app;
  build(app, ctx);
  if (args.empty()) {
    ctx.out << app.help();
    return 0;
  }
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    app.parse(reversed);
    return 0;
  } catch (const CLI::CallForHelp&) {
    ctx.out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    ctx.out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion&) {
    ctx.out << kVersionText << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    std::string where = command_path(app);
    if (where.empty()) {
      if (auto word = unknown_command(app, args)) {
        ctx.err << "mqchat: '" << *word << "' is not an mqchat command (see 'mqchat --help')\n";
        return static_cast<int>(ExitCode::usage);
      }
    }
    ctx.err << "mqchat: " << lowercase_first(e.what()) << " (see 'mqchat" << where << " --help')\n";
    return static_cast<int>(ExitCode::usage);
  } catch (const Error& e) {
    ctx.out.flush();
    ctx.err << "mqchat: " << e.what() << "\n";
    return static_cast<int>(e.code());
  }
}

int run(int argc, char** argv) {
  // A closed pipe (mqchat listen | head -1) must end us through a write error we handle, not
  // through a signal that skips setting presence offline.
  std::signal(SIGPIPE, SIG_IGN);
  std::ios::sync_with_stdio(false);
  Context ctx{std::cin, std::cout, std::cerr,
              [](const char* name) -> std::optional<std::string> {
                const char* v = std::getenv(name);
                if (!v) return std::nullopt;
                return std::string(v);
              },
              make_paho_transport};
  ctx.out_is_terminal = ::isatty(STDOUT_FILENO) == 1;
  ctx.in_is_terminal = ::isatty(STDIN_FILENO) == 1;
  std::vector<std::string> args(argv + 1, argv + argc);
  int code = run_app(args, ctx);
  std::cout.flush();
  std::cerr.flush();
  return code;
}

}  // namespace mqchat
