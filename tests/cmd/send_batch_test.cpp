#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/wire/envelope.hpp"
#include "tests/fakes/alice_and_bob.hpp"
#include "tests/fakes/fake_transport.hpp"
#include "tests/fakes/sealed.hpp"

using mqchat::fakes::FakeBroker;
using mqchat::fakes::json_lines;
using mqchat::fakes::Machine;
using nlohmann::json;

namespace {

// alice is in devs, bob is not.
struct Fixture : mqchat::fakes::AliceAndBob {
  Fixture() { REQUIRE(alice.run({"group", "join", "devs"}).code == 0); }
};

}  // namespace

TEST_CASE("send --batch sends every good line over one connection", "[send][batch]") {
  Fixture f;
  auto before = f.broker->connects().size();
  auto r = f.alice.run({"send", "--batch"},
                       "{\"to\":\"bob\",\"text\":\"one\"}\n"
                       "{\"group\":\"devs\",\"text\":\"two\"}\n"
                       "{\"to\":\"bob\",\"text\":\"three\",\"extra\":1}\n");
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  CHECK(f.broker->connects().size() == before + 1);
  auto results = json_lines(r.out);
  REQUIRE(results.size() == 3);
  CHECK(results[0].at("line") == 1);
  CHECK(results[0].at("to") == "bob");
  CHECK(results[1].at("group") == "devs");
  CHECK(results[2].at("ok") == true);
  auto dms = f.broker->published_to("mqchat/v1/inbox/bob/alice");
  REQUIRE(dms.size() == 2);
  CHECK(mqchat::fakes::open_for(f.bob, "bob", dms[0].payload).text == "one");
  CHECK(mqchat::fakes::open_for(f.bob, "bob", dms[0].payload).id == results[0].at("id"));
  CHECK(mqchat::fakes::open_for(f.bob, "bob", dms[1].payload).text == "three");
  auto group = f.broker->published_to("mqchat/v1/groups/devs/msg/alice");
  CHECK(mqchat::fakes::open_own_group(f.alice, "alice", "devs", group.back().payload).text ==
        "two");
}

TEST_CASE("send --batch reports bad lines and goes on, exit code of the first failure",
          "[send][batch]") {
  Fixture f;
  struct Case {
    std::string line;
    int code;
    std::string says;
  };
  for (const auto& c :
       {Case{"{\"to\":\"bob\"", 2, "JSON"}, Case{"[1,2]", 2, "object"},
        Case{"{\"text\":\"x\"}", 2, "\"to\""},
        Case{"{\"to\":\"bob\",\"group\":\"devs\",\"text\":\"x\"}", 2, "not both"},
        Case{"{\"to\":\"bob\"}", 2, "\"text\""}, Case{"{\"to\":\"bob\",\"text\":\"\"}", 2, "empty"},
        Case{"{\"to\":\"bob\",\"text\":7}", 2, "not a string"},
        Case{"{\"to\":\"a/b\",\"text\":\"x\"}", 2, "a/b"},
        Case{"{\"to\":\"carol\",\"text\":\"x\"}", 3, "no such user"},
        Case{"{\"group\":\"ops\",\"text\":\"x\"}", 3, "not a member"}}) {
    INFO(c.line);
    auto r = f.alice.run({"send", "--batch"}, c.line + "\n{\"to\":\"bob\",\"text\":\"after\"}\n");
    CHECK(r.code == c.code);
    auto results = json_lines(r.out);
    REQUIRE(results.size() == 2);
    CHECK(results[0].at("ok") == false);
    CHECK(results[0].at("exit_code") == c.code);
    CHECK_THAT(results[0].at("error").get<std::string>(), Catch::Contains(c.says));
    CHECK(results[1].at("ok") == true);
    CHECK_THAT(r.err, Catch::Contains("1 of 2 messages failed") && Catch::Contains("line 1"));
  }
}

TEST_CASE("send --batch: a refused publish fails that line only, with exit 4", "[send][batch]") {
  Fixture f;
  f.broker->refused_topics = {"mqchat/v1/groups/devs/#"};
  auto r = f.alice.run({"send", "--batch"},
                       "{\"to\":\"bob\",\"text\":\"a\"}\n{\"group\":\"devs\",\"text\":\"b\"}\n"
                       "{\"to\":\"bob\",\"text\":\"c\"}\n");
  CHECK(r.code == 4);
  auto results = json_lines(r.out);
  REQUIRE(results.size() == 3);
  CHECK(results[0].at("ok") == true);
  CHECK(results[1].at("ok") == false);
  CHECK(results[1].at("exit_code") == 4);
  CHECK(results[2].at("ok") == true);
  // Only what the broker took is in the history.
  auto history = json_lines(f.alice.run({"--json", "history"}).out);
  std::vector<std::string> texts;
  for (const auto& h : history) {
    if (h.at("type") == "dm" || h.at("type") == "group") texts.push_back(h.at("text"));
  }
  CHECK(texts == std::vector<std::string>{"a", "c"});
}

TEST_CASE("send --batch refuses a recipient, text or --lines beside it", "[send][batch]") {
  Fixture f;
  for (auto args : {std::vector<std::string>{"send", "--batch", "bob"},
                    std::vector<std::string>{"send", "--batch", "--lines"}}) {
    auto r = f.alice.run(args, "{\"to\":\"bob\",\"text\":\"x\"}\n");
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("--batch"));
  }
  CHECK(f.alice.run({"send"}).code == 2);
  CHECK(f.broker->published_to("mqchat/v1/inbox/#").empty());
}

TEST_CASE("send --batch with empty input sends nothing and exits 0", "[send][batch]") {
  Fixture f;
  auto r = f.alice.run({"send", "--batch"}, "\n  \n");
  CHECK(r.code == 0);
  CHECK(r.out.empty());
}
