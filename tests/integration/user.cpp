#include "tests/integration/user.hpp"

#include <catch2/catch.hpp>

#include "tests/integration/broker.hpp"
#include "tests/integration/json_lines.hpp"

namespace itest {

User::User(std::string name, std::string broker_url)
    : name_(std::move(name)),
      broker_url_(std::move(broker_url)),
      home_("mqchat-it-home-" + name_),
      machine_("mqchat-it-machine-" + name_) {}

User::User(std::string name, const Broker& broker) : User(std::move(name), broker.url()) {}

MqchatOptions User::options(MqchatOptions options) const {
  if (!options.home) options.home = home();
  if (!options.broker) options.broker = broker_url_;
  if (!options.machine) options.machine = machine_.path();
  // First, so that OPTIONS's own variables (applied later) win.
  if (!password_.empty()) options.env.insert(options.env.begin(), {"MQCHAT_PASSWORD", password_});
  return options;
}

RunResult User::run(const std::vector<std::string>& args, MqchatOptions options) const {
  return run_mqchat(args, this->options(std::move(options)));
}

std::unique_ptr<Process> User::start(const std::vector<std::string>& args,
                                     MqchatOptions options) const {
  return start_mqchat(args, this->options(std::move(options)));
}

void User::register_user(const std::optional<std::string>& phone) const {
  std::vector<std::string> args{"register", name_};
  if (phone) {
    args.push_back("--phone");
    args.push_back(*phone);
  }
  auto r = run(args);
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
}

void User::send(const User& to, const std::string& text) const {
  auto r = run({"send", to.name(), text});
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
}

std::vector<nlohmann::json> User::receive(int count, int timeout_seconds) const {
  MqchatOptions o;
  o.timeout = std::chrono::seconds(timeout_seconds + 10);
  auto r = run({"listen", "--json", "--count", std::to_string(count), "--timeout",
                std::to_string(timeout_seconds)},
               o);
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  auto messages = parse_json_lines(r.out);
  REQUIRE(messages.size() == static_cast<std::size_t>(count));
  return messages;
}

}  // namespace itest
