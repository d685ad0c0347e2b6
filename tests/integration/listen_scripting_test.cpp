// listen for shells and scripts: --format, --match waiting for a reply, --exec, signals, closed
// pipes, and plain text (no colour) on a pipe.

#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "tests/integration/harness.hpp"
#include "tests/integration/temp_dir.hpp"

using namespace itest;
namespace fs = std::filesystem;

namespace {

struct Pair {
  Broker broker;
  User alice{"alice", broker};
  User bob{"bob", broker};
  Pair() {
    alice.register_user();
    bob.register_user();
  }
};

// Starts bob's listen ARGS and waits until alice sees bob online, so messages sent from now on
// reach the running listen.
std::unique_ptr<Process> start_listening(Pair& p, const std::vector<std::string>& args) {
  auto listen = p.bob.start(args);
  INFO(listen->describe());
  REQUIRE(wait_until([&] { return contains(online_users(p.alice), "bob"); }, 10s));
  return listen;
}

}  // namespace

TEST_CASE("listen --format prints each message as one line at once, through a pipe",
          "[listen][format]") {
  Pair p;
  auto listen = start_listening(p, {"listen", "--format", "{type}\\t{from}\\t{text}"});
  p.alice.send(p.bob, "first");
  auto line = listen->read_line(10s);
  INFO(listen->describe());
  REQUIRE(line.has_value());
  CHECK(*line == "dm\talice\tfirst");
  p.alice.send(p.bob, "two\nlines\tand a tab");
  line = listen->read_line(10s);
  REQUIRE(line.has_value());
  CHECK(*line == "dm\talice\ttwo\\nlines\\tand a tab");
  listen->signal(SIGTERM);
  CHECK(listen->wait_exit(10s) == 0);
}

TEST_CASE("listen --match --from --count waits for the answer a script asked for",
          "[listen][match]") {
  Pair p;
  User carol("carol", p.broker);
  carol.register_user();
  // The script's question; then it waits for bob's yes or no.
  p.alice.send(p.bob, "deploy?");
  auto wait = p.alice.start({"listen", "--from", "bob", "--match", "^(yes|no)", "--count", "1",
                             "--timeout", "30", "--format", "{text}"});
  REQUIRE(wait_until([&] { return contains(online_users(carol), "alice"); }, 10s));
  carol.send(p.alice, "yes, lunch at noon?");  // right word, wrong sender
  p.bob.send(p.alice, "let me check first");   // right sender, not an answer
  p.bob.send(p.alice, "yes, go ahead");
  INFO(wait->describe());
  CHECK(wait->wait_exit(20s) == 0);
  wait->drain();
  CHECK(wait->out() == "yes, go ahead\n");

  // The messages that did not match were kept for alice's next listen.
  auto later = p.alice.run({"listen", "--json", "--count", "2", "--timeout", "10"});
  CHECK_EXIT(later, 0);
  CHECK(texts_of(parse_json_lines(later.out)) ==
        std::vector<std::string>{"yes, lunch at noon?", "let me check first"});
}

TEST_CASE("listen --match exits 5 when no answer comes in time", "[listen][match]") {
  Pair p;
  p.alice.send(p.bob, "maybe");
  auto r = p.bob.run(
      {"listen", "--from", "alice", "--match", "^(yes|no)$", "--count", "1", "--timeout", "2"});
  CHECK_EXIT(r, 5);
  CHECK(r.out.empty());
}

TEST_CASE("listen rejects an invalid --match and an unknown --format field with exit 2",
          "[listen][match][format]") {
  Pair p;
  auto bad_re = p.bob.run({"listen", "--match", "([a-z"});
  CHECK_EXIT(bad_re, 2);
  CHECK_THAT(bad_re.err, Catch::Contains("--match"));
  auto bad_field = p.bob.run({"listen", "--format", "{from}: {message}"});
  CHECK_EXIT(bad_field, 2);
  CHECK_THAT(bad_field.err, Catch::Contains("{message}"));
  CHECK(lines_of(bad_field.err).size() == 1);
}

TEST_CASE("listen --exec runs its command per message, also after one fails", "[listen][exec]") {
  Pair p;
  TempDir dir("mqchat-it-exec");
  auto hook = dir.path() / "hook.sh";
  {
    std::ofstream s(hook);
    // Appends "FROM TYPE: TEXT" to the log; fails for texts starting with "fail".
    s << "#!/bin/sh\nlog=$1\ntext=$(cat)\nprintf '%s %s: %s\\n' \"$MQCHAT_FROM\" "
         "\"$MQCHAT_TYPE\" \"$text\" >> \"$log\"\ncase $text in fail*) exit 7 ;; esac\n";
  }
  fs::permissions(hook, fs::perms::owner_all);
  auto log = dir.path() / "log";
  auto listen = start_listening(p, {"listen", "--exec", hook.string() + " " + log.string(),
                                    "--count", "3", "--timeout", "30"});
  p.alice.send(p.bob, "fail please");
  p.alice.send(p.bob, "x; touch " + (dir.path() / "pwned").string());
  p.alice.send(p.bob, "third");
  INFO(listen->describe());
  CHECK(listen->wait_exit(20s) == 0);
  listen->drain();
  CHECK(file_contents(log) == "alice dm: fail please\nalice dm: x; touch " +
                                  (dir.path() / "pwned").string() + "\nalice dm: third\n");
  CHECK_FALSE(fs::exists(dir.path() / "pwned"));
  CHECK_THAT(listen->err(), Catch::Contains("exited with status 7"));
}

