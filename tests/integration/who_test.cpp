// who and who --online: the directory and presence, as every machine sees them.

#include <signal.h>

#include "tests/integration/harness.hpp"

using namespace itest;

TEST_CASE("who lists every registered user with its directory record", "[who]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  User carol("carol", broker);
  alice.register_user("+4915100000001");
  bob.register_user();
  carol.register_user("+4915100000003");
  User newcomer("dave", broker);  // has no profile: who needs only the broker

  auto r = newcomer.run({"who", "--json"});
  REQUIRE_EXIT(r, 0);
  auto users = parse_json_lines(r.out);
  REQUIRE(users.size() == 3);
  std::vector<std::string> names;
  for (const auto& user : users) {
    INFO(user.dump());
    names.push_back(str(user, "name"));
    CHECK(is_rfc3339_utc(str(user, "registered_at")));
    REQUIRE(user.contains("online"));
    CHECK(user["online"].is_boolean());
    CHECK(user["online"] == false);
    CHECK(user.contains("last_seen"));
    if (str(user, "name") == "alice") CHECK(str(user, "phone") == "+4915100000001");
    if (str(user, "name") == "carol") CHECK(str(user, "phone") == "+4915100000003");
  }
  CHECK(contains(names, "alice"));
  CHECK(contains(names, "bob"));
  CHECK(contains(names, "carol"));

  auto human = newcomer.run({"who"});
  REQUIRE_EXIT(human, 0);
  for (const char* name : {"alice", "bob", "carol"}) {
    INFO(human.out);
    CHECK(human.out.find(name) != std::string::npos);
  }
}

TEST_CASE("who --online shows running listeners and a killed listen turns offline", "[who]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();

  CHECK(online_users(alice).empty());
  auto listen = bob.start({"listen"});
  bool online = wait_until([&] { return contains(online_users(alice), "bob"); }, 10s);
  INFO(listen->describe());
  REQUIRE(online);
  CHECK_FALSE(contains(online_users(alice), "alice"));
  REQUIRE(listen->running());

  SECTION("SIGKILL: the Last Will marks bob offline") { listen->kill_and_wait(); }
  SECTION("SIGINT: listen stops and marks bob offline") {
    listen->signal(SIGINT);
    auto code = listen->wait_exit(10s);
    INFO(listen->describe());
    CHECK(code.has_value());
  }
  bool offline = wait_until([&] { return !contains(online_users(alice), "bob"); }, 10s);
  CHECK(offline);

  // who (without --online) still lists bob, now offline, with a last-seen time.
  auto r = alice.run({"who", "--json"});
  REQUIRE_EXIT(r, 0);
  bool found = false;
  for (const auto& user : parse_json_lines(r.out)) {
    if (str(user, "name") != "bob") continue;
    found = true;
    INFO(user.dump());
    CHECK(user.value("online", true) == false);
    CHECK(is_rfc3339_utc(str(user, "last_seen")));
  }
  CHECK(found);
}

TEST_CASE("who reads a directory that takes longer than --connect-timeout to arrive", "[who]") {
  // The timeout is one of the broker's silence, not of the whole listing: 60,000 users and
  // their presence take longer than 0.5 s to arrive, and keep arriving. (With a timeout of the
  // whole read, the SUBACK of the presence filter, queued behind the users, came too late:
  // exit 5 after 0.5 s.)
  Broker broker;
  User alice("alice", broker);
  alice.register_user();
  constexpr int kUsers = 60000;
  std::string records;
  for (int i = 0; i < kUsers; ++i) {
    const std::string name = "user" + std::to_string(100000 + i);
    records += "mqchat/v1/users/" + name + "\t{\"name\":\"" + name +
               "\",\"registered_at\":\"2026-12-04T00:00:00Z\"}\n";
    records += "mqchat/v1/presence/" + name +
               "\t{\"status\":\"offline\",\"since\":\"2026-12-04T00:00:00Z\"}\n";
  }
  SpawnOptions seeding;
  seeding.input = records;
  auto seeded = run_process(MQCHAT_TEST_SEED, {std::to_string(broker.port())}, seeding, 60s);
  INFO(describe(seeded));
  REQUIRE(seeded.exit_code == 0);

  auto r = alice.run({"--connect-timeout", "0.5", "who", "--json"});
  INFO("took " << r.elapsed.count() << " ms");
  REQUIRE_EXIT(r, 0);
  // Below the timeout the test proves less (a machine fast enough needs more users): say so.
  if (r.elapsed.count() <= 500) WARN("who took only " << r.elapsed.count() << " ms");
  auto users = parse_json_lines(r.out);
  CHECK(users.size() == kUsers + 1);
  CHECK(r.err.empty());
}
