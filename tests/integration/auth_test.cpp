// A broker started with `mqchat broker start --auth`: the sender cannot be forged, nobody reads
// another's inbox or overwrites another's records, and alice and bob still chat normally.

#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/integration/auth_broker.hpp"
#include "tests/integration/group_steps.hpp"
#include "tests/integration/harness.hpp"

using namespace itest;
namespace fs = std::filesystem;

namespace {

const std::string kAlicePw = "alice-Pw-7f3a9";
const std::string kBobPw = "bob-Pw-21c88";
const std::string kCarolPw = "carol-Pw-e51d0";

// alice, bob and carol, each with an account on one auth broker, registered in the directory.
struct Trio {
  AuthBroker broker;
  User alice{"alice", broker.url()};
  User bob{"bob", broker.url()};
  User carol{"carol", broker.url()};

  Trio() {
    broker.adduser("alice", kAlicePw);
    broker.adduser("bob", kBobPw);
    // carol's account arrives while the broker runs: it must pick it up without a restart.
    broker.adduser("carol", kCarolPw);
    alice.set_password(kAlicePw);
    bob.set_password(kBobPw);
    carol.set_password(kCarolPw);
    alice.register_user();
    bob.register_user();
    carol.register_user();
  }

  // mosquitto_pub/sub as carol (a foreign client: what carol could run instead of mqchat).
  std::vector<std::string> as_carol(std::vector<std::string> args) const {
    std::vector<std::string> all{"-V", "5", "-u", "carol", "-P", kCarolPw};
    all.insert(all.end(), args.begin(), args.end());
    return all;
  }
};

// mosquitto_pub as carol onto TOPIC; returns its stderr (MQTT 5: "Not authorized" on refusal).
std::string carol_publishes(const Trio& t, const std::string& topic, const std::string& payload,
                            bool retain = false) {
  auto program = find_program("mosquitto_pub");
  REQUIRE(program);
  std::vector<std::string> args{"-h", "127.0.0.1", "-p", std::to_string(t.broker.port()),
                                "-q", "1",         "-t", topic,
                                "-m", payload};
  if (retain) args.push_back("-r");
  auto r = run_process(*program, t.as_carol(args), {}, 10s);
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);  // mosquitto_pub 2.0.11 warns but exits 0 on PUBACK 0x87
  return r.err;
}

std::string envelope_from_alice(const std::string& to, const std::string& text) {
  nlohmann::json e{{"v", 1},
                   {"id", "forged-0001"},
                   {"type", "dm"},
                   {"from", "alice"},
                   {"to", to},
                   {"text", text},
                   {"sent_at", "2026-01-01T00:00:00Z"}};
  return e.dump();
}

nlohmann::json who_entry(const User& viewer, const std::string& name) {
  auto r = viewer.run({"who", "--json"});
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  for (const auto& u : parse_json_lines(r.out)) {
    if (str(u, "name") == name) return u;
  }
  FAIL("who does not list " << name << ":\n" << r.out);
  return {};
}

}  // namespace

TEST_CASE("on an auth broker alice and bob chat directly and in a group, nothing lost", "[auth]") {
  Trio t;
  constexpr int kCount = 30;
  for (int i = 0; i < kCount; ++i) t.alice.send(t.bob, "dm " + std::to_string(i));
  auto got = t.bob.receive(kCount);
  for (int i = 0; i < kCount; ++i) {
    CHECK(str(got[static_cast<std::size_t>(i)], "text") == "dm " + std::to_string(i));
    CHECK(str(got[static_cast<std::size_t>(i)], "from") == "alice");
  }

  join(t.alice, "crew");
  join(t.bob, "crew");
  auto members = t.bob.run({"group", "members", "crew", "--json"});
  REQUIRE_EXIT(members, 0);
  CHECK(parse_json_lines(members.out).size() == 2);
  group_send(t.alice, "crew", "hello crew");
  auto group = t.bob.receive(1);
  CHECK(str(group[0], "text") == "hello crew");
  CHECK(str(group[0], "group") == "crew");
  t.bob.send(t.alice, "got it");
  auto reply = t.alice.receive(2);  // bob's join notice first, then the reply
  CHECK(texts_of(reply).back() == "got it");
}

