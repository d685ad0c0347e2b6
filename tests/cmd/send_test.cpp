#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/wire/clock.hpp"
#include "core/wire/envelope.hpp"
#include "tests/fakes/alice_and_bob.hpp"
#include "tests/fakes/fake_transport.hpp"
#include "tests/fakes/sealed.hpp"

using mqchat::fakes::FakeBroker;
using mqchat::fakes::json_lines;
using mqchat::fakes::Machine;
using nlohmann::json;

namespace {

constexpr const char* kBobInbox = "mqchat/v1/inbox/bob/alice";

// alice and bob, each registered on a machine of their own, on one broker.
struct Fixture : mqchat::fakes::AliceAndBob {
  std::vector<std::string> texts_to_bob() const {
    std::vector<std::string> out;
    for (const auto& p : broker->published_to(kBobInbox)) {
      out.push_back(mqchat::fakes::open_for(bob, "bob", p.payload).text);
    }
    return out;
  }
};

}  // namespace

TEST_CASE("send publishes one envelope to the recipient's inbox", "[send]") {
  Fixture f;
  auto r = f.alice.run({"send", "bob", "lunch", "at", "noon?"});
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.empty());  // not a terminal: nothing to say

  auto pubs = f.broker->published_to("mqchat/v1/inbox/#");
  REQUIRE(pubs.size() == 1);
  CHECK(pubs[0].topic == kBobInbox);
  CHECK(pubs[0].qos == 1);
  CHECK_FALSE(pubs[0].retain);
  // Sealed: the outside shows the version, the scheme, the id and the sender's key only.
  auto outer = json::parse(pubs[0].payload);
  CHECK(outer.at("v") == 2);
  CHECK(outer.at("enc") == "x25519-xsalsa20poly1305");
  CHECK(outer.at("id").get<std::string>().size() == 32);
  CHECK_FALSE(outer.contains("text"));
  CHECK_FALSE(outer.contains("type"));
  CHECK(pubs[0].payload.find("noon") == std::string::npos);
  auto e = mqchat::fakes::open_for(f.bob, "bob", pubs[0].payload);
  CHECK(e.type == mqchat::MessageType::dm);
  CHECK(e.from == "alice");
  CHECK(e.to == "bob");
  CHECK(e.text == "lunch at noon?");
  CHECK(e.id == outer.at("id"));
  CHECK(mqchat::parse_rfc3339(e.sent_at));
}

TEST_CASE("send with the setting encryption off publishes a plain v1 envelope", "[send]") {
  Fixture f;
  REQUIRE(f.alice.run({"config", "set", "encryption", "off"}).code == 0);
  REQUIRE(f.alice.run({"send", "bob", "lunch at noon?"}).code == 0);
  auto pubs = f.broker->published_to(kBobInbox);
  REQUIRE(pubs.size() == 1);
  auto j = json::parse(pubs[0].payload);
  CHECK(j.at("v") == 1);
  CHECK(j.at("type") == "dm");
  CHECK(j.at("text") == "lunch at noon?");
}

TEST_CASE("send uses a one-shot clean connection", "[send]") {
  Fixture f;
  auto before = f.broker->connects().size();
  REQUIRE(f.alice.run({"send", "bob", "hi"}).code == 0);
  auto connects = f.broker->connects();
  REQUIRE(connects.size() == before + 1);
  CHECK(connects.back().clean_start);
  CHECK(connects.back().client_id.rfind("mqchat-alice-", 0) == 0);
  CHECK(connects.back().servers == std::vector<std::string>{"mqtt://127.0.0.1:1883"});
}

TEST_CASE("send --json prints one result line per message", "[send]") {
  Fixture f;
  SECTION("--json before the subcommand") {
    auto r = f.alice.run({"--json", "send", "bob", "hi"});
    REQUIRE(r.code == 0);
    auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].at("ok") == true);
    CHECK(lines[0].at("to") == "bob");
    CHECK(lines[0].at("id") == json::parse(f.broker->published_to(kBobInbox).at(0).payload)["id"]);
  }
  SECTION("--json after the text") {
    auto r = f.alice.run({"send", "bob", "hi", "--json"});
    REQUIRE(r.code == 0);
    CHECK(f.texts_to_bob() == std::vector<std::string>{"hi"});
    CHECK(json_lines(r.out).size() == 1);
  }
}

