// listen for scripts: --format, --match, --exec, and filtered messages kept for a later listen.

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "cmd/exec_hook.hpp"
#include "core/wire/error.hpp"
#include "tests/fakes/fake_transport.hpp"

using mqchat::fakes::FakeBroker;
using mqchat::fakes::Machine;
using mqchat::fakes::TempDir;

namespace {

struct Fixture {
  std::shared_ptr<FakeBroker> broker = std::make_shared<FakeBroker>();
  Machine alice{broker};
  Machine bob{broker};
  Machine carol{broker};

  Fixture() {
    REQUIRE(bob.run({"register", "bob"}).code == 0);
    REQUIRE(alice.run({"register", "alice"}).code == 0);
    REQUIRE(carol.run({"register", "carol"}).code == 0);
  }
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("listen --format prints one line per message through the template", "[listen][format]") {
  Fixture f;
  REQUIRE(f.alice.run({"send", "bob", "two\nlines"}).code == 0);
  REQUIRE(f.carol.run({"send", "bob", "tab\there"}).code == 0);
  auto r = f.bob.run(
      {"listen", "--format", "{type}\\t{from}>{to}\\t{text}", "--count", "2", "--timeout", "5"});
  REQUIRE(r.code == 0);
  CHECK(lines_of(r.out) ==
        std::vector<std::string>{"dm\talice>bob\ttwo\\nlines", "dm\tcarol>bob\ttab\\there"});
}

TEST_CASE("listen --format renders group messages and join notices", "[listen][format]") {
  Fixture f;
  REQUIRE(f.bob.run({"group", "join", "ops"}).code == 0);
  REQUIRE(f.alice.run({"group", "join", "ops"}).code == 0);
  REQUIRE(f.alice.run({"group", "send", "ops", "hello ops"}).code == 0);
  auto r = f.bob.run(
      {"listen", "--format", "{type} {group} {from}: {text}", "--count", "2", "--timeout", "5"});
  REQUIRE(r.code == 0);
  CHECK(lines_of(r.out) == std::vector<std::string>{"join ops alice: alice has joined ops",
                                                    "group ops alice: hello ops"});
}

TEST_CASE("listen refuses bad --format, --match and --exec before connecting", "[listen][format]") {
  Fixture f;
  auto connects = f.broker->connects().size();
  std::vector<std::string> args;
  std::string says;
  SECTION("an unknown field") {
    args = {"listen", "--format", "{from} {body}"};
    says = "{body}";
  }
  SECTION("--format with --json") {
    args = {"listen", "--json", "--format", "{text}"};
    says = "--json";
  }
  SECTION("an invalid regex") {
    args = {"listen", "--match", "(unclosed"};
    says = "(unclosed";
  }
  SECTION("--exec of a missing program") {
    args = {"listen", "--exec", "no-such-program-here --flag"};
    says = "no-such-program-here";
  }
  SECTION("--exec with --format") {
    args = {"listen", "--exec", "true", "--format", "{text}"};
    says = "--exec";
  }
  SECTION("an empty --exec") {
    args = {"listen", "--exec", "  "};
    says = "--exec";
  }
  auto r = f.bob.run(args);
  CHECK(r.code == 2);
  CHECK(lines_of(r.err).size() == 1);
  CHECK_THAT(r.err, Catch::Contains(says));
  CHECK(f.broker->connects().size() == connects);
}

TEST_CASE("listen --match shows matching texts, the others wait for a later listen",
          "[listen][match]") {
  Fixture f;
  REQUIRE(f.alice.run({"send", "bob", "maybe later"}).code == 0);
  REQUIRE(f.carol.run({"send", "bob", "yes from carol"}).code == 0);
  REQUIRE(f.alice.run({"send", "bob", "yes, deploy"}).code == 0);
  REQUIRE(f.alice.run({"send", "bob", "no"}).code == 0);

  auto r = f.bob.run({"listen", "--from", "alice", "--match", "^(yes|no)", "--format", "{text}",
                      "--count", "1", "--timeout", "5"});
  REQUIRE(r.code == 0);
  CHECK(r.out == "yes, deploy\n");
  // Everything arrived is in the history already.
  CHECK_THAT(f.bob.run({"history"}).out, Catch::Contains("maybe later"));

  // A plain listen shows what the filter set aside, oldest first, then what came after.
  auto later =
      f.bob.run({"listen", "--format", "{from}: {text}", "--count", "3", "--timeout", "5"});
  CHECK(later.code == 0);
  CHECK(lines_of(later.out) ==
        std::vector<std::string>{"alice: maybe later", "carol: yes from carol", "alice: no"});
  // And nothing is shown twice.
  CHECK(f.bob.run({"listen", "--count", "1", "--timeout", "0.1"}).out.empty());
}

TEST_CASE("a filtered listen shows set-aside messages that match it", "[listen][match]") {
  Fixture f;
  REQUIRE(f.alice.run({"send", "bob", "for the alice view"}).code == 0);
  REQUIRE(f.carol.run({"send", "bob", "for the carol view"}).code == 0);
  REQUIRE(f.bob.run({"listen", "--from", "carol", "--count", "1", "--timeout", "5"}).code == 0);
  auto r = f.bob.run(
      {"listen", "--from", "alice", "--format", "{text}", "--count", "1", "--timeout", "5"});
  CHECK(r.code == 0);
  CHECK(r.out == "for the alice view\n");
}

TEST_CASE("listen --match with --timeout exits 5 when no text matches", "[listen][match]") {
  Fixture f;
  REQUIRE(f.alice.run({"send", "bob", "not an answer"}).code == 0);
  auto r = f.bob.run({"listen", "--match", "^(yes|no)$", "--count", "1", "--timeout", "0.3"});
  CHECK(r.code == 5);
  CHECK(r.out.empty());
}

TEST_CASE("listen --exec runs the command per message with the text on stdin and fields in env",
          "[listen][exec]") {
  Fixture f;
  TempDir dir;
  auto script = dir.path() / "hook.sh";
  {
    std::ofstream s(script);
    s << "#!/bin/sh\n"
         "out=\"$1/$MQCHAT_ID\"\n"
         "cat > \"$out.text\"\n"
         "printf '%s|%s|%s|%s|%s|%s' \"$MQCHAT_ID\" \"$MQCHAT_TYPE\" \"$MQCHAT_FROM\" "
         "\"$MQCHAT_TO\" \"$MQCHAT_GROUP\" \"$MQCHAT_SENT_AT\" > \"$out.env\"\n"
         "[ \"$MQCHAT_FROM\" != carol ]\n";  // fails for carol: listen must warn and go on
  }
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  const std::string hostile = "$(touch pwned); rm -rf / ; `id` 'q' \"dq\"\nline two";
  REQUIRE(f.carol.run({"send", "bob", "from carol"}).code == 0);
  REQUIRE(f.alice.run({"send", "bob", hostile}).code == 0);

  auto r = f.bob.run({"listen", "--exec", script.string() + "  " + dir.path().string(), "--count",
                      "2", "--timeout", "5"});
  CHECK(r.code == 0);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("exited with status 1") && Catch::Contains("hook.sh"));