TEST_CASE("on an auth broker carol cannot send a message that shows as from alice", "[auth]") {
  Trio t;
  auto err = carol_publishes(t, "mqchat/v1/inbox/bob/alice", envelope_from_alice("bob", "forged"));
  CHECK_THAT(err, Catch::Contains("Not authorized"));
  // Also not into a group as alice.
  join(t.bob, "crew");
  err = carol_publishes(t, "mqchat/v1/groups/crew/msg/alice", envelope_from_alice("", "forged"));
  CHECK_THAT(err, Catch::Contains("Not authorized"));
  // And mqchat as carol cannot sign in as alice.
  auto r = t.carol.run({"login", "alice"});
  CHECK_EXIT(r, 4);
  CHECK_THAT(r.err, Catch::Contains("wrong password for 'alice'"));

  // What bob gets next is the real message sent afterwards, not the forgery.
  t.alice.send(t.bob, "the real alice");
  auto got = t.bob.receive(1);
  CHECK(str(got[0], "text") == "the real alice");
  auto more = t.bob.run({"listen", "--json", "--timeout", "1"});
  CHECK(more.out.find("forged") == std::string::npos);
}

TEST_CASE("on an auth broker carol cannot read bob's inbox", "[auth]") {
  Trio t;
  // The ACL is what is tested, not the encryption: plain texts let the spy see what reached it.
  REQUIRE(t.alice.run({"config", "set", "encryption", "off"}).exit_code == 0);
  std::vector<std::string> sub_args{"-h", "127.0.0.1", "-p", std::to_string(t.broker.port()),
                                    "-v", "-q",        "1"};
  SECTION("subscribing to bob's inbox") {
    sub_args.insert(sub_args.end(), {"-t", "mqchat/v1/inbox/bob/+"});
  }
  SECTION("subscribing to everything") { sub_args.insert(sub_args.end(), {"-t", "mqchat/v1/#"}); }
  // Her own inbox too, so that a message to her marks the point where bob's would have come.
  sub_args.insert(sub_args.end(), {"-t", "mqchat/v1/inbox/carol/+"});
  auto program = find_program("mosquitto_sub");
  REQUIRE(program);
  Process spy(*program, t.as_carol(sub_args), {});
  // The subscription is in place once a message to carol comes through.
  bool ready = wait_until(
      [&] {
        t.alice.send(t.carol, "ping");
        while (auto line = spy.read_line(300ms)) {
          if (line->find("ping") != std::string::npos) return true;
        }
        return false;
      },
      10s);
  INFO(spy.describe());
  REQUIRE(ready);

  t.alice.send(t.bob, "for bob only");
  t.alice.send(t.carol, "marker after bob's");
  bool marker = false;
  std::string seen;
  while (auto line = spy.read_line(5s)) {
    seen += *line + "\n";
    if (line->find("marker after bob's") != std::string::npos) {
      marker = true;
      break;
    }
  }
  INFO(seen);
  REQUIRE(marker);
  CHECK(seen.find("for bob only") == std::string::npos);
  CHECK(seen.find("mqchat/v1/inbox/bob/") == std::string::npos);
  CHECK(seen.find("inbox/bob") == std::string::npos);
  // bob himself gets it.
  CHECK(texts_of(t.bob.receive(1)) == std::vector<std::string>{"for bob only"});
}

