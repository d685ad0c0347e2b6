#include "cmd/app.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "tests/fakes/fake_transport.hpp"

using mqchat::fakes::FakeBroker;
using mqchat::fakes::Machine;

namespace {

struct Fixture {
  std::shared_ptr<FakeBroker> broker = std::make_shared<FakeBroker>();
  Machine m{broker};
};

}  // namespace

TEST_CASE("the --help option prints the command table and exits 0", "[app]") {
  Fixture f;
  auto r = f.m.run({"--help"});
  CHECK(r.code == 0);
  for (auto cmd : {"register", "login", "logout", "whoami", "send", "who", "listen", "history"}) {
    CHECK_THAT(r.out, Catch::Contains(cmd));
  }
  CHECK_THAT(r.out, Catch::Contains("Exit status"));
  CHECK(r.err.empty());
  CHECK(f.broker->connects().empty());
}

TEST_CASE("no arguments at all prints the help", "[app]") {
  Fixture f;
  auto r = f.m.run({});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("register"));
  CHECK(f.broker->connects().empty());
}

TEST_CASE("a subcommand's --help exits 0 without doing anything", "[app]") {
  Fixture f;
  auto r = f.m.run({"send", "--help"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("--lines"));
  CHECK(f.broker->connects().empty());
  CHECK(f.broker->publishes().empty());
}

TEST_CASE("the --version option prints the version and the wire format", "[app]") {
  Fixture f;
  auto r = f.m.run({"--version"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::StartsWith(std::string("mqchat ") + MQCHAT_VERSION));
  CHECK_THAT(r.out, Catch::Contains("mqchat/v1"));
  CHECK(f.broker->connects().empty());
}

TEST_CASE("usage errors exit 2 with one line naming the help", "[app]") {
  Fixture f;
  std::vector<std::string> args;
  std::string hint;
  SECTION("only global options") {
    args = {"-q"};
    hint = "'mqchat --help'";
  }
  SECTION("an unknown subcommand") {
    args = {"frobnicate"};
    hint = "'frobnicate'";
  }
  SECTION("an unknown global option") {
    args = {"--frob", "whoami"};
    hint = "--help";
  }
  SECTION("an unknown option of a subcommand") {
    args = {"send", "bob", "hi", "--frob"};
    hint = "--help";
  }
  SECTION("a missing argument") {
    args = {"send"};
    hint = "'mqchat send --help'";
  }
  SECTION("a QoS out of range") {
    args = {"--qos", "3", "whoami"};
    hint = "--help";
  }
  auto r = f.m.run(args);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::StartsWith("mqchat: ") && Catch::Contains(hint));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.out.empty());
  CHECK(f.broker->connects().empty());
}

TEST_CASE("errors from the core are printed once with their exit code", "[app]") {
  Fixture f;
  auto r = f.m.run({"whoami"});
  CHECK(r.code == 3);
  CHECK(r.err == "mqchat: not signed in: run 'mqchat register NAME' or 'mqchat login NAME'\n");
  CHECK(r.out.empty());
}

TEST_CASE("global options work after the subcommand", "[app]") {
  Fixture f;
  REQUIRE(f.m.run({"register", "alice"}).code == 0);
  SECTION("--json") {
    auto r = f.m.run({"whoami", "--json"});
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::StartsWith("{") && Catch::Contains("\"name\":\"alice\""));
  }
  SECTION("--home") {
    mqchat::fakes::TempDir other;
    auto r = f.m.run({"whoami", "--home", other.path().string()});
    CHECK(r.code == 3);
  }
  SECTION("--broker is checked wherever it stands") {
    auto r = f.m.run({"whoami", "--broker", "ftp://x"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("the command line"));
  }
}

TEST_CASE("a bad MQCHAT_BROKER is a usage error naming the environment", "[app]") {
  Fixture f;
  f.m.env["MQCHAT_BROKER"] = "http://x";
  auto r = f.m.run({"register", "alice"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("the environment"));
  CHECK(f.broker->connects().empty());
}

TEST_CASE("an unreachable broker exits 4", "[app]") {
  Fixture f;
  f.broker->refuse_connect = true;
  auto r = f.m.run({"register", "alice"});
  CHECK(r.code == 4);
  CHECK_THAT(r.err, Catch::StartsWith("mqchat: "));
  CHECK(f.m.run({"whoami"}).code == 3);  // nothing was saved
}
