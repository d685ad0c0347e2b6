// mqchat-paho.so: paho-mqtt and OpenSSL are loaded only when a command needs the broker. The
// binary must say clearly when the module is missing, find it in an installed tree, and not
// load it at all for a send handed to a running listen (the point of the split).

#include "tests/integration/harness.hpp"

using namespace itest;

namespace {

// Runs PROGRAM (an mqchat binary elsewhere than the build tree's) as USER.
RunResult run_as(const User& user, const std::filesystem::path& program,
                 const std::vector<std::string>& args, MqchatOptions options = {}) {
  SpawnOptions spawn;
  spawn.env = mqchat_environment(user.options(std::move(options)));
  return run_process(program.string(), args, std::move(spawn), 20s);
}

}  // namespace

TEST_CASE("without its module, mqchat still runs local commands and says what to reinstall",
          "[module]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  alice.register_user();
  bob.register_user();
  TempDir lone;
  auto program = lone.path() / "mqchat";
  std::filesystem::copy_file(mqchat_binary(), program);
  std::filesystem::permissions(program, std::filesystem::perms::owner_exec,
                               std::filesystem::perm_options::add);

  auto history = run_as(alice, program, {"history"});
  REQUIRE_EXIT(history, 0);

  auto send = run_as(alice, program, {"send", "bob", "hello"});
  REQUIRE_EXIT(send, 1);
  CHECK(std::count(send.err.begin(), send.err.end(), '\n') == 1);
  CHECK_THAT(send.err, Catch::Contains("mqchat-paho.so") && Catch::Contains("reinstall mqchat"));

  auto version = run_as(alice, program, {"--version"});
  REQUIRE_EXIT(version, 0);
  CHECK_THAT(version.out, Catch::Contains("mqchat-paho.so"));
  auto json = run_as(alice, program, {"--version", "--json"});
  REQUIRE_EXIT(json, 0);
  CHECK(nlohmann::json::parse(json.out)["paho_mqtt_c"].is_null());
}

TEST_CASE("an installed mqchat finds its module under lib/mqchat", "[module][install]") {
  TempDir prefix;
  auto install =
      run_process(MQCHAT_CMAKE_COMMAND,
                  {"--install", MQCHAT_BUILD_DIR, "--prefix", prefix.path().string()}, {}, 60s);
  REQUIRE_EXIT(install, 0);
  Broker broker;
  User alice("alice", broker);
  auto program = prefix.path() / "bin" / "mqchat";
  auto version = run_as(alice, program, {"--version"});
  REQUIRE_EXIT(version, 0);
  CHECK_THAT(version.out, Catch::Contains("(loaded)"));
  auto registered = run_as(alice, program, {"register", "alice"});
  REQUIRE_EXIT(registered, 0);
}
