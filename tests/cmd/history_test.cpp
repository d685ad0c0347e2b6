#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/store/files.hpp"
#include "tests/fakes/fake_transport.hpp"

using mqchat::fakes::FakeBroker;
using mqchat::fakes::json_lines;
using mqchat::fakes::Machine;
using nlohmann::json;

namespace {

std::vector<std::string> texts(const std::vector<json>& lines) {
  std::vector<std::string> out;
  for (const auto& j : lines) out.push_back(j.at("text").get<std::string>());
  return out;
}

// alice talks to bob and carol; bob and carol answer.
struct Fixture {
  std::shared_ptr<FakeBroker> broker = std::make_shared<FakeBroker>();
  Machine alice{broker};
  Machine bob{broker};
  Machine carol{broker};

  Fixture() {
    REQUIRE(alice.run({"register", "alice"}).code == 0);
    REQUIRE(bob.run({"register", "bob"}).code == 0);
    REQUIRE(carol.run({"register", "carol"}).code == 0);
    REQUIRE(alice.run({"send", "bob", "to bob 1"}).code == 0);
    REQUIRE(alice.run({"send", "carol", "to carol"}).code == 0);
    REQUIRE(bob.run({"send", "alice", "from bob"}).code == 0);
    REQUIRE(carol.run({"send", "alice", "from carol"}).code == 0);
    REQUIRE(alice.run({"send", "bob", "to bob 2"}).code == 0);
    REQUIRE(alice.run({"listen", "--count", "2", "--timeout", "5"}).code == 0);
  }
};

}  // namespace

TEST_CASE("history lists sent and received messages in order", "[history]") {
  Fixture f;
  auto r = f.alice.run({"history", "--json"});
  REQUIRE(r.code == 0);
  auto lines = json_lines(r.out);
  // Sent ones as sent; received ones when listen showed them.
  CHECK(texts(lines) ==
        std::vector<std::string>{"to bob 1", "to carol", "to bob 2", "from bob", "from carol"});
  CHECK(lines[0].at("direction") == "out");
  CHECK(lines[3].at("direction") == "in");
  CHECK(lines[3].at("from") == "bob");
}

TEST_CASE("history --with keeps one conversation", "[history]") {
  Fixture f;
  auto r = f.alice.run({"history", "--with", "bob", "--json"});
  REQUIRE(r.code == 0);
  CHECK(texts(json_lines(r.out)) == std::vector<std::string>{"to bob 1", "to bob 2", "from bob"});
  SECTION("-n keeps the last N of it") {
    auto n = f.alice.run({"history", "--with", "bob", "-n", "1", "--json"});
    CHECK(texts(json_lines(n.out)) == std::vector<std::string>{"from bob"});
  }
  SECTION("a user never talked to gives nothing") {
    auto none = f.alice.run({"history", "--with", "dave"});
    CHECK(none.code == 0);
    CHECK(none.out.empty());
  }
}

TEST_CASE("history prints people's lines with the recipient", "[history]") {
  Fixture f;
  auto r = f.alice.run({"history", "--with", "carol"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("alice \u2192 carol: to carol") &&
                        Catch::Contains("carol \u2192 alice: from carol"));
}

TEST_CASE("history warns about unreadable lines and shows the rest", "[history]") {
  Fixture f;
  auto file = f.alice.home() / "state" / "alice" / "history.jsonl";
  auto text = mqchat::read_file(file).value();
  mqchat::write_file_atomic(file, "garbage\n" + text);
  auto r = f.alice.run({"history", "--json"});
  CHECK(r.code == 0);
  CHECK(json_lines(r.out).size() == 5);
  CHECK_THAT(r.err, Catch::Contains("skipped 1 unreadable line"));
}

TEST_CASE("history refuses bad options with exit 2", "[history]") {
  Fixture f;
  CHECK(f.alice.run({"history", "--with", "a/b"}).code == 2);
  CHECK(f.alice.run({"history", "-n", "0"}).code == 2);
}

TEST_CASE("history when not signed in exits 3", "[history]") {
  auto broker = std::make_shared<FakeBroker>();
  Machine m(broker);
  CHECK(m.run({"history"}).code == 3);
}