TEST_CASE("send takes the text from stdin", "[send]") {
  Fixture f;
  SECTION("when no text is given") {
    REQUIRE(f.alice.run({"send", "bob"}, "from stdin\nsecond line\n").code == 0);
    CHECK(f.texts_to_bob() == std::vector<std::string>{"from stdin\nsecond line"});
  }
  SECTION("when the text is '-'") {
    REQUIRE(f.alice.run({"send", "bob", "-"}, "dash").code == 0);
    CHECK(f.texts_to_bob() == std::vector<std::string>{"dash"});
  }
}

TEST_CASE("send --lines sends each non-empty line as a message, in order", "[send]") {
  Fixture f;
  auto r = f.alice.run({"send", "--lines", "bob"}, "one\n\ntwo\r\nthree");
  REQUIRE(r.code == 0);
  CHECK(f.texts_to_bob() == std::vector<std::string>{"one", "two", "three"});
  SECTION("over one connection") {
    // register x2 and the send.
    CHECK(f.broker->connects().size() == 3);
  }
  SECTION("recorded in the history in order") {
    auto h = f.alice.run({"history", "--json"});
    auto lines = json_lines(h.out);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].at("text") == "one");
    CHECK(lines[2].at("text") == "three");
    CHECK(lines[2].at("direction") == "out");
  }
}

TEST_CASE("send refuses bad input with exit 2 before any network I/O", "[send]") {
  Fixture f;
  auto connects = f.broker->connects().size();
  std::vector<std::string> args;
  std::string input;
  SECTION("a recipient with a slash") { args = {"send", "a/b", "hi"}; }
  SECTION("a recipient that is a wildcard") { args = {"send", "#", "hi"}; }
  SECTION("a recipient with a plus") { args = {"send", "+", "hi"}; }
  SECTION("an empty text") { args = {"send", "bob", ""}; }
  SECTION("an empty stdin") { args = {"send", "bob"}; }
  SECTION("--lines with a text") { args = {"send", "--lines", "bob", "hi"}; }
  SECTION("--skip without --lines") { args = {"send", "--skip", "1", "bob", "hi"}; }
  SECTION("a negative --retry-for") { args = {"send", "--retry-for", "-1", "bob", "hi"}; }
  SECTION("text that is not UTF-8") {
    args = {"send", "bob"};
    input = "\xff\xfe";
  }
  auto r = f.alice.run(args, input);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::StartsWith("mqchat: "));
  CHECK(f.broker->published_to("mqchat/v1/inbox/#").empty());
  CHECK(f.broker->connects().size() == connects);
}

TEST_CASE("send --lines checks each line as it comes and stops at a bad one", "[send]") {
  Fixture f;
  SECTION("blank lines only: exit 2, nothing sent") {
    auto r = f.alice.run({"send", "--lines", "bob"}, "\n\n");
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("no non-empty line"));
    CHECK(f.broker->published_to("mqchat/v1/inbox/#").empty());
  }
  SECTION("an over-long line: what came before it is sent, with how to resume") {
    auto r =
        f.alice.run({"send", "--lines", "bob"}, "ok\n" + std::string(70000, 'x') + "\nlater\n");
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("line 2") && Catch::Contains("1 message was sent") &&
                          Catch::Contains("--skip 1"));
    auto sent = f.broker->published_to("mqchat/v1/inbox/#");
    REQUIRE(sent.size() == 1);
    CHECK(mqchat::fakes::open_for(f.bob, "bob", sent[0].payload).text == "ok");
    CHECK(f.alice.run({"history"}).out.find("ok") != std::string::npos);
  }
  SECTION("--skip beyond the input: exit 2, nothing sent") {
    auto r = f.alice.run({"send", "--lines", "--skip", "3", "bob"}, "a\nb\n");
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("--skip 3 is more than the 2 messages"));
    CHECK(f.broker->published_to("mqchat/v1/inbox/#").empty());
  }
}

