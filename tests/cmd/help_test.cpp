// Every command's --help ends with examples; errors under --json are JSON; --version names the
// MQTT versions and libraries.
#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fakes/fake_transport.hpp"

using mqchat::fakes::FakeBroker;
using mqchat::fakes::Machine;
using nlohmann::json;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

std::vector<std::string> subcommands(const std::string& help) {
  std::vector<std::string> out;
  bool in = false;
  for (const auto& line : lines_of(help)) {
    if (line.rfind("Subcommands:", 0) == 0) {
      in = true;
      continue;
    }
    if (!line.empty() && line[0] != ' ') in = false;
    if (in && line.size() > 2 && line[2] >= 'a' && line[2] <= 'z') {
      out.push_back(line.substr(2, line.find(' ', 2) - 2));
    }
  }
  return out;
}

// The example lines (indented, starting with a command) of the last "Examples:" block.
std::vector<std::string> examples(const std::string& help) {
  std::vector<std::string> out;
  bool in = false;
  for (const auto& line : lines_of(help)) {
    if (line == "Examples:") {
      in = true;
      out.clear();
      continue;
    }
    if (in && line.rfind("  ", 0) == 0) {
      out.push_back(line);
    } else if (in) {
      in = false;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("every command's --help ends with two or three examples", "[help]") {
  auto broker = std::make_shared<FakeBroker>();
  Machine m(broker);
  std::vector<std::vector<std::string>> commands{{}};
  for (const auto& top : subcommands(m.run({"--help"}).out)) {
    commands.push_back({top});
    for (const auto& sub : subcommands(m.run({top, "--help"}).out)) {
      commands.push_back({top, sub});
    }
  }
  REQUIRE(commands.size() > 20);
  for (auto args : commands) {
    std::string name = "mqchat";
    for (const auto& a : args) name += " " + a;
    args.push_back("--help");
    auto r = m.run(args);
    INFO(name << " --help:\n" << r.out);
    CHECK(r.code == 0);
    auto ex = examples(r.out);
    CHECK(ex.size() >= 2);
    CHECK(ex.size() <= 3);
    for (const auto& e : ex) CHECK_THAT(e, Catch::Contains("mqchat"));
    // Nothing but the note on global options follows the examples.
    auto tail = r.out.substr(r.out.rfind("Examples:"));
    CHECK(lines_of(tail).size() <= ex.size() + 4);
  }
}

TEST_CASE("under --json an error is one JSON object on stderr", "[app][json]") {
  auto broker = std::make_shared<FakeBroker>();
  Machine m(broker);
  SECTION("a failed command") {
    auto r = m.run({"--json", "whoami"});
    CHECK(r.code == 3);
    auto j = json::parse(r.err);
    CHECK(j.at("exit_code") == 3);
    CHECK_THAT(j.at("error").get<std::string>(), Catch::Contains("not signed in"));
  }
  SECTION("a usage error, --json after the command") {
    auto r = m.run({"send", "--json", "--no-such-option"});
    CHECK(r.code == 2);
    CHECK(json::parse(r.err).at("exit_code") == 2);
  }
  SECTION("an unknown command") {
    auto r = m.run({"--json", "frobnicate"});
    CHECK(r.code == 2);
    CHECK_THAT(json::parse(r.err).at("error").get<std::string>(), Catch::Contains("frobnicate"));
  }
  SECTION("without --json it stays one plain line") {
    auto r = m.run({"whoami"});
    CHECK(r.code == 3);
    CHECK_THAT(r.err, Catch::StartsWith("mqchat: not signed in"));
  }
}

TEST_CASE("the version text names the MQTT versions and the paho libraries", "[app]") {
  auto broker = std::make_shared<FakeBroker>();
  Machine m(broker);
  auto r = m.run({"--version"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("MQTT 5.0") && Catch::Contains("3.1.1") &&
                        Catch::Contains("paho-mqtt-cpp 1.2.0") &&
                        Catch::Contains("paho.mqtt.c 1.3"));
  auto j = json::parse(m.run({"--json", "--version"}).out);
  CHECK(j.at("mqtt") == json{"5.0", "3.1.1"});
  CHECK(j.at("paho_mqtt_cpp") == "1.2.0");
  CHECK_THAT(j.at("paho_mqtt_c").get<std::string>(), Catch::StartsWith("1.3."));
  CHECK(broker->connects().empty());
}
