#include "core/wire/names.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "core/wire/error.hpp"

using mqchat::ExitCode;

namespace {

// Runs F and returns the exit code of the mqchat::Error it throws; fails the test otherwise.
template <typename F>
ExitCode code_of(F f) {
  try {
    f();
  } catch (const mqchat::Error& e) {
    return e.code();
  }
  FAIL("no mqchat::Error was thrown");
  return ExitCode::ok;
}

}  // namespace

TEST_CASE("names of letters, digits, '_', '.' and '-' are accepted", "[names]") {
  SECTION("a single letter") { CHECK(mqchat::is_valid_name("a")); }
  SECTION("a single digit") { CHECK(mqchat::is_valid_name("7")); }
  SECTION("mixed case with punctuation") { CHECK(mqchat::is_valid_name("Alice_B.c-9")); }
  SECTION("starting with a digit") { CHECK(mqchat::is_valid_name("2fast")); }
  SECTION("exactly 32 characters") { CHECK(mqchat::is_valid_name(std::string(32, 'x'))); }
  SECTION("ending in punctuation") { CHECK(mqchat::is_valid_name("bob-")); }
}

TEST_CASE("a name that breaks the rules is refused", "[names]") {
  SECTION("empty") { CHECK_FALSE(mqchat::is_valid_name("")); }
  SECTION("33 characters") { CHECK_FALSE(mqchat::is_valid_name(std::string(33, 'x'))); }
  SECTION("a slash") { CHECK_FALSE(mqchat::is_valid_name("a/b")); }
  SECTION("only a slash") { CHECK_FALSE(mqchat::is_valid_name("/")); }
  SECTION("the single-level wildcard") { CHECK_FALSE(mqchat::is_valid_name("a+b")); }
  SECTION("only '+'") { CHECK_FALSE(mqchat::is_valid_name("+")); }
  SECTION("the multi-level wildcard") { CHECK_FALSE(mqchat::is_valid_name("a#")); }
  SECTION("only '#'") { CHECK_FALSE(mqchat::is_valid_name("#")); }
  SECTION("a space inside") { CHECK_FALSE(mqchat::is_valid_name("al ice")); }
  SECTION("a trailing space") { CHECK_FALSE(mqchat::is_valid_name("alice ")); }
  SECTION("a leading underscore") { CHECK_FALSE(mqchat::is_valid_name("_alice")); }
  SECTION("a leading dot") { CHECK_FALSE(mqchat::is_valid_name(".alice")); }
  SECTION("a leading dash") { CHECK_FALSE(mqchat::is_valid_name("-alice")); }
  SECTION("non-ASCII letters") { CHECK_FALSE(mqchat::is_valid_name("j\xC3\xBCrgen")); }
  SECTION("a NUL byte") { CHECK_FALSE(mqchat::is_valid_name(std::string("ab\0c", 4))); }
  SECTION("a newline") { CHECK_FALSE(mqchat::is_valid_name("alice\n")); }
  SECTION("other punctuation") {
    for (const char* bad : {"a@b", "a:b", "a,b", "a*b", "a$b", "a\\b", "a'b", "a\"b"}) {
      INFO(bad);
      CHECK_FALSE(mqchat::is_valid_name(bad));
    }
  }
}

TEST_CASE("validate_name accepts a valid name silently", "[names]") {
  CHECK_NOTHROW(mqchat::validate_name("alice", "user"));
  CHECK_NOTHROW(mqchat::validate_name(std::string(32, 'g'), "group"));
}

TEST_CASE("validate_name refuses a bad name with a usage error", "[names]") {
  SECTION("a wildcard") {
    CHECK(code_of([] { mqchat::validate_name("a+", "user"); }) == ExitCode::usage);
  }
  SECTION("a slash") {
    CHECK(code_of([] { mqchat::validate_name("a/b", "group"); }) == ExitCode::usage);
  }
  SECTION("empty") {
    CHECK(code_of([] { mqchat::validate_name("", "user"); }) == ExitCode::usage);
  }
  SECTION("33 characters") {
    CHECK(code_of([] { mqchat::validate_name(std::string(33, 'a'), "user"); }) == ExitCode::usage);
  }
  SECTION("non-ASCII") {
    CHECK(code_of([] { mqchat::validate_name("\xE2\x82\xAC", "user"); }) == ExitCode::usage);
  }
}

TEST_CASE("the name error names what kind of name was refused", "[names]") {
  SECTION("a group name") {
    CHECK_THROWS_WITH(mqchat::validate_name("a#b", "group"), Catch::Contains("group"));
  }
  SECTION("a user name, quoting it") {
    CHECK_THROWS_WITH(mqchat::validate_name("bad name", "user"),
                      Catch::Contains("user") && Catch::Contains("'bad name'"));
  }
}