TEST_CASE("on an auth broker carol cannot overwrite alice's records or remove her from a group",
          "[auth]") {
  Trio t;
  join(t.alice, "crew");
  const auto before = who_entry(t.bob, "alice");

  auto err = carol_publishes(
      t, "mqchat/v1/users/alice",
      R"({"name":"alice","phone":"+1999","registered_at":"2020-01-01T00:00:00Z"})", true);
  CHECK_THAT(err, Catch::Contains("Not authorized"));
  err = carol_publishes(t, "mqchat/v1/presence/alice",
                        R"({"status":"online","since":"2020-01-01T00:00:00Z"})", true);
  CHECK_THAT(err, Catch::Contains("Not authorized"));
  // An empty retained record is how a member leaves: carol must not do it for alice.
  err = carol_publishes(t, "mqchat/v1/groups/crew/members/alice", "", true);
  CHECK_THAT(err, Catch::Contains("Not authorized"));
  // Nor can carol's mqchat enrol alice anywhere or register over her.
  auto r = t.carol.run({"register", "alice"});
  CHECK(r.exit_code != 0);

  const auto after = who_entry(t.bob, "alice");
  CHECK(after.dump() == before.dump());
  CHECK(after.value("online", true) == false);
  auto members = t.bob.run({"group", "members", "crew", "--json"});
  REQUIRE_EXIT(members, 0);
  auto list = parse_json_lines(members.out);
  REQUIRE(list.size() == 1);
  CHECK(str(list[0], "name") == "alice");
}

TEST_CASE("an auth broker tells a wrong password, a missing one and no account apart", "[auth]") {
  AuthBroker broker;
  broker.adduser("alice", kAlicePw);
  User alice("alice", broker.url());
  alice.set_password(kAlicePw);
  alice.register_user();

  SECTION("wrong password") {
    alice.set_password("not-it");
    auto r = alice.run({"send", "alice", "x"});
    CHECK_EXIT(r, 4);
    CHECK_THAT(r.err, Catch::Contains("wrong password for 'alice'"));
  }
  SECTION("no password") {
    TempDir home("mqchat-it-nopw");
    MqchatOptions o;
    o.home = home.path();
    o.broker = broker.url();
    auto r = run_mqchat({"login", "alice"}, o);
    CHECK_EXIT(r, 4);
    CHECK_THAT(r.err, Catch::Contains("needs the password of 'alice'"));
  }
  SECTION("no such account") {
    User dave("dave", broker.url());
    dave.set_password("whatever");
    auto r = dave.run({"register", "dave"});
    CHECK_EXIT(r, 4);
    CHECK_THAT(r.err, Catch::Contains("no account 'dave'"));
  }
  SECTION("anonymous") {
    TempDir home("mqchat-it-anon");
    MqchatOptions o;
    o.home = home.path();
    o.broker = broker.url();
    auto r = run_mqchat({"who"}, o);
    CHECK_EXIT(r, 4);
    CHECK_THAT(r.err, Catch::Contains("anonymous"));
  }
  SECTION("a deleted account can no longer connect") {
    broker.deluser("alice");
    // The broker rereads its accounts after the SIGHUP, a moment after deluser returned: a
    // connect in between still succeeds (and is then cut off by the reload).
    RunResult r;
    REQUIRE(wait_until(
        [&] {
          r = alice.run({"send", "alice", "x"});
          return r.err.find("no account 'alice'") != std::string::npos;
        },
        10s, 200ms));
    CHECK_EXIT(r, 4);
  }
}

TEST_CASE("a running listen of a deleted account stops with exit 4 and says why", "[auth][listen]") {
  Trio t;
  auto listen = t.bob.start({"listen", "--json"});
  REQUIRE(wait_until([&] { return contains(online_users(t.alice), "bob"); }, 10s));
  t.broker.deluser("bob");
  // The broker cuts bob off when it rereads its accounts; paho would reconnect forever.
  auto code = listen->wait_exit(std::chrono::seconds(20));
  listen->drain();
  INFO(listen->describe());
  REQUIRE(code.has_value());
  CHECK(*code == 4);
  auto err = lines_of(listen->err());
  REQUIRE_FALSE(err.empty());
  CHECK_THAT(err.back(), Catch::Contains("listen stops") && Catch::Contains("no account 'bob'"));
  // The others are not affected.
  t.alice.send(t.carol, "still here");
  CHECK(texts_of(t.carol.receive(1, 10)) == std::vector<std::string>{"still here"});
}

