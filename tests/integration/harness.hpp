#pragma once

// Everything an integration test needs: a broker of its own, users on their own machines, the
// mqchat binary run as a child process, and a few checks.

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "tests/integration/broker.hpp"
#include "tests/integration/json_lines.hpp"
#include "tests/integration/mqchat.hpp"
#include "tests/integration/ports.hpp"
#include "tests/integration/process.hpp"
#include "tests/integration/user.hpp"

/// Requires that the run result R (evaluated once) exited with CODE, showing the command and
/// its output otherwise.
#define REQUIRE_EXIT(r, code)                              \
  do {                                                     \
    const ::itest::RunResult& itest_checked_result_ = (r); \
    INFO(::itest::describe(itest_checked_result_));        \
    REQUIRE(itest_checked_result_.exit_code == (code));    \
  } while (false)

/// Same as REQUIRE_EXIT, but the test goes on after a failure.
#define CHECK_EXIT(r, code)                                \
  do {                                                     \
    const ::itest::RunResult& itest_checked_result_ = (r); \
    INFO(::itest::describe(itest_checked_result_));        \
    CHECK(itest_checked_result_.exit_code == (code));      \
  } while (false)

namespace itest {

using namespace std::chrono_literals;

/// Polls CONDITION every INTERVAL until it holds (true) or TIMEOUT passes (false).
bool wait_until(const std::function<bool()>& condition, Millis timeout, Millis interval = 100ms);

/// Runs mosquitto_pub against BROKER_PORT with ARGS (e.g. -q 1 -t TOPIC -m PAYLOAD); the test
/// fails unless it exits 0.
void mosquitto_pub(int broker_port, const std::vector<std::string>& args);

/// Starts mosquitto_sub against BROKER_PORT with ARGS in the background.
std::unique_ptr<Process> mosquitto_sub(int broker_port, const std::vector<std::string>& args);

/// A broker of our own (with persistence, so a restart keeps queued messages) and two
/// registered users, alice and bob.
struct Chat {
  Broker broker;
  User alice{"alice", broker};
  User bob{"bob", broker};
  Chat();
};

/// Names of the users that `who --online --json` run by VIEWER reports as online.
std::vector<std::string> online_users(const User& viewer);

/// True when NAMES contains NAME.
bool contains(const std::vector<std::string>& names, const std::string& name);

/// The texts of MESSAGES, in order.
std::vector<std::string> texts_of(const std::vector<nlohmann::json>& messages);

/// The retained messages on FILTER (a filter under mqchat/v1/...), as "TOPIC PAYLOAD" lines
/// from `mosquitto_sub -v`. No fixed quiet period: a marker published (not retained) to
/// MARKER_TOPIC, which FILTER must match, ends the replay once it comes back.
std::vector<std::string> retained_lines(int broker_port, const std::string& filter,
                                        const std::string& marker_topic);

/// Reads JSON lines from the running LISTEN until one satisfies LAST (that one included) and
/// returns them all; the test fails when TIMEOUT passes first or a line is not a JSON object.
std::vector<nlohmann::json> read_json_until(Process& listen,
                                            const std::function<bool(const nlohmann::json&)>& last,
                                            Millis timeout = Millis(15000));

}  // namespace itest
