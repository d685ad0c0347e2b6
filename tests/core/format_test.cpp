#include "core/wire/format.hpp"

#include <catch2/catch.hpp>
#include <string>

using mqchat::Envelope;
using mqchat::MessageStyle;
using mqchat::MessageType;

namespace {

const std::string kReplacement = "\xEF\xBF\xBD";
constexpr const char* kTime = "2026-11-25T13:32:07.123Z";

Envelope dm(const std::string& text) {
  Envelope e{"1", MessageType::dm, "alice", "bob", {}, text, kTime};
  e.verified = true;
  return e;
}

// "[YYYY-MM-DD HH:MM] " in local time: the shape only, the zone is the machine's.
Catch::Matchers::StdString::RegexMatcher has_head() {
  return Catch::Matches("\\[\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}\\] [\\s\\S]*");
}

std::string without_head(const std::string& line) { return line.substr(line.find("] ") + 2); }

}  // namespace

TEST_CASE("sanitize_for_terminal replaces control characters", "[format]") {
  CHECK(mqchat::sanitize_for_terminal("plain text") == "plain text");
  CHECK(mqchat::sanitize_for_terminal("tab\tand\nnewline") == "tab\tand\nnewline");
  CHECK(mqchat::sanitize_for_terminal("\x1b[2J") == kReplacement + "[2J");
  CHECK(mqchat::sanitize_for_terminal("a\rb") == "a" + kReplacement + "b");
  CHECK(mqchat::sanitize_for_terminal("bell\x07") == "bell" + kReplacement);
  CHECK(mqchat::sanitize_for_terminal("del\x7f") == "del" + kReplacement);
  CHECK(mqchat::sanitize_for_terminal(std::string("nul\0x", 5)) == "nul" + kReplacement + "x");
}

TEST_CASE("sanitize_for_terminal replaces C1 controls but keeps other UTF-8", "[format]") {
  // U+009B is CSI, which some terminals honour like ESC [.
  CHECK(mqchat::sanitize_for_terminal("\xC2\x9B"
                                      "31m") == kReplacement + "31m");
  CHECK(mqchat::sanitize_for_terminal("\xC2\x80\xC2\x9F") == kReplacement + kReplacement);
  CHECK(mqchat::sanitize_for_terminal("caf\xC3\xA9") == "caf\xC3\xA9");
  CHECK(mqchat::sanitize_for_terminal("\xC2\xA0nbsp") == "\xC2\xA0nbsp");  // U+00A0 is printable
  CHECK(mqchat::sanitize_for_terminal("\xF0\x9F\x98\x80") == "\xF0\x9F\x98\x80");
}

TEST_CASE("a direct message is formatted with time and sender", "[format]") {
  auto line = mqchat::format_message(dm("hello"), MessageStyle{});
  CHECK_THAT(line, has_head());
  CHECK(without_head(line) == "alice: hello");
  CHECK(line.back() != '\n');
}

TEST_CASE("history style shows the recipient", "[format]") {
  auto line = mqchat::format_message(dm("hello"), MessageStyle{false, true});
  CHECK(without_head(line) == "alice \u2192 bob: hello");
}

TEST_CASE("a message not verified by a pinned key is marked", "[format]") {
  auto e = dm("hello");
  e.verified = false;
  CHECK(without_head(mqchat::format_message(e, MessageStyle{})) == "alice [unverified]: hello");
  MessageStyle sent{false, true, false};  // history: our own messages are not marked
  CHECK(without_head(mqchat::format_message(e, sent)) == "alice \u2192 bob: hello");
}

TEST_CASE("continuation lines of a multi-line text are indented", "[format]") {
  auto line = mqchat::format_message(dm("one\ntwo\nthree"), MessageStyle{});
  CHECK(without_head(line) == "alice: one\n    two\n    three");
}

TEST_CASE("a message cannot drive the terminal", "[format]") {
  auto line = mqchat::format_message(dm("\x1b]0;owned\x07\xC2\x9B"
                                        "2J"),
                                     MessageStyle{});
  CHECK(line.find('\x1b') == std::string::npos);
  CHECK(line.find('\x07') == std::string::npos);
  CHECK(line.find("\xC2\x9B") == std::string::npos);
}

TEST_CASE("group messages and membership notices", "[format]") {
  Envelope e{"1", MessageType::leave, "kashish", {}, "Group_1", "", kTime};
  e.verified = true;
  CHECK(without_head(mqchat::format_message(e, MessageStyle{})) == "kashish has left Group_1");
  e.type = MessageType::join;
  CHECK(without_head(mqchat::format_message(e, MessageStyle{})) == "kashish has joined Group_1");
  e.type = MessageType::group;
  e.text = "hi all";
  CHECK(without_head(mqchat::format_message(e, MessageStyle{})) == "kashish @ Group_1: hi all");
}

TEST_CASE("colour makes the sender bold and nothing else changes", "[format]") {
  auto plain = mqchat::format_message(dm("hello"), MessageStyle{false, false});
  auto coloured = mqchat::format_message(dm("hello"), MessageStyle{true, false});
  CHECK(coloured != plain);
  CHECK_THAT(coloured,
             Catch::Contains("\x1b[") && Catch::Contains("alice") && Catch::EndsWith(": hello"));
}

TEST_CASE("local_time_text formats a time and passes anything else through", "[format]") {
  CHECK_THAT(mqchat::local_time_text(kTime), Catch::Matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}"));
  CHECK(mqchat::local_time_text("yesterday") == "yesterday");
  CHECK(mqchat::local_time_text("") == "");
  auto e = dm("x");
  e.sent_at = "not a time";
  auto line = mqchat::format_message(e, MessageStyle{});
  CHECK(line == "[not a time] alice: x");
}
