// The send hand-off: with a listen running for the sender's profile, send and group send give
// their messages to it over state/NAME/listen.sock instead of connecting; without one (or with
// the stale socket of a killed listen) they connect themselves. Same exit codes either way.

#include <signal.h>

#include <thread>

#include "tests/integration/group_steps.hpp"
#include "tests/integration/harness.hpp"

using namespace itest;

namespace {

// The listen's socket under the user's state dir, wherever the store puts it.
std::filesystem::path socket_of(const User& user) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(user.home())) {
    if (entry.path().filename() == "listen.sock") return entry.path();
  }
  return {};
}

// `listen -v` of USER in the background, once it says it listens (its hand-off serves by then).
std::unique_ptr<Process> start_verbose_listen(const User& user) {
  auto listen = user.start({"-v", "listen", "--json"});
  bool ready = wait_until(
      [&] {
        listen->drain();
        return listen->err().find("listening as") != std::string::npos;
      },
      15s, 20ms);
  INFO(listen->describe());
  REQUIRE(ready);
  return listen;
}

bool contains_text(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

std::size_t count_text(const std::vector<nlohmann::json>& messages, const std::string& text) {
  std::size_t n = 0;
  for (const auto& m : messages) n += str(m, "text") == text ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("with a listen running, send goes through it and the message arrives once",
          "[handoff][send]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();
  auto listen = start_verbose_listen(alice);
  REQUIRE(std::filesystem::exists(socket_of(alice)));

  auto r = alice.run({"-v", "send", "--json", "bob", "through", "the", "listen"});
  REQUIRE_EXIT(r, 0);
  CHECK_THAT(r.err, Catch::Contains("sent through the running listen"));
  auto result = parse_json_lines(r.out);
  REQUIRE(result.size() == 1);
  CHECK(result[0].value("ok", false));

  MqchatOptions three_lines;
  three_lines.input = "line 1\nline 2\nline 3\n";
  // --lines streams its input over a connection of its own, beside the listen.
  auto lines = alice.run({"-v", "send", "--lines", "bob"}, three_lines);
  REQUIRE_EXIT(lines, 0);
  CHECK_THAT(lines.err, !Catch::Contains("sent through the running listen"));

  auto received = bob.receive(4);
  CHECK(texts_of(received) ==
        std::vector<std::string>{"through the listen", "line 1", "line 2", "line 3"});
  CHECK(str(received[0], "id") == str(result[0], "id"));
  CHECK(str(received[0], "from") == "alice");

  // Written to the history once, by the sender.
  auto history = alice.run({"history", "--with", "bob", "--json"});
  REQUIRE_EXIT(history, 0);
  CHECK(count_text(parse_json_lines(history.out), "through the listen") == 1);
  CHECK(count_text(parse_json_lines(history.out), "line 2") == 1);
  stop(*listen);
}

TEST_CASE("through a running listen, an unknown recipient still exits 3", "[handoff][send]") {
  Broker broker;
  User alice("alice", broker);
  alice.register_user();
  auto listen = start_verbose_listen(alice);

  auto r = alice.run({"-v", "send", "nobody", "hello?"});
  CHECK_EXIT(r, 3);
  CHECK_THAT(r.err, Catch::Contains("cannot send to 'nobody': no such user"));
  CHECK_THAT(r.err, !Catch::Contains("sending directly"));
  // The listen kept running and printed nothing of the lookup.
  listen->drain();
  CHECK(listen->running());
  CHECK(listen->out().empty());
  stop(*listen);
}

TEST_CASE("with a listen running, group send goes through it", "[handoff][group]") {
  GroupChat chat;  // alice and bob, both in Group_1
  auto& alice = chat.alice;
  auto& bob = chat.bob;
  auto listen = start_verbose_listen(alice);

  auto r = alice.run({"-v", "group", "send", "Group_1", "hello group"});
  REQUIRE_EXIT(r, 0);
  CHECK_THAT(r.err, Catch::Contains("sent through the running listen"));
  // bob joined after alice: her message is all he gets.
  CHECK(texts_of(bob.receive(1)) == std::vector<std::string>{"hello group"});

  auto not_member = alice.run({"group", "send", "Group_2", "x"});
  CHECK_EXIT(not_member, 3);
  stop(*listen);
}

TEST_CASE("the stale socket of a killed listen makes send connect itself", "[handoff][send]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();
  auto listen = start_verbose_listen(alice);
  auto socket = socket_of(alice);
  listen->signal(SIGKILL);
  REQUIRE(listen->wait_exit(5s).has_value());
  REQUIRE(std::filesystem::exists(socket));  // left behind: nobody serves it

  auto r = alice.run({"-v", "send", "bob", "after the crash"});
  REQUIRE_EXIT(r, 0);
  CHECK_THAT(r.err, Catch::Contains("sending directly"));
  CHECK(texts_of(bob.receive(1)) == std::vector<std::string>{"after the crash"});

  // The next listen replaces the stale socket and serves again.
  auto again = start_verbose_listen(alice);
  auto through = alice.run({"-v", "send", "bob", "served again"});
  REQUIRE_EXIT(through, 0);
  CHECK_THAT(through.err, Catch::Contains("sent through the running listen"));
  stop(*again);
  CHECK_FALSE(std::filesystem::exists(socket));
}

// The point of mqchat-paho.so: a send handed to a listen does not pay for loading paho.
TEST_CASE("a send through a running listen loads neither paho nor OpenSSL", "[module][handoff]") {
  Chat chat;  // alice and bob, registered
  // LD_DEBUG=libs makes the dynamic loader list, on stderr, every library it loads.
  MqchatOptions traced;
  traced.env.emplace_back("LD_DEBUG", "libs");

  auto direct = chat.alice.run({"send", "bob", "direct"}, traced);
  REQUIRE_EXIT(direct, 0);
  CHECK(contains_text(direct.err, "libpaho-mqtt3as"));  // the trace works: a direct send loads it

  auto listen = start_verbose_listen(chat.alice);
  auto handed = chat.alice.run({"-v", "send", "bob", "handed"}, traced);
  REQUIRE_EXIT(handed, 0);
  CHECK(contains_text(handed.err, "sent through the running listen"));
  CHECK_FALSE(contains_text(handed.err, "libpaho"));
  CHECK_FALSE(contains_text(handed.err, "libssl"));
  CHECK_FALSE(contains_text(handed.err, "libcrypto"));
}

// The listen keeps a recipient it found subscribed instead of looking it up for every send; a
// change of the entry must still count.
TEST_CASE("a listen sends to a known recipient once its entry is cleared as to nobody",
          "[handoff][send]") {
  Chat chat;
  auto listen = start_verbose_listen(chat.alice);
  for (const char* text : {"one", "two"}) {
    auto r = chat.alice.run({"-v", "send", "bob", text});
    REQUIRE_EXIT(r, 0);
    CHECK(contains_text(r.err, "sent through the running listen"));
  }
  // An operator clears bob's directory entry with a foreign client.
  mosquitto_pub(chat.broker.port(), {"-t", "mqchat/v1/users/bob", "-r", "-n", "-q", "1"});
  std::this_thread::sleep_for(200ms);  // for the change to reach the listen
  auto gone = chat.alice.run({"send", "bob", "three"});
  REQUIRE_EXIT(gone, 3);
  CHECK_THAT(gone.err, Catch::Contains("no such user"));
  CHECK(texts_of(chat.bob.receive(2)) == std::vector<std::string>{"one", "two"});
}
