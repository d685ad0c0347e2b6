// An unreachable or restarted broker.

#include "tests/integration/harness.hpp"

using namespace itest;

TEST_CASE("an unreachable broker exits 4 with one line on stderr within 5 seconds",
          "[connection]") {
  Broker broker;
  User alice("alice", broker);
  alice.register_user();
  std::string closed = "mqtt://127.0.0.1:" + std::to_string(free_port());
  User newcomer("carol", closed);

  std::vector<std::string> args;
  const User* who = &alice;
  SECTION("register") {
    who = &newcomer;
    args = {"register", "carol"};
  }
  SECTION("login") {
    who = &newcomer;
    args = {"login", "carol"};
  }
  SECTION("who") { args = {"who"}; }
  SECTION("send") { args = {"send", "bob", "hello"}; }
  SECTION("listen") { args = {"listen", "--count", "1", "--timeout", "30"}; }

  args.insert(args.end(), {"--broker", closed, "--connect-timeout", "2"});
  auto r = who->run(args);
  INFO(describe(r));
  CHECK(r.exit_code == 4);
  CHECK(r.elapsed < 5s);
  CHECK(lines_of(r.err).size() == 1);
  CHECK(r.out.empty());
}

TEST_CASE("a stopped broker is reported and a restarted one delivers what was queued",
          "[connection]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();
  alice.send(bob, "before the restart");

  broker.stop();
  auto r = alice.run({"send", "bob", "while it is down", "--connect-timeout", "2"});
  CHECK_EXIT(r, 4);
  CHECK(r.elapsed < 5s);

  broker.restart();
  alice.send(bob, "after the restart");
  CHECK(texts_of(bob.receive(2)) ==
        std::vector<std::string>{"before the restart", "after the restart"});
}