TEST_CASE("the name error shows control bytes as '?' and stays on one line", "[names]") {
  try {
    mqchat::validate_name("a\nb\x1b", "user");
    FAIL("no error");
  } catch (const mqchat::Error& e) {
    std::string what = e.what();
    CHECK(what.find('\n') == std::string::npos);
    CHECK(what.find('\x1b') == std::string::npos);
    CHECK_THAT(what, Catch::Contains("a?b?"));
  }
}

TEST_CASE("well-formed UTF-8 is accepted", "[names][utf8]") {
  SECTION("empty") { CHECK(mqchat::is_valid_utf8("")); }
  SECTION("ASCII") { CHECK(mqchat::is_valid_utf8("hello, world")); }
  SECTION("a 2-byte character (U+00E9)") { CHECK(mqchat::is_valid_utf8("caf\xC3\xA9")); }
  SECTION("the smallest 2-byte character (U+0080)") { CHECK(mqchat::is_valid_utf8("\xC2\x80")); }
  SECTION("a 3-byte character (U+20AC)") { CHECK(mqchat::is_valid_utf8("\xE2\x82\xAC")); }
  SECTION("the smallest 3-byte character (U+0800)") {
    CHECK(mqchat::is_valid_utf8("\xE0\xA0\x80"));
  }
  SECTION("U+D7FF and U+E000 either side of the surrogates") {
    CHECK(mqchat::is_valid_utf8("\xED\x9F\xBF"));
    CHECK(mqchat::is_valid_utf8("\xEE\x80\x80"));
  }
  SECTION("U+FFFF") { CHECK(mqchat::is_valid_utf8("\xEF\xBF\xBF")); }
  SECTION("a 4-byte character (U+1F600)") { CHECK(mqchat::is_valid_utf8("\xF0\x9F\x98\x80")); }
  SECTION("the smallest 4-byte character (U+10000)") {
    CHECK(mqchat::is_valid_utf8("\xF0\x90\x80\x80"));
  }
  SECTION("the largest code point (U+10FFFF)") { CHECK(mqchat::is_valid_utf8("\xF4\x8F\xBF\xBF")); }
  SECTION("an embedded NUL") { CHECK(mqchat::is_valid_utf8(std::string("a\0b", 3))); }
  SECTION("a mix") { CHECK(mqchat::is_valid_utf8("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z")); }
}

TEST_CASE("malformed UTF-8 is refused", "[names][utf8]") {
  SECTION("overlong 2-byte '/'") { CHECK_FALSE(mqchat::is_valid_utf8("\xC0\xAF")); }
  SECTION("overlong 2-byte NUL") { CHECK_FALSE(mqchat::is_valid_utf8("\xC0\x80")); }
  SECTION("overlong 2-byte with C1") { CHECK_FALSE(mqchat::is_valid_utf8("\xC1\xBF")); }
  SECTION("overlong 3-byte") { CHECK_FALSE(mqchat::is_valid_utf8("\xE0\x80\xAF")); }
  SECTION("overlong 3-byte just below U+0800") {
    CHECK_FALSE(mqchat::is_valid_utf8("\xE0\x9F\xBF"));
  }
  SECTION("overlong 4-byte") { CHECK_FALSE(mqchat::is_valid_utf8("\xF0\x80\x80\xAF")); }
  SECTION("overlong 4-byte just below U+10000") {
    CHECK_FALSE(mqchat::is_valid_utf8("\xF0\x8F\xBF\xBF"));
  }
  SECTION("a high surrogate (U+D800)") { CHECK_FALSE(mqchat::is_valid_utf8("\xED\xA0\x80")); }
  SECTION("a low surrogate (U+DFFF)") { CHECK_FALSE(mqchat::is_valid_utf8("\xED\xBF\xBF")); }
  SECTION("a CESU-8 surrogate pair") {
    CHECK_FALSE(mqchat::is_valid_utf8("\xED\xA0\xBD\xED\xB8\x80"));
  }
  SECTION("past U+10FFFF (U+110000)") { CHECK_FALSE(mqchat::is_valid_utf8("\xF4\x90\x80\x80")); }
  SECTION("lead byte F5") { CHECK_FALSE(mqchat::is_valid_utf8("\xF5\x80\x80\x80")); }
  SECTION("5- and 6-byte forms") {
    CHECK_FALSE(mqchat::is_valid_utf8("\xF8\x88\x80\x80\x80"));
    CHECK_FALSE(mqchat::is_valid_utf8("\xFC\x84\x80\x80\x80\x80"));
  }
  SECTION("bytes FE and FF") {
    CHECK_FALSE(mqchat::is_valid_utf8("\xFE"));
    CHECK_FALSE(mqchat::is_valid_utf8("\xFF"));
  }
  SECTION("a lone continuation byte") { CHECK_FALSE(mqchat::is_valid_utf8("a\x80z")); }
  SECTION("a 2-byte sequence cut at the end") { CHECK_FALSE(mqchat::is_valid_utf8("ab\xC3")); }
  SECTION("a 3-byte sequence cut at the end") { CHECK_FALSE(mqchat::is_valid_utf8("\xE2\x82")); }
  SECTION("a 4-byte sequence cut at the end") {
    CHECK_FALSE(mqchat::is_valid_utf8("\xF0\x9F\x98"));
  }
  SECTION("a sequence cut by an ASCII byte") { CHECK_FALSE(mqchat::is_valid_utf8("\xE2\x82z")); }
  SECTION("Latin-1 text") { CHECK_FALSE(mqchat::is_valid_utf8("caf\xE9")); }
}

