#include "cmd/app.hpp"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cmd/commands.hpp"
#include "core/broker/mosquitto_runner.hpp"
#include "core/crypto/crypto.hpp"
#include "core/module/library_versions.hpp"
#include "core/wire/error.hpp"

namespace mqchat {

namespace {

constexpr const char* kVersionText = "mqchat " MQCHAT_VERSION;

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
                 "Seconds of silence from the broker before giving up (default 5)")
      ->type_name("SEC")
      ->check(CLI::PositiveNumber);
  app.add_option("--password-file", g.password_file,
                 "Read the password from the first line of FILE (else env MQCHAT_PASSWORD, or a "
                 "prompt on a terminal)")
      ->type_name("FILE");
  app.add_option("--cafile", g.cafile,
                 "Trust the CA certificates in FILE for mqtts:// brokers (env MQCHAT_CAFILE)")
      ->type_name("FILE");
  app.add_option("--cert", g.cert, "Client certificate for mqtts:// brokers that ask for one")
      ->type_name("FILE");
  app.add_option("--key", g.key, "Private key of --cert")->type_name("FILE");
  app.add_flag("--insecure", g.insecure,
               "Accept any TLS certificate of the broker: no protection against impostors; "
               "for testing only");
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
  add_key(app, ctx);
  add_trust(app, ctx);
  add_broker(app, ctx);
  add_config(app, ctx);
  add_profile(app, ctx);
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
  static const std::vector<std::string> kTakesValue = {
      "--broker",        "--profile", "--home", "--qos", "--connect-timeout",
      "--password-file", "--cafile",  "--cert", "--key"};
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

// --json as given in ARGS: a parse error or --version may come before CLI11 has set the flag.
bool wants_json(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "--") return false;
    if (a == "--json") return true;
  }
  return false;
}

// The one place that prints an error: "mqchat: MESSAGE", or under --json one JSON object line
// {"error": MESSAGE, "exit_code": N} (mqchat-json(7)), with "acknowledged" when a send of
// several messages stopped early. Returns the exit code.
int report_error(Context& ctx, const std::vector<std::string>& args, ExitCode code,
                 const std::string& message,
                 std::optional<std::size_t> acknowledged = std::nullopt) {
  if (ctx.global.json || wants_json(args)) {
    nlohmann::json j = {{"error", message}, {"exit_code", static_cast<int>(code)}};
    if (acknowledged) j["acknowledged"] = *acknowledged;
    ctx.err << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    ctx.err << "mqchat: " << message << "\n";
  }
  ctx.err.flush();
  return static_cast<int>(code);
}

void print_version(Context& ctx, bool json) {
  std::optional<std::string> mosquitto_path, mosquitto;
  try {
    mosquitto_path = find_mosquitto(ctx.env("PATH")).string();
    mosquitto = mosquitto_version(*mosquitto_path);
  } catch (const Error&) {
    // Only 'mqchat broker start' needs mosquitto; say it is missing.
  }
  // The paho versions come from mqchat-paho.so; --version must still answer without it.
  std::optional<std::string> paho_cpp, paho_c, sodium, module_error;
  try {
    paho_cpp = paho_cpp_version();
    paho_c = paho_c_version();
    sodium = crypto::library_version();
  } catch (const Error& e) {
    module_error = e.what();
  }
  auto or_null = [](const std::optional<std::string>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  if (json) {
    nlohmann::json j = {{"version", MQCHAT_VERSION},
                        {"mqtt", {"5.0", "3.1.1"}},
                        {"wire_format", "mqchat/v1"},
                        {"paho_mqtt_cpp", or_null(paho_cpp)},
                        {"paho_mqtt_c", or_null(paho_c)},
                        {"mosquitto", or_null(mosquitto)},
                        {"envelopes", {1, 2}},
                        {"libsodium", or_null(sodium)}};
    ctx.out << j.dump() << "\n";
    return;
  }
  ctx.out << kVersionText << "\n"
          << "MQTT 5.0, and 3.1.1 with brokers that refuse 5; wire format mqchat/v1, envelopes "
             "v2 (sealed end to end) and v1 (plain)\n";
  if (module_error) {
    ctx.out << "paho-mqtt not loaded: " << *module_error << "\n";
  } else {
    ctx.out << "paho-mqtt-cpp " << *paho_cpp << " (built with), paho.mqtt.c " << *paho_c
            << " (loaded), libsodium " << *sodium << "\n";
  }
  if (mosquitto) {
    ctx.out << "mosquitto " << *mosquitto << " (" << *mosquitto_path
            << ", run by 'mqchat broker start')\n";
  } else if (mosquitto_path) {
    ctx.out << "mosquitto at " << *mosquitto_path << " did not say its version\n";
  } else {
    ctx.out << "mosquitto not found (only 'mqchat broker start' needs it)\n";
  }
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
    print_version(ctx, wants_json(args));
    return 0;
  } catch (const CLI::ParseError& e) {
    std::string where = command_path(app);
    if (where.empty()) {
      if (auto word = unknown_command(app, args)) {
        return report_error(ctx, args, ExitCode::usage,
                            "'" + *word + "' is not an mqchat command (see 'mqchat --help')");
      }
    }
    return report_error(ctx, args, ExitCode::usage,
                        lowercase_first(e.what()) + " (see 'mqchat" + where + " --help')");
  } catch (const Error& e) {
    ctx.out.flush();
    std::optional<std::size_t> acknowledged;
    // Only where publishing began and stopped: bad input before the first message has none.
    const auto* partial = dynamic_cast<const PartialSendError*>(&e);
    if (partial && (partial->acknowledged() > 0 || e.code() != ExitCode::usage)) {
      acknowledged = partial->acknowledged();
    }
    return report_error(ctx, args, e.code(), e.what(), acknowledged);
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
  ctx.err_is_terminal = ::isatty(STDERR_FILENO) == 1;
  ctx.out_fd = STDOUT_FILENO;
  ctx.in_fd = STDIN_FILENO;
  std::vector<std::string> args(argv + 1, argv + argc);
  int code = run_app(args, ctx);
  std::cout.flush();
  std::cerr.flush();
  return code;
}

}  // namespace mqchat