  std::vector<std::filesystem::path> texts;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    if (e.path().extension() == ".text") texts.push_back(e.path());
  }
  REQUIRE(texts.size() == 2);
  bool found = false;
  for (const auto& t : texts) {
    if (read_all(t) != hostile) continue;
    found = true;
    auto env = read_all(std::filesystem::path(t).replace_extension(".env"));
    CHECK_THAT(env, Catch::Matches(".+\\|dm\\|alice\\|bob\\|\\|20\\d\\d-.+Z"));
  }
  CHECK(found);
  CHECK_FALSE(std::filesystem::exists("pwned"));
}

TEST_CASE("the --exec environment replaces inherited MQCHAT_ fields", "[exec]") {
  mqchat::Envelope g{"g1", mqchat::MessageType::group, "carol", {}, "ops", "t", "when"};
  std::string from_parent = "MQCHAT_FROM=mallory", other = "PATH=/bin";
  std::string verified_parent = "MQCHAT_VERIFIED=true";
  std::vector<char*> base = {&from_parent[0], &other[0], &verified_parent[0], nullptr};
  auto env = mqchat::exec_environment(g, base.data());
  CHECK(std::count(env.begin(), env.end(), "MQCHAT_FROM=mallory") == 0);
  CHECK(std::count(env.begin(), env.end(), "MQCHAT_FROM=carol") == 1);
  CHECK(std::count(env.begin(), env.end(), "MQCHAT_TO=") == 1);
  CHECK(std::count(env.begin(), env.end(), "MQCHAT_GROUP=ops") == 1);
  CHECK(std::count(env.begin(), env.end(), "PATH=/bin") == 1);
  // Not verified (a plain envelope): the parent's value must not leak through.
  CHECK(std::count(env.begin(), env.end(), "MQCHAT_VERIFIED=true") == 0);
  CHECK(std::count(env.begin(), env.end(), "MQCHAT_VERIFIED=false") == 1);
}

TEST_CASE("an --exec command that ignores a large stdin does not block", "[exec]") {
  mqchat::ExecHook hook("true");
  mqchat::Envelope big{"b1", mqchat::MessageType::dm, "a", "b", {}, std::string(200000, 'x'), "t"};
  CHECK(hook.run(big).empty());
  mqchat::ExecHook failing("false");
  CHECK(failing.run(big) == "exited with status 1");
}

TEST_CASE("listen --match survives a long text that a recursive matcher could not",
          "[listen][match]") {
  Fixture f;
  REQUIRE(f.alice.run({"send", "bob", std::string(60000, 'a')}).code == 0);
  REQUIRE(f.alice.run({"send", "bob", std::string(60000, 'b') + "c"}).code == 0);
  auto r = f.bob.run(
      {"listen", "--match", "^(a|b)*c$", "--format", "{from}", "--count", "1", "--timeout", "5"});
  CHECK(r.code == 0);
  CHECK(r.out == "alice\n");
}

TEST_CASE("listen --match accepts a back-reference", "[listen][match]") {
  Fixture f;
  REQUIRE(f.alice.run({"send", "bob", "no repeat"}).code == 0);
  REQUIRE(f.alice.run({"send", "bob", "hey hey"}).code == 0);
  auto r = f.bob.run(
      {"listen", "--match", "(\\w+) \\1", "--format", "{text}", "--count", "1", "--timeout", "5"});
  CHECK(r.code == 0);
  CHECK(r.out == "hey hey\n");
}

TEST_CASE("listen --count keeps what the session delivered after the count for the next listen",
          "[listen]") {
  Fixture f;
  for (const char* t : {"one", "two", "three"}) REQUIRE(f.alice.run({"send", "bob", t}).code == 0);
  auto first = f.bob.run({"listen", "--format", "{text}", "--count", "1", "--timeout", "5"});
  CHECK(first.code == 0);
  CHECK(first.out == "one\n");
  auto rest = f.bob.run({"listen", "--format", "{text}", "--count", "2", "--timeout", "5"});
  CHECK(rest.code == 0);
  CHECK(rest.out == "two\nthree\n");
}