TEST_CASE("message text must be non-empty UTF-8 within the size limit", "[names][text]") {
  using mqchat::kDefaultMaxTextBytes;
  CHECK(kDefaultMaxTextBytes == 65536);

  SECTION("ordinary text is fine") { CHECK_NOTHROW(mqchat::validate_text("hello")); }
  SECTION("exactly 64 KiB is fine") {
    CHECK_NOTHROW(mqchat::validate_text(std::string(64 * 1024, 'a')));
  }
  SECTION("64 KiB of multibyte characters is fine") {
    std::string text;
    while (text.size() + 4 <= 64 * 1024) text += "\xF0\x9F\x98\x80";
    CHECK(text.size() == 64 * 1024);
    CHECK_NOTHROW(mqchat::validate_text(text));
  }
  SECTION("64 KiB + 1 is refused") {
    CHECK(code_of([] { mqchat::validate_text(std::string(64 * 1024 + 1, 'a')); }) ==
          ExitCode::usage);
  }
  SECTION("empty is refused") {
    CHECK(code_of([] { mqchat::validate_text(""); }) == ExitCode::usage);
  }
  SECTION("invalid UTF-8 is refused") {
    CHECK(code_of([] { mqchat::validate_text("caf\xE9"); }) == ExitCode::usage);
  }
  SECTION("a smaller configured limit applies") {
    CHECK_NOTHROW(mqchat::validate_text("abcd", 4));
    CHECK(code_of([] { mqchat::validate_text("abcde", 4); }) == ExitCode::usage);
  }
  SECTION("a larger configured limit applies") {
    CHECK_NOTHROW(mqchat::validate_text(std::string(64 * 1024 + 1, 'a'), 128 * 1024));
  }
  SECTION("the size error mentions the sizes") {
    CHECK_THROWS_WITH(mqchat::validate_text("abcde", 4),
                      Catch::Contains("5") && Catch::Contains("4"));
  }
}

TEST_CASE("phone numbers are normalised to digits with an optional leading '+'", "[names][phone]") {
  SECTION("digits only") { CHECK(mqchat::normalize_phone("5551234") == "5551234"); }
  SECTION("international with spaces") {
    CHECK(mqchat::normalize_phone("+49 170 1234567") == "+491701234567");
  }
  SECTION("dashes, dots and parentheses") {
    CHECK(mqchat::normalize_phone("(555) 123-45.67") == "5551234567");
  }
  SECTION("'+' after an opening parenthesis") {
    CHECK(mqchat::normalize_phone("(+1) 555-0100") == "+15550100");
  }
  SECTION("exactly 3 digits") { CHECK(mqchat::normalize_phone("112") == "112"); }
  SECTION("exactly 20 digits") {
    CHECK(mqchat::normalize_phone("+" + std::string(20, '9')) == "+" + std::string(20, '9'));
  }
  SECTION("normalising twice changes nothing") {
    auto once = mqchat::normalize_phone("+44 (20) 7946-0000");
    CHECK(mqchat::normalize_phone(once) == once);
  }
}

TEST_CASE("a malformed phone number is refused with a usage error", "[names][phone]") {
  const std::string bad_numbers[] = {"",
                                     "   ",
                                     "12",
                                     "+12",
                                     "+",
                                     std::string(21, '1'),
                                     "555-CALL",
                                     "12+34",
                                     "++123",
                                     "555 1234 x5",
                                     "\xD9\xA1\xD9\xA2\xD9\xA3"};  // Arabic-Indic digits
  for (const auto& phone : bad_numbers) {
    INFO("phone: '" << phone << "'");
    CHECK(code_of([&] { mqchat::normalize_phone(phone); }) == ExitCode::usage);
  }
}