TEST_CASE("SIGINT and SIGTERM end listen with exit 0, offline, session kept", "[listen][signal]") {
  for (int sig : {SIGINT, SIGTERM}) {
    DYNAMIC_SECTION("signal " << sig) {
      Pair p;
      auto listen = start_listening(p, {"listen", "--format", "{text}"});
      p.alice.send(p.bob, "before the signal");
      auto line = listen->read_line(10s);
      INFO(listen->describe());
      REQUIRE(line == std::optional<std::string>("before the signal"));
      listen->signal(sig);
      CHECK(listen->wait_exit(10s) == 0);
      listen->drain();
      CHECK(listen->err().empty());
      CHECK_FALSE(contains(online_users(p.alice), "bob"));
      // The session outlived the listen: what is sent now arrives at the next one.
      p.alice.send(p.bob, "after the signal");
      CHECK(texts_of(p.bob.receive(1)) == std::vector<std::string>{"after the signal"});
    }
  }
}

TEST_CASE("a closed pipe ends listen with exit 0 and no error, as in listen | head -1",
          "[listen][signal]") {
  Pair p;
  p.alice.send(p.bob, "the one line head wants");
  auto env = mqchat_environment(p.bob.options());
  env.push_back("MQ=" + mqchat_binary());
  // bash reports each side's status; head exits after one line while listen has no more to
  // write, so listen must notice the closed pipe by itself.
  auto r = run_process(
      "/bin/bash",
      {"-c", "\"$MQ\" listen --format '{text}' | head -1; echo \"status=${PIPESTATUS[0]}\" >&2"},
      SpawnOptions{env, std::nullopt, std::nullopt}, 20s);
  INFO(describe(r));
  REQUIRE_FALSE(r.timed_out);
  CHECK(r.out == "the one line head wants\n");
  CHECK(r.err == "status=0\n");
  CHECK(r.elapsed < 10s);
  CHECK_FALSE(contains(online_users(p.alice), "bob"));

  SECTION("also when the write itself fails") {
    p.alice.send(p.bob, "one");
    p.alice.send(p.bob, "two");
    p.alice.send(p.bob, "three");
    auto r2 = run_process(
        "/bin/bash",
        {"-c",
         "\"$MQ\" listen --json | head -c 1 >/dev/null; echo \"status=${PIPESTATUS[0]}\" >&2"},
        SpawnOptions{env, std::nullopt, std::nullopt}, 20s);
    INFO(describe(r2));
    CHECK(r2.err == "status=0\n");
  }
}

TEST_CASE("listen on a pipe prints stable plain text, colour only on a terminal",
          "[listen][colour]") {
  Pair p;
  p.alice.send(p.bob, "plain please");
  p.alice.send(p.bob, "colour please");
  // The harness sets NO_COLOR=1 for every run; this test needs it unset.
  auto env = mqchat_environment(p.bob.options());
  env.erase(std::remove(env.begin(), env.end(), std::string("NO_COLOR=1")), env.end());

  auto piped = run_process(mqchat_binary(), {"listen", "--count", "1", "--timeout", "10"},
                           SpawnOptions{env, std::nullopt, std::nullopt}, 20s);
  INFO(describe(piped));
  CHECK(piped.exit_code == 0);
  CHECK_THAT(piped.out,
             Catch::Matches("\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\] alice: plain please\n"));

  // script(1) gives mqchat a terminal: then, and only without NO_COLOR, names are coloured.
  auto on_tty = [&](std::vector<std::string> e) {
    e.push_back("SHELL=/bin/sh");
    e.push_back("MQ=" + mqchat_binary());
    auto script = find_program("script");  // util-linux, in every Debian system
    REQUIRE(script);
    return run_process(*script, {"-qec", "\"$MQ\" listen --count 1 --timeout 10", "/dev/null"},
                       SpawnOptions{e, std::nullopt, std::nullopt}, 20s);
  };
  auto tty = on_tty(env);
  INFO(describe(tty));
  CHECK(tty.exit_code == 0);
  CHECK_THAT(tty.out, Catch::Contains("\x1b[1;36malice\x1b[0m: colour please"));

  p.alice.send(p.bob, "no colour please");
  auto with_no_color = env;
  with_no_color.push_back("NO_COLOR=1");
  auto tty_plain = on_tty(with_no_color);
  INFO(describe(tty_plain));
  CHECK(tty_plain.exit_code == 0);
  CHECK_THAT(tty_plain.out, Catch::Contains("alice: no colour please"));
  CHECK(tty_plain.out.find('\x1b') == std::string::npos);
}
