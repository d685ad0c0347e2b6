// register, login, logout, whoami across machines (state directories) sharing one broker.

#include <filesystem>

#include "tests/integration/harness.hpp"

using namespace itest;
namespace fs = std::filesystem;

TEST_CASE("register creates the local profile and makes it current", "[register]") {
  Broker broker;
  User alice("alice", broker);
  auto r = alice.run({"register", "alice", "--phone", "+4915112345678"});
  REQUIRE_EXIT(r, 0);

  CHECK(fs::is_regular_file(alice.home() / "config.yaml"));
  CHECK(fs::is_regular_file(alice.home() / "profiles" / "alice.yaml"));

  auto whoami = alice.run({"whoami"});
  REQUIRE_EXIT(whoami, 0);
  CHECK(lines_of(whoami.out) == std::vector<std::string>{"alice"});

  auto whoami_json = alice.run({"whoami", "--json"});
  REQUIRE_EXIT(whoami_json, 0);
  auto objects = parse_json_lines(whoami_json.out);
  REQUIRE(objects.size() == 1);
  CHECK(str(objects[0], "name") == "alice");
}

TEST_CASE("a taken name cannot be registered from another machine", "[register]") {
  Broker broker;
  User alice("alice", broker);
  User impostor("alice", broker);  // the same name on a second machine
  alice.register_user("+4915100000001");

  auto who = alice.run({"who", "--json"});
  REQUIRE_EXIT(who, 0);
  auto users = parse_json_lines(who.out);
  REQUIRE(users.size() == 1);
  std::string registered_at = str(users[0], "registered_at");
  INFO("registered_at: " << registered_at);
  REQUIRE(is_rfc3339_utc(registered_at));

  auto r = impostor.run({"register", "alice", "--phone", "+4915100000002"});
  INFO(describe(r));
  CHECK((r.exit_code == 1 || r.exit_code == 3));
  // The message names when the owner registered (at least the date).
  CHECK(r.err.find(registered_at.substr(0, 10)) != std::string::npos);
  CHECK(lines_of(r.err).size() == 1);

  // The impostor has no profile, and the directory still holds the owner's record.
  auto whoami = impostor.run({"whoami"});
  CHECK(whoami.exit_code == 3);
  auto again = impostor.run({"who", "--json"});
  REQUIRE_EXIT(again, 0);
  auto after = parse_json_lines(again.out);
  REQUIRE(after.size() == 1);
  CHECK(str(after[0], "registered_at") == registered_at);
  CHECK(str(after[0], "phone") == "+4915100000001");
}

TEST_CASE("login works on a new machine from the broker directory alone", "[login]") {
  Broker broker;
  User alice("alice", broker);
  alice.register_user("+4915112345678");
  User laptop("alice", broker);  // alice's second machine: an empty state directory

  SECTION("with the registered phone") {
    auto r = laptop.run({"login", "alice", "--phone", "+4915112345678"});
    REQUIRE_EXIT(r, 0);
    auto whoami = laptop.run({"whoami"});
    REQUIRE_EXIT(whoami, 0);
    CHECK(lines_of(whoami.out) == std::vector<std::string>{"alice"});
    CHECK(fs::is_regular_file(laptop.home() / "profiles" / "alice.yaml"));
  }
  SECTION("a wrong phone exits 3") {
    auto r = laptop.run({"login", "alice", "--phone", "+4915199999999"});
    CHECK_EXIT(r, 3);
    CHECK(lines_of(r.err).size() == 1);
    CHECK(laptop.run({"whoami"}).exit_code == 3);
  }
  SECTION("an unregistered name exits 3") {
    User stranger("mallory", broker);
    auto r = stranger.run({"login", "mallory"});
    CHECK_EXIT(r, 3);
    CHECK(r.err.find("mallory") != std::string::npos);
    CHECK(stranger.run({"whoami"}).exit_code == 3);
  }
}