TEST_CASE("no password shows in a command line or in a file others could read", "[auth]") {
  Trio t;
  auto listen = t.bob.start({"listen", "--json"});
  REQUIRE(wait_until([&] { return contains(online_users(t.alice), "bob"); }, 10s));
  t.alice.send(t.bob, "while listening");
  REQUIRE(listen->read_line(10s).has_value());

  std::vector<int> pids = t.broker.pids();
  REQUIRE(pids.size() >= 2);  // mqchat broker start and its mosquitto
  pids.push_back(listen->pid());
  for (int pid : pids) {
    const std::string cmdline = command_line_of(pid);
    INFO("pid " << pid << ": " << cmdline);
    CHECK_FALSE(cmdline.empty());
    for (const auto& pw : {kAlicePw, kBobPw, kCarolPw}) {
      CHECK(cmdline.find(pw) == std::string::npos);
    }
  }
  listen->signal(SIGINT);
  REQUIRE(listen->wait_exit(10s).has_value());
  t.broker.process().drain();
  CHECK(t.broker.process().err().find(kBobPw) == std::string::npos);

  // Every file of the broker and of the users: a password (plain) appears in none, and
  // the password file, which holds hashes, is private.
  for (const fs::path& dir : {t.broker.data_dir(), t.alice.home(), t.bob.home(), t.carol.home()}) {
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream s;
      s << in.rdbuf();
      INFO(entry.path());
      for (const auto& pw : {kAlicePw, kBobPw, kCarolPw}) {
        CHECK(s.str().find(pw) == std::string::npos);
      }
      if (entry.path().filename() == "passwd" || entry.path().filename() == "acl") {
        struct stat st {};
        REQUIRE(::stat(entry.path().c_str(), &st) == 0);
        CHECK((st.st_mode & 077) == 0);
      }
    }
  }
}

TEST_CASE("a password saved with --save-password lives only in the 0600 profile", "[auth]") {
  AuthBroker broker;
  broker.adduser("alice", kAlicePw);
  User alice("alice", broker.url());
  alice.set_password(kAlicePw);
  auto r = alice.run({"register", "alice", "--save-password"});
  REQUIRE_EXIT(r, 0);
  alice.set_password("");
  // Without MQCHAT_PASSWORD now: the saved one is used.
  REQUIRE_EXIT(alice.run({"send", "alice", "to myself"}), 0);
  for (const auto& entry : fs::recursive_directory_iterator(alice.home())) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    if (s.str().find(kAlicePw) == std::string::npos) continue;
    INFO(entry.path());
    CHECK(entry.path().filename() == "alice.yaml");
    struct stat st {};
    REQUIRE(::stat(entry.path().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
}

TEST_CASE("a publish the broker refuses fails with exit 4 instead of reporting success", "[auth]") {
  AuthBroker broker;
  broker.adduser("alice", kAlicePw);
  broker.adduser("bob", kBobPw);
  User alice("alice", broker.url());
  User bob("bob", broker.url());
  alice.set_password(kAlicePw);
  bob.set_password(kBobPw);
  alice.register_user();
  bob.register_user();
  // Take away writing into inboxes (everything else as mqchat wrote it) and reload.
  {
    std::ifstream in(broker.data_dir() / "acl");
    std::ostringstream kept;
    for (std::string line; std::getline(in, line);) {
      if (line != "pattern write mqchat/v1/inbox/+/%u") kept << line << "\n";
    }
    std::ofstream(broker.data_dir() / "acl") << kept.str();
  }
  broker.process().signal(SIGHUP);
  // MQTT 5: the broker answers PUBACK 0x87 and mqchat says so.
  bool refused = wait_until(
      [&] {
        auto r = alice.run({"send", "bob", "refused"});
        return r.exit_code == 4 && r.err.find("refused the message") != std::string::npos;
      },
      5s);
  CHECK(refused);
}
