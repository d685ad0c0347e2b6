#include "core/wire/message_template.hpp"

#include <catch2/catch.hpp>

#include "core/wire/error.hpp"

using mqchat::Envelope;
using mqchat::MessageTemplate;
using mqchat::MessageType;

namespace {

Envelope dm(const std::string& text) {
  return Envelope{"id-1", MessageType::dm, "alice", "bob", {}, text, "2026-11-25T13:32:07.123Z"};
}

int usage_code_of(const std::string& text, std::string& message) {
  try {
    MessageTemplate::parse(text);
  } catch (const mqchat::Error& e) {
    message = e.what();
    return static_cast<int>(e.code());
  }
  return 0;
}

}  // namespace

TEST_CASE("a template renders every field", "[template]") {
  auto t = MessageTemplate::parse("{id}|{type}|{from}|{to}|{group}|{text}|{sent_at}");
  CHECK(t.render(dm("hi")) == "id-1|dm|alice|bob||hi|2026-11-25T13:32:07.123Z");
  Envelope g{"g1", MessageType::group, "carol", {}, "ops", "up", "2026-11-25T13:00:00Z"};
  CHECK(t.render(g) == "g1|group|carol||ops|up|2026-11-25T13:00:00Z");
}

TEST_CASE("a template says whether a message is verified", "[template]") {
  auto t = MessageTemplate::parse("{verified} {from}");
  auto e = dm("hi");
  CHECK(t.render(e) == "false alice");
  e.verified = true;
  CHECK(t.render(e) == "true alice");
}

TEST_CASE("a template renders join and leave notices with their text", "[template]") {
  auto t = MessageTemplate::parse("{type} {group}: {text}");
  Envelope join{"j1", MessageType::join, "carol", {}, "ops", "carol has joined ops", "x"};
  CHECK(t.render(join) == "join ops: carol has joined ops");
}

TEST_CASE("template escapes become tab, newline and literal characters", "[template]") {
  auto t = MessageTemplate::parse("{from}\\t{text}\\n\\\\\\{x\\}");
  CHECK(t.render(dm("hi")) == "alice\thi\n\\{x}");
}

TEST_CASE("field values are escaped so that one message stays one line", "[template]") {
  auto t = MessageTemplate::parse("{from}\\t{text}");
  CHECK(t.render(dm("a\tb\nc\\d\re")) == "alice\ta\\tb\\nc\\\\d\\re");
  CHECK(t.render(dm("\x1b[2Jgotcha")) == "alice\t\xEF\xBF\xBD[2Jgotcha");
}

TEST_CASE("a template with literal text only is allowed", "[template]") {
  CHECK(MessageTemplate::parse("ping").render(dm("x")) == "ping");
  CHECK(MessageTemplate::parse("").render(dm("x")).empty());
}

TEST_CASE("bad templates are usage errors that say what is wrong", "[template]") {
  std::string message;
  SECTION("an unknown field is named") {
    CHECK(usage_code_of("{from} {sender}", message) == 2);
    CHECK_THAT(message, Catch::Contains("{sender}") && Catch::Contains("{sent_at}"));
  }
  SECTION("an unclosed brace") {
    CHECK(usage_code_of("{from", message) == 2);
    CHECK_THAT(message, Catch::Contains("unclosed"));
  }
  SECTION("a stray closing brace") {
    CHECK(usage_code_of("from}", message) == 2);
    CHECK_THAT(message, Catch::Contains("'}'"));
  }
  SECTION("an unknown escape") {
    CHECK(usage_code_of("{from}\\x", message) == 2);
    CHECK_THAT(message, Catch::Contains("\\x"));
  }
  SECTION("a lone backslash at the end") { CHECK(usage_code_of("{from}\\", message) == 2); }
}
