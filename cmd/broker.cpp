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
#include "core/broker_config.hpp"
#include "core/error.hpp"
#include "core/mosquitto_runner.hpp"

namespace mqchat {

namespace {

struct BrokerCliOptions {  // shared by `start` and `config`, so both describe the same broker
  int port = kDefaultBrokerPort;
  std::string bind = "127.0.0.1";
  std::string data_dir;  ///< empty: STATE_DIR/broker
};

BrokerOptions resolve(const BrokerCliOptions& cli, Context& ctx) {
  BrokerOptions opts;
  opts.port = cli.port;
  opts.bind = cli.bind;
  // Absolute, so the printed config also works when run from another directory.
  opts.data_dir = cli.data_dir.empty() ? ctx.store().paths().state_dir / "broker"
                                       : std::filesystem::absolute(cli.data_dir);
  opts.run_as_root = ::geteuid() == 0;
  validate_broker_options(opts);
  return opts;
}

void run_broker_start(const BrokerCliOptions& cli, Context& ctx) {
  const BrokerOptions opts = resolve(cli, ctx);
  const auto mosquitto = find_mosquitto(ctx.env("PATH"));
  const auto starting = [&] {
    if (!ctx.global.quiet) {
      ctx.err << "mqchat: starting mosquitto on " << opts.bind << ':' << opts.port << ", data in "
              << opts.data_dir.string() << " (stop with Ctrl-C)" << std::endl;
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

void add_broker_options(CLI::App* sub, BrokerCliOptions& opts) {
  sub->add_option("--port", opts.port, "TCP port to listen on (default 1883)");
  sub->add_option("--bind", opts.bind,
                  "Address to listen on (default 127.0.0.1; other machines need e.g. 0.0.0.0)");
  sub->add_option("--data-dir", opts.data_dir,
                  "Directory for the config and persistent data (default STATE_DIR/broker)");
}

}  // namespace

void add_broker(CLI::App& app, Context& ctx) {
  auto* broker = app.add_subcommand("broker", "Run a mosquitto broker configured for mqchat");
  broker->require_subcommand(1);
  broker->footer(
      "Examples:\n"
      "  mqchat broker start\n"
      "  mqchat broker config --port 1884 > mosquitto.conf");

  // CLI11 binds by reference: the options must outlive this function.
  auto start = std::make_shared<BrokerCliOptions>();
  auto* start_cmd = broker->add_subcommand(
      "start", "Run mosquitto in the foreground (persistence, queues for offline users)");
  add_broker_options(start_cmd, *start);
  start_cmd->footer(
      "Examples:\n"
      "  mqchat broker start\n"
      "  mqchat broker start --port 1884 --data-dir /srv/mqchat-broker");
  start_cmd->callback([start, &ctx] { run_broker_start(*start, ctx); });

  auto config = std::make_shared<BrokerCliOptions>();
  auto* config_cmd =
      broker->add_subcommand("config", "Print the mosquitto config that 'broker start' uses");
  add_broker_options(config_cmd, *config);
  config_cmd->footer(
      "Examples:\n"
      "  mqchat broker config\n"
      "  mqchat broker config --bind 0.0.0.0 --data-dir /srv/mqchat > mqchat.conf\n"
      "  mosquitto -c mqchat.conf");
  config_cmd->callback([config, &ctx] { run_broker_config(*config, ctx); });
}

}  // namespace mqchat