TEST_CASE("send --lines --skip N leaves out the first N non-empty lines", "[send]") {
  Fixture f;
  auto r = f.alice.run({"--json", "send", "--lines", "--skip", "2", "bob"}, "a\n\nb\nc\nd\n");
  REQUIRE(r.code == 0);
  std::vector<std::string> texts;
  for (const auto& p : f.broker->published_to("mqchat/v1/inbox/#")) {
    texts.push_back(mqchat::fakes::open_for(f.bob, "bob", p.payload).text);
  }
  CHECK(texts == std::vector<std::string>{"c", "d"});
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 2);  // one result line each
  SECTION("skipping everything sends nothing and succeeds") {
    auto all = f.alice.run({"send", "--lines", "--skip", "2", "bob"}, "a\nb\n");
    CHECK(all.code == 0);
    CHECK(f.broker->published_to("mqchat/v1/inbox/#").size() == 2);
  }
}

TEST_CASE("a bad recipient is refused even when not signed in", "[send]") {
  auto broker = std::make_shared<FakeBroker>();
  Machine m(broker);
  auto r = m.run({"send", "a/b", "hi"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("a/b"));
  CHECK(broker->connects().empty());
}

TEST_CASE("send to an unknown user exits 3 and publishes nothing", "[send]") {
  Fixture f;
  auto r = f.alice.run({"send", "carol", "hi"});
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Catch::Contains("'carol'") && Catch::Contains("mqchat who"));
  CHECK(f.broker->published_to("mqchat/v1/inbox/#").empty());
  CHECK(f.alice.run({"history"}).out.empty());
}

TEST_CASE("send when not signed in exits 3", "[send]") {
  auto broker = std::make_shared<FakeBroker>();
  Machine m(broker);
  auto r = m.run({"send", "bob", "hi"});
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Catch::Contains("mqchat register"));
  CHECK(broker->connects().empty());
}

TEST_CASE("send reports an unreachable or refusing broker", "[send]") {
  Fixture f;
  SECTION("connection refused: 4") {
    f.broker->refuse_connect = true;
    CHECK(f.alice.run({"send", "bob", "hi"}).code == 4);
  }
  SECTION("publish refused: 4") {
    f.broker->refused_topics = {kBobInbox};
    auto r = f.alice.run({"send", "bob", "hi"});
    CHECK(r.code == 4);
    CHECK(f.alice.run({"history"}).out.empty());
  }
  SECTION("refused in the middle of --lines: 4, saying how many were sent") {
    f.broker->refused_topics = {kBobInbox};
    auto r = f.alice.run({"send", "--lines", "bob"}, "a\nb\n");
    CHECK(r.code == 4);
    CHECK_THAT(r.err, Catch::Contains("0 messages were sent"));
  }
  SECTION("no acknowledgement: 5") {
    f.broker->never_acknowledge = true;
    CHECK(f.alice.run({"send", "bob", "hi"}).code == 5);
  }
}

TEST_CASE("send --qos sets the QoS of the message", "[send]") {
  Fixture f;
  REQUIRE(f.alice.run({"send", "bob", "hi", "--qos", "2"}).code == 0);
  CHECK(f.broker->published_to(kBobInbox).at(0).qos == 2);
}

TEST_CASE("send as another local profile with --profile", "[send]") {
  Fixture f;
  REQUIRE(f.alice.run({"register", "alice2"}).code == 0);
  REQUIRE(f.alice.run({"send", "bob", "hi", "--profile", "alice"}).code == 0);
  REQUIRE(f.alice.run({"send", "bob", "hi"}).code == 0);
  CHECK(f.broker->published_to("mqchat/v1/inbox/bob/alice").size() == 1);
  CHECK(f.broker->published_to("mqchat/v1/inbox/bob/alice2").size() == 1);
}
