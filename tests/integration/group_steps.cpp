#include "tests/integration/group_steps.hpp"

#include <signal.h>

namespace itest {

namespace {

void run_ok(const User& user, const std::vector<std::string>& args) {
  auto r = user.run(args);
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
}

}  // namespace

void join(const User& user, const std::string& group) { run_ok(user, {"group", "join", group}); }

GroupChat::GroupChat() {
  join(alice, "Group_1");
  join(bob, "Group_1");
}

void leave(const User& user, const std::string& group) { run_ok(user, {"group", "leave", group}); }

void group_send(const User& user, const std::string& group, const std::string& text) {
  run_ok(user, {"group", "send", group, text});
}

std::unique_ptr<Process> start_listen(const User& listener, const User& viewer,
                                      std::vector<std::string> extra) {
  std::vector<std::string> args{"listen", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto listen = listener.start(args);
  bool online = wait_until([&] { return contains(online_users(viewer), listener.name()); }, 10s);
  INFO(listen->describe());
  REQUIRE(online);
  return listen;
}

void stop(Process& listen) {
  listen.signal(SIGINT);
  INFO(listen.describe());
  REQUIRE(listen.wait_exit(10s).has_value());
}

std::function<bool(const nlohmann::json&)> text_is(const std::string& text) {
  return [text](const nlohmann::json& m) { return str(m, "text") == text; };
}

}  // namespace itest