TEST_CASE("a message sent to a user who logged in on a new machine reaches that machine",
          "[login]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user("+4915100000002");
  User bob_laptop("bob", broker);
  auto login = bob_laptop.run({"login", "bob", "--phone", "+4915100000002"});
  REQUIRE_EXIT(login, 0);

  // login creates the session of this machine, so a message sent now waits for its listen.
  alice.send(bob, "to the laptop");
  auto messages = bob_laptop.receive(1);
  CHECK(str(messages[0], "text") == "to the laptop");
  CHECK(str(messages[0], "from") == "alice");
}

TEST_CASE("logout forgets the current profile", "[logout]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();

  auto r = alice.run({"logout"});
  REQUIRE_EXIT(r, 0);
  auto whoami = alice.run({"whoami"});
  CHECK_EXIT(whoami, 3);
  auto send = alice.run({"send", "bob", "hello"});
  CHECK_EXIT(send, 3);

  auto login = alice.run({"login", "alice"});
  REQUIRE_EXIT(login, 0);
  auto back = alice.run({"whoami"});
  REQUIRE_EXIT(back, 0);
  CHECK(lines_of(back.out) == std::vector<std::string>{"alice"});
}

TEST_CASE("global options are accepted before and after the subcommand", "[cli]") {
  Broker broker;
  User alice("alice", broker);
  TempDir elsewhere("mqchat-it-elsewhere");

  SECTION("--broker and --home before the subcommand override the environment") {
    MqchatOptions o;
    o.broker = "mqtt://127.0.0.1:1";  // nothing listens there: the flag must win
    auto r = alice.run({"--broker", broker.url(), "--home", elsewhere.path().string(), "register",
                        "alice"},
                       o);
    REQUIRE_EXIT(r, 0);
    CHECK(fs::is_regular_file(elsewhere.path() / "profiles" / "alice.yaml"));
    CHECK_FALSE(fs::exists(alice.home() / "profiles" / "alice.yaml"));
  }
  SECTION("--broker and --home after the subcommand override the environment") {
    MqchatOptions o;
    o.broker = "mqtt://127.0.0.1:1";
    auto r = alice.run({"register", "alice", "--broker", broker.url(), "--home",
                        elsewhere.path().string()},
                       o);
    REQUIRE_EXIT(r, 0);
    CHECK(fs::is_regular_file(elsewhere.path() / "profiles" / "alice.yaml"));
    CHECK_FALSE(fs::exists(alice.home() / "profiles" / "alice.yaml"));
  }
  SECTION("--json before or after whoami") {
    alice.register_user();
    for (const auto& args : {std::vector<std::string>{"--json", "whoami"},
                             std::vector<std::string>{"whoami", "--json"}}) {
      auto r = alice.run(args);
      REQUIRE_EXIT(r, 0);
      auto objects = parse_json_lines(r.out);
      REQUIRE(objects.size() == 1);
      CHECK(str(objects[0], "name") == "alice");
    }
  }
}

TEST_CASE("the --profile option chooses among several local accounts", "[cli]") {
  Broker broker;
  User machine("alice", broker);  // one machine on which alice and carol both registered
  User bob("bob", broker);
  bob.register_user();
  REQUIRE_EXIT(machine.run({"register", "alice"}), 0);
  REQUIRE_EXIT(machine.run({"register", "carol"}), 0);

  auto current = machine.run({"whoami"});
  REQUIRE_EXIT(current, 0);
  CHECK(lines_of(current.out) == std::vector<std::string>{"carol"});

  REQUIRE_EXIT(machine.run({"--profile", "alice", "send", "bob", "from alice"}), 0);
  MqchatOptions as_carol;
  as_carol.env = {{"MQCHAT_PROFILE", "carol"}};
  REQUIRE_EXIT(machine.run({"send", "bob", "from carol"}, as_carol), 0);

  auto messages = bob.receive(2);
  CHECK(str(messages[0], "from") == "alice");
  CHECK(str(messages[0], "text") == "from alice");
  CHECK(str(messages[1], "from") == "carol");
  CHECK(str(messages[1], "text") == "from carol");
}
