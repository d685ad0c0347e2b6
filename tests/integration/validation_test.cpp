// Invalid names and text: exit 2 before any network I/O. A SilentListener stands in for the
// broker: it accepts TCP but never answers, so a command that touched the network would hang
// until its connect timeout, and the listener counts every attempt.

#include "tests/integration/harness.hpp"

using namespace itest;

namespace {

// The command line for ARGS aimed at SILENT, with a connect timeout far above what we allow.
std::vector<std::string> at(const SilentListener& silent, std::vector<std::string> args) {
  args.insert(args.end(), {"--broker", "mqtt://127.0.0.1:" + std::to_string(silent.port()),
                           "--connect-timeout", "3"});
  return args;
}

void require_usage_error_offline(const RunResult& r, SilentListener& silent) {
  INFO(describe(r));
  CHECK(r.exit_code == 2);
  CHECK(r.elapsed < 1500ms);
  CHECK(silent.take_connections() == 0);
  CHECK(lines_of(r.err).size() == 1);
}

}  // namespace

TEST_CASE("send refuses an invalid recipient name with exit 2 before any network I/O",
          "[validation]") {
  Broker broker;
  User alice("alice", broker);
  alice.register_user();
  SilentListener silent;

  SECTION("control: a valid send does try to connect") {
    auto r = alice.run(at(silent, {"send", "bob", "hello"}));
    INFO(describe(r));
    CHECK(r.exit_code != 0);
    CHECK(r.elapsed < 8s);
    CHECK(silent.take_connections() >= 1);
  }
  const std::vector<std::string> invalid = {"a/b", "+",    "#",          "",
                                            "bob/+", "_bob", "a b",        "bob*",
                                            "b\xc3\xb6" "b", std::string(33, 'a')};
  for (const auto& name : invalid) {
    DYNAMIC_SECTION("recipient '" << name << "'") {
      require_usage_error_offline(alice.run(at(silent, {"send", name, "hello"})), silent);
    }
  }
  SECTION("closed port: still exit 2 at once") {
    auto r = alice.run({"send", "a/b", "hello", "--broker",
                        "mqtt://127.0.0.1:" + std::to_string(free_port())});
    CHECK_EXIT(r, 2);
    CHECK(r.elapsed < 1500ms);
  }
}

TEST_CASE("send refuses invalid text with exit 2 before any network I/O", "[validation]") {
  Broker broker;
  User alice("alice", broker);
  alice.register_user();
  SilentListener silent;
  MqchatOptions stdin_options;

  SECTION("empty argument") {
    require_usage_error_offline(alice.run(at(silent, {"send", "bob", ""})), silent);
  }
  SECTION("empty stdin") {
    stdin_options.input = "";
    require_usage_error_offline(alice.run(at(silent, {"send", "bob"}), stdin_options), silent);
  }
  SECTION("argument that is not UTF-8") {
    require_usage_error_offline(alice.run(at(silent, {"send", "bob", "caf\xe9"})), silent);
  }
  SECTION("stdin that is not UTF-8") {
    stdin_options.input = "\xff\xfe broken\n";
    require_usage_error_offline(alice.run(at(silent, {"send", "bob", "-"}), stdin_options),
                                silent);
  }
  SECTION("one byte over 64 KiB") {
    require_usage_error_offline(
        alice.run(at(silent, {"send", "bob", std::string(64 * 1024 + 1, 'x')})), silent);
  }
  SECTION("over 64 KiB on stdin") {
    stdin_options.input = std::string(200 * 1024, 'y');
    require_usage_error_offline(alice.run(at(silent, {"send", "bob", "-"}), stdin_options),
                                silent);
  }
}

TEST_CASE("text of exactly 64 KiB and a name of 32 characters are accepted", "[validation]") {
  Broker broker;
  User alice("alice", broker);
  std::string long_name(32, 'b');
  User bob(long_name, broker);
  alice.register_user();
  bob.register_user();

  std::string text(64 * 1024, 'z');
  REQUIRE_EXIT(alice.run({"send", long_name, text}), 0);
  auto messages = bob.receive(1);
  CHECK(str(messages[0], "text") == text);
  CHECK(str(messages[0], "to") == long_name);
}

TEST_CASE("register and login refuse invalid names with exit 2 before any network I/O",
          "[validation]") {
  User nobody("nobody", "mqtt://127.0.0.1:1");
  SilentListener silent;
  const std::vector<std::string> invalid = {"a/b", "+", "#", "", std::string(33, 'n'), ".dot"};
  for (const auto& name : invalid) {
    DYNAMIC_SECTION("register '" << name << "'") {
      require_usage_error_offline(nobody.run(at(silent, {"register", name})), silent);
    }
    DYNAMIC_SECTION("login '" << name << "'") {
      require_usage_error_offline(nobody.run(at(silent, {"login", name})), silent);
    }
  }
}

TEST_CASE("invalid global options exit 2 before any network I/O", "[validation]") {
  Broker broker;
  User alice("alice", broker);
  alice.register_user();
  SilentListener silent;

  SECTION("--qos 3") {
    require_usage_error_offline(alice.run(at(silent, {"send", "bob", "hi", "--qos", "3"})),
                                silent);
  }
  SECTION("unknown subcommand") {
    require_usage_error_offline(alice.run(at(silent, {"frobnicate"})), silent);
  }
  SECTION("listen --count that is not a number") {
    require_usage_error_offline(alice.run(at(silent, {"listen", "--count", "many"})), silent);
  }
}
