// `mqchat doctor`: checks that a broker, or every node of a cluster, gives mqchat what it relies
// on. The probes are in core/doctor; this file only parses and prints the table.
#include "core/broker/doctor.hpp"

#include <CLI/CLI.hpp>
#include <iomanip>
#include <memory>
#include <ostream>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "core/wire/error.hpp"

namespace mqchat {

namespace {

struct DoctorCliOptions {
  std::size_t queue = 2000;
};

const char* mark(CheckStatus status) {
  switch (status) {
    case CheckStatus::ok:
      return "✔";
    case CheckStatus::fail:
      return "✘";
    case CheckStatus::warn:
      return "!";
    case CheckStatus::unknown:
      return "?";
  }
  return "?";
}

void print_table(std::ostream& out, const DoctorReport& report) {
  std::size_t width = 0;
  for (const auto& c : report.checks) width = std::max(width, c.title.size());
  for (const auto& c : report.checks) {
    out << mark(c.status) << ' ' << std::left << std::setw(static_cast<int>(width) + 2) << c.title
        << c.detail << '\n';
    if (!c.fix.empty()) out << "  " << std::string(width + 2, ' ') << "→ " << c.fix << '\n';
  }
  out << std::flush;
}

void run_doctor_command(const DoctorCliOptions& cli, Context& ctx) {
  if (cli.queue < 1 || cli.queue > 100000) {
    throw usage_error("--queue must be between 1 and 100000 messages");
  }
  auto profile = optional_profile(ctx);  // probing needs no account
  auto settings = ctx.settings(profile ? &*profile : nullptr);
  DoctorOptions options;
  options.brokers = settings.brokers;
  options.timeout = settings.connect_timeout;
  options.queue_probe = cli.queue;
  if (ctx.global.verbose) {
    ctx.err << "mqchat: probing " << options.brokers.size() << " node(s), queueing up to "
            << options.queue_probe << " messages" << std::endl;
  }
  auto report = run_doctor(ctx.make_transport, options);

  if (ctx.global.json) {
    for (const auto& c : report.checks) {
      print_json_line(ctx.out, {{"check", c.id},
                                {"title", c.title},
                                {"status", to_string(c.status)},
                                {"detail", c.detail},
                                {"fix", c.fix}});
    }
  } else {
    print_table(ctx.out, report);
  }
  if (!report.passed()) {
    std::string failed;
    for (const auto& c : report.checks) {
      if (c.status == CheckStatus::fail) failed += (failed.empty() ? "" : ", ") + c.id;
    }
    throw failure("the broker lacks what mqchat needs (" + failed +
                  "): change what the failing rows say");
  }
}

}  // namespace

void add_doctor(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<DoctorCliOptions>();
  auto* sub = app.add_subcommand(
      "doctor", "Check that the broker (or every node of a cluster) gives mqchat what it needs");
  sub->add_option("--queue", opts->queue,
                  "Queue up to N messages to an offline probe session (default 2000)")
      ->type_name("N");
  sub->footer(
      "Probes, one row each: MQTT version; retained messages on wildcard subscriptions; the\n"
      "same retained state on every node; a persistent session resumed (on another node when\n"
      "several are given); how many messages an offline session keeps; whether refused messages\n"
      "are reported. Every probe topic and session is removed afterwards. Exit 0 when\n"
      "everything mqchat needs holds, 1 otherwise.\n"
      "\n"
      "Examples:\n"
      "  mqchat doctor\n"
      "  mqchat doctor --broker mqtt://node1:1883,mqtt://node2:1883\n"
      "  mqchat doctor --json | jq -r 'select(.status==\"fail\") | .fix'");
  sub->callback([opts, &ctx] { run_doctor_command(*opts, ctx); });
}

}  // namespace mqchat
