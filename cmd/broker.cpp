// `mqchat broker`: runs and configures a local mosquitto for mqchat. The work is in
// core/broker_config and core/mosquitto_runner; this file only parses and reports.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

#include "cmd/commands.hpp"
#include "cmd/context.hpp"
#include "cmd/output.hpp"
#include "cmd/password_input.hpp"
#include "core/broker/broker_accounts.hpp"
#include "core/broker/broker_config.hpp"
#include "core/broker/mosquitto_runner.hpp"
#include "core/wire/error.hpp"
#include "core/wire/names.hpp"

namespace mqchat {

namespace {

struct BrokerCliOptions {  // shared by `start` and `config`, so both describe the same broker
  int port = kDefaultBrokerPort;
  std::string bind = "127.0.0.1";
  std::string data_dir;  ///< empty: STATE_DIR/broker
  bool auth = false;
  bool tls = false;
  int tls_port = kDefaultTlsPort;
  std::string cert;
  std::string key;
};

struct AccountOptions {  // `adduser` and `deluser`
  std::string name;
  std::string data_dir;
};

// Absolute, so the printed config also works when run from another directory.
std::filesystem::path data_dir_of(const std::string& given, Context& ctx) {
  return given.empty() ? ctx.store().paths().state_dir / "broker"
                       : std::filesystem::absolute(given);
}

BrokerOptions resolve(const BrokerCliOptions& cli, Context& ctx) {
  BrokerOptions opts;
  opts.port = cli.port;
  opts.bind = cli.bind;
  opts.data_dir = data_dir_of(cli.data_dir, ctx);
  opts.run_as_root = ::geteuid() == 0;
  opts.auth = cli.auth;
  if (!cli.tls && (!cli.cert.empty() || !cli.key.empty())) {
    throw usage_error("--cert and --key configure the TLS listener: add --tls");
  }
  if (cli.tls) {
    if (cli.cert.empty() || cli.key.empty()) {
      throw usage_error(
          "--tls needs the server certificate and its key: give --cert FILE and "
          "--key FILE");
    }
    opts.tls = TlsListener{cli.tls_port, std::filesystem::absolute(cli.cert),
                           std::filesystem::absolute(cli.key)};
  }
  validate_broker_options(opts);
  return opts;
}

std::string reload_note(BrokerReload reload) {
  switch (reload) {
    case BrokerReload::signalled:
      return "; the running broker reloaded its accounts";
    case BrokerReload::failed:
      return "; could not tell the running broker (send its mqchat process SIGHUP)";
    case BrokerReload::not_running:
      break;
  }
  return "";
}

void run_broker_start(const BrokerCliOptions& cli, Context& ctx) {
  const BrokerOptions opts = resolve(cli, ctx);
  const auto mosquitto = find_mosquitto(ctx.env("PATH"));
  const auto starting = [&] {
    if (!ctx.global.quiet) {
      ctx.err << "mqchat: starting mosquitto on " << opts.bind << ':' << opts.port;
      if (opts.tls) ctx.err << " and TLS on " << opts.bind << ':' << opts.tls->port;
      ctx.err << ", data in " << opts.data_dir.string() << " (stop with Ctrl-C)" << std::endl;
    }
    if (opts.auth && broker_accounts(opts.data_dir).empty()) {
      ctx.warn(
          "no accounts yet: nobody can connect until you add one with 'mqchat broker "
          "adduser NAME --data-dir " +
          opts.data_dir.string() + "'");
    }
    // mosquitto writes to the same terminal or pipe: ours must come out first.
    ctx.out.flush();
  };
  const int status = run_mosquitto(opts, mosquitto, starting);
  if (status != 0) {
    throw failure("mosquitto exited with status " + std::to_string(status) +
                  " (see its log above)");
  }
}

void run_broker_config(const BrokerCliOptions& cli, Context& ctx) {
  ctx.out << render_mosquitto_config(resolve(cli, ctx));
}

// The password of a new or changed account: never from argv.
std::string account_password(Context& ctx, const std::string& name) {
  if (auto given = given_password(ctx)) return *given;
  if (auto typed = prompt_password(ctx, "New password for '" + name + "': ", true)) return *typed;
  throw usage_error("no password for '" + name +
                    "': set MQCHAT_PASSWORD, give --password-file FILE, or run on a terminal");
}

void run_broker_adduser(const AccountOptions& opts, Context& ctx) {
  validate_name(opts.name, "user");
  const auto dir = data_dir_of(opts.data_dir, ctx);
  const bool added = add_broker_account(dir, opts.name, account_password(ctx, opts.name));
  const auto reload = reload_running_broker(dir);
  if (ctx.global.json) {
    print_json_line(
        ctx.out,
        {{"name", opts.name}, {"added", added}, {"reloaded", reload == BrokerReload::signalled}});
  } else if (!ctx.global.quiet) {
    ctx.out << (added ? "added account '" : "changed the password of '") << opts.name << "'"
            << reload_note(reload) << "\n";
  }
}

void run_broker_deluser(const AccountOptions& opts, Context& ctx) {
  const auto dir = data_dir_of(opts.data_dir, ctx);
  remove_broker_account(dir, opts.name);
  const auto reload = reload_running_broker(dir);
  if (ctx.global.json) {
    print_json_line(
        ctx.out,
        {{"name", opts.name}, {"removed", true}, {"reloaded", reload == BrokerReload::signalled}});
  } else if (!ctx.global.quiet) {
    ctx.out << "removed account '" << opts.name << "'" << reload_note(reload)
            << " (the broker disconnects a client connected as '" << opts.name
            << "' when it reloads)\n";
  }
}

void add_broker_options(CLI::App* sub, BrokerCliOptions& opts) {
  sub->add_option("--port", opts.port, "TCP port to listen on (default 1883)");
  sub->add_option("--bind", opts.bind,
                  "Address to listen on (default 127.0.0.1; other machines need e.g. 0.0.0.0)");
  sub->add_option("--data-dir", opts.data_dir,
                  "Directory for the config and persistent data (default STATE_DIR/broker)");
  sub->add_flag("--auth", opts.auth,
                "Accounts only (see 'broker adduser'); each user may post only as itself");
  sub->add_flag("--tls", opts.tls, "Also listen with TLS (needs --cert and --key)");
  sub->add_option("--tls-port", opts.tls_port, "TCP port of the TLS listener (default 8883)");
  sub->add_option("--cert", opts.cert, "PEM server certificate for --tls")->type_name("FILE");
  sub->add_option("--key", opts.key, "PEM private key of --cert")->type_name("FILE");
}

void add_account_commands(CLI::App* broker, Context& ctx) {
  auto add = std::make_shared<AccountOptions>();
  auto* add_cmd = broker->add_subcommand(
      "adduser", "Add an account to the --auth broker, or change its password");
  add_cmd->add_option("name", add->name, "User name (the same as in 'mqchat register')")
      ->required();
  add_cmd->add_option("--data-dir", add->data_dir,
                      "The broker's data directory (default STATE_DIR/broker)");
  add_cmd
      ->add_option("--password-file", ctx.global.password_file,
                   "Read the password from the first line of FILE")
      ->type_name("FILE");
  add_cmd->footer(
      "The password comes from MQCHAT_PASSWORD, --password-file or a prompt on the terminal,\n"
      "never from the command line. A running 'broker start' picks the change up at once.\n\n"
      "Examples:\n"
      "  mqchat broker adduser alice\n"
      "  MQCHAT_PASSWORD=\"$(pass show chat/bob)\" mqchat broker adduser bob\n"
      "  mqchat broker adduser carol --password-file carol.pw --data-dir /srv/mqchat");
  add_cmd->callback([add, &ctx] { run_broker_adduser(*add, ctx); });

  auto del = std::make_shared<AccountOptions>();
  auto* del_cmd = broker->add_subcommand("deluser", "Remove an account from the --auth broker");
  del_cmd->add_option("name", del->name, "User name")->required();
  del_cmd->add_option("--data-dir", del->data_dir,
                      "The broker's data directory (default STATE_DIR/broker)");
  del_cmd->footer(
      "A running broker disconnects a client connected as NAME when it rereads its accounts.\n\n"
      "Examples:\n"
      "  mqchat broker deluser carol\n"
      "  mqchat broker deluser carol --data-dir /srv/mqchat");
  del_cmd->callback([del, &ctx] { run_broker_deluser(*del, ctx); });
}

}  // namespace

void add_broker(CLI::App& app, Context& ctx) {
  auto* broker = app.add_subcommand("broker", "Run a mosquitto broker configured for mqchat");
  broker->require_subcommand(1);
  broker->footer(
      "Examples:\n"
      "  mqchat broker start\n"
      "  mqchat broker adduser alice && mqchat broker start --auth\n"
      "  mqchat broker config --port 1884 > mosquitto.conf");

  // CLI11 binds by reference: the options must outlive this function.
  auto start = std::make_shared<BrokerCliOptions>();
  auto* start_cmd = broker->add_subcommand(
      "start", "Run mosquitto in the foreground (persistence, queues for offline users)");
  add_broker_options(start_cmd, *start);
  start_cmd->footer(
      "Examples:\n"
      "  mqchat broker start\n"
      "  mqchat broker start --port 1884 --data-dir /srv/mqchat-broker\n"
      "  mqchat broker start --auth --tls --cert server.pem --key server.key");
  start_cmd->callback([start, &ctx] { run_broker_start(*start, ctx); });

  auto config = std::make_shared<BrokerCliOptions>();
  auto* config_cmd =
      broker->add_subcommand("config", "Print the mosquitto config that 'broker start' uses");
  add_broker_options(config_cmd, *config);
  config_cmd->footer(
      "Examples:\n"
      "  mqchat broker config\n"
      "  mqchat broker config --auth --bind 0.0.0.0 --data-dir /srv/mqchat > mqchat.conf\n"
      "  mosquitto -c mqchat.conf   # after 'mqchat broker adduser NAME --data-dir /srv/mqchat'");
  config_cmd->callback([config, &ctx] { run_broker_config(*config, ctx); });

  add_account_commands(broker, ctx);
}

}  // namespace mqchat
