#include "core/wire/clock.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

using mqchat::SystemTime;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

SystemTime at_ms(long long ms) { return SystemTime(milliseconds(ms)); }

// 2026-11-25T13:32:07Z.
constexpr long long kSample = 1795613527;

long long ms_since_epoch(SystemTime t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

// Parses TEXT and returns milliseconds since the epoch; fails the test when it does not parse.
long long parsed_ms(const std::string& text) {
  INFO("text: " << text);
  auto t = mqchat::parse_rfc3339(text);
  REQUIRE(t.has_value());
  return ms_since_epoch(*t);
}

}  // namespace

TEST_CASE("times are formatted as RFC 3339 UTC with milliseconds", "[clock]") {
  SECTION("the epoch") { CHECK(mqchat::to_rfc3339(at_ms(0)) == "1970-01-01T00:00:00.000Z"); }
  SECTION("a recent time") {
    CHECK(mqchat::to_rfc3339(at_ms(kSample * 1000 + 123)) == "2026-11-25T13:32:07.123Z");
  }
  SECTION("milliseconds are zero-padded") {
    CHECK(mqchat::to_rfc3339(at_ms(kSample * 1000 + 5)) == "2026-11-25T13:32:07.005Z");
  }
  SECTION("sub-millisecond parts are dropped") {
    auto t = at_ms(kSample * 1000 + 123) + std::chrono::microseconds(999);
    CHECK(mqchat::to_rfc3339(t) == "2026-11-25T13:32:07.123Z");
  }
  SECTION("a leap day") {
    CHECK(mqchat::to_rfc3339(at_ms(951782400LL * 1000)) == "2000-02-29T00:00:00.000Z");
  }
  SECTION("a time before the epoch") {
    CHECK(mqchat::to_rfc3339(at_ms(-1)) == "1969-12-31T23:59:59.999Z");
    CHECK(mqchat::to_rfc3339(at_ms(-14182940LL * 1000)) == "1969-07-20T20:17:40.000Z");
  }
}

TEST_CASE("the current time is formatted as RFC 3339 UTC", "[clock]") {
  auto before = std::chrono::system_clock::now();
  auto text = mqchat::now_rfc3339();
  auto after = std::chrono::system_clock::now();
  CHECK(text.size() == 24);
  CHECK(text.back() == 'Z');
  auto t = mqchat::parse_rfc3339(text);
  REQUIRE(t.has_value());
  CHECK(*t >= before - milliseconds(1));
  CHECK(*t <= after);
}

TEST_CASE("RFC 3339 times in UTC are parsed", "[clock]") {
  SECTION("with 'Z'") { CHECK(parsed_ms("2026-11-25T13:32:07Z") == kSample * 1000); }
  SECTION("with lowercase 'z' and 't'") {
    CHECK(parsed_ms("2026-11-25t13:32:07z") == kSample * 1000);
  }
  SECTION("with a space for 'T'") { CHECK(parsed_ms("2026-11-25 13:32:07Z") == kSample * 1000); }
  SECTION("the epoch") { CHECK(parsed_ms("1970-01-01T00:00:00Z") == 0); }
  SECTION("a leap day") { CHECK(parsed_ms("2000-02-29T00:00:00Z") == 951782400LL * 1000); }
  SECTION("before the epoch") { CHECK(parsed_ms("1969-07-20T20:17:40Z") == -14182940LL * 1000); }
  SECTION("a leap second") {
    CHECK(parsed_ms("2016-12-31T23:59:60Z") == parsed_ms("2017-01-01T00:00:00Z"));
  }
}

TEST_CASE("RFC 3339 fractions of a second are parsed", "[clock]") {
  SECTION("one digit") { CHECK(parsed_ms("2026-11-25T13:32:07.1Z") == kSample * 1000 + 100); }
  SECTION("two digits") { CHECK(parsed_ms("2026-11-25T13:32:07.12Z") == kSample * 1000 + 120); }
  SECTION("three digits") { CHECK(parsed_ms("2026-11-25T13:32:07.123Z") == kSample * 1000 + 123); }
  SECTION("more digits are truncated to milliseconds") {
    CHECK(parsed_ms("2026-11-25T13:32:07.123999999Z") == kSample * 1000 + 123);
  }
  SECTION("zeros") { CHECK(parsed_ms("2026-11-25T13:32:07.000Z") == kSample * 1000); }
  SECTION("with an offset") {
    CHECK(parsed_ms("2026-11-25T14:32:07.5+01:00") == kSample * 1000 + 500);
  }
}

TEST_CASE("RFC 3339 numeric offsets are applied", "[clock]") {
  SECTION("east of UTC") { CHECK(parsed_ms("2026-11-25T14:32:07+01:00") == kSample * 1000); }
  SECTION("west of UTC") { CHECK(parsed_ms("2026-11-25T08:32:07-05:00") == kSample * 1000); }
  SECTION("half-hour offsets") {
    CHECK(parsed_ms("2026-11-25T19:02:07+05:30") == kSample * 1000);
    CHECK(parsed_ms("2026-11-25T10:02:07-03:30") == kSample * 1000);
  }
  SECTION("offsets that cross midnight") {
    CHECK(parsed_ms("2026-11-26T02:32:07+13:00") == kSample * 1000);
    CHECK(parsed_ms("2026-11-25T01:32:07-12:00") == kSample * 1000);
  }
  SECTION("+00:00 and -00:00 are UTC") {
    CHECK(parsed_ms("2026-11-25T13:32:07+00:00") == kSample * 1000);
    CHECK(parsed_ms("2026-11-25T13:32:07-00:00") == kSample * 1000);
  }
}

TEST_CASE("malformed RFC 3339 times are refused", "[clock]") {
  auto refused = [](const std::string& text) {
    INFO("text: '" << text << "'");
    CHECK_FALSE(mqchat::parse_rfc3339(text).has_value());
  };
  SECTION("empty") { refused(""); }
  SECTION("not a time") {
    refused("now");
    refused("1795613527");
  }
  SECTION("a date only") { refused("2026-11-25"); }
  SECTION("no zone") {
    refused("2026-11-25T13:32:07");
    refused("2026-11-25T13:32:07.123");
  }
  SECTION("no seconds") { refused("2026-11-25T13:32Z"); }
  SECTION("a two-digit year") { refused("26-11-25T13:32:07Z"); }
  SECTION("one-digit fields") {
    refused("2026-1-25T13:32:07Z");
    refused("2026-11-25T3:32:07Z");
  }
  SECTION("wrong separators") {
    refused("2026/11/25T13:32:07Z");
    refused("2026-11-25X13:32:07Z");
    refused("2026-11-25T13.32.07Z");
  }
  SECTION("a dot without digits") { refused("2026-11-25T13:32:07.Z"); }
  SECTION("a comma for the fraction") { refused("2026-11-25T13:32:07,123Z"); }
  SECTION("an offset without a colon") { refused("2026-11-25T13:32:07+0100"); }
  SECTION("an offset of hours only") { refused("2026-11-25T13:32:07+01"); }
  SECTION("a zone name") { refused("2026-11-25T13:32:07 UTC"); }
  SECTION("trailing characters") {
    refused("2026-11-25T13:32:07Zx");
    refused("2026-11-25T13:32:07Z ");
    refused("2026-11-25T13:32:07+01:00:00");
  }
  SECTION("leading whitespace") { refused(" 2026-11-25T13:32:07Z"); }
  SECTION("month out of range") {
    refused("2026-00-25T13:32:07Z");
    refused("2026-13-25T13:32:07Z");
  }
  SECTION("day out of range") {
    refused("2026-11-00T13:32:07Z");
    refused("2026-11-32T13:32:07Z");
  }
  SECTION("time fields out of range") {
    refused("2026-11-25T24:00:00Z");
    refused("2026-11-25T13:60:07Z");
    refused("2026-11-25T13:32:61Z");
  }
  SECTION("a sign in a field") { refused("2026-+1-25T13:32:07Z"); }
}

TEST_CASE("a day past the end of its month is refused", "[clock]") {
  auto refused = [](const std::string& text) {
    INFO("text: '" << text << "'");
    CHECK_FALSE(mqchat::parse_rfc3339(text).has_value());
  };
  SECTION("30 February") { refused("2026-02-30T00:00:00Z"); }
  SECTION("29 February outside a leap year") {
    refused("2026-02-29T00:00:00Z");
    refused("1900-02-29T00:00:00Z");
  }
  SECTION("31 April, June, September, November") {
    refused("2026-04-31T00:00:00Z");
    refused("2026-06-31T00:00:00Z");
    refused("2026-09-31T00:00:00Z");
    refused("2026-11-31T00:00:00Z");
  }
  SECTION("29 February in a leap year is fine") {
    CHECK(mqchat::parse_rfc3339("2024-02-29T00:00:00Z").has_value());
    CHECK(mqchat::parse_rfc3339("2000-02-29T00:00:00Z").has_value());
  }
}

TEST_CASE("a valid time the clock cannot hold is refused, not wrapped", "[clock]") {
  // system_clock may count nanoseconds in 64 bits (about 1678 to 2261); a syntactically valid
  // time outside that range must come back either exact or not at all.
  for (const char* text : {"9999-12-31T23:59:59.000Z", "2300-01-01T00:00:00.000Z",
                           "0001-01-01T00:00:00.000Z", "1600-01-01T00:00:00.000Z"}) {
    INFO("text: " << text);
    auto t = mqchat::parse_rfc3339(text);
    if (t) CHECK(mqchat::to_rfc3339(*t) == text);
  }
}

TEST_CASE("an offset out of range is refused", "[clock]") {
  // RFC 3339 section 5.6: time-numoffset is time-hour (00-23) ":" time-minute (00-59).
  CHECK_FALSE(mqchat::parse_rfc3339("2026-11-25T13:32:07+24:00").has_value());
  CHECK_FALSE(mqchat::parse_rfc3339("2026-11-25T13:32:07+99:00").has_value());
  CHECK_FALSE(mqchat::parse_rfc3339("2026-11-25T13:32:07-01:60").has_value());
  CHECK(mqchat::parse_rfc3339("2026-11-25T13:32:07+23:59").has_value());
}

TEST_CASE("formatting and parsing round-trip", "[clock]") {
  SECTION("text to time to text, at millisecond precision in UTC") {
    for (const char* text :
         {"2026-11-25T13:32:07.123Z", "1970-01-01T00:00:00.000Z", "1999-12-31T23:59:59.999Z",
          "2000-02-29T12:00:00.001Z", "1969-12-31T23:59:59.999Z", "2038-01-19T03:14:08.000Z"}) {
      INFO(text);
      auto t = mqchat::parse_rfc3339(text);
      REQUIRE(t.has_value());
      CHECK(mqchat::to_rfc3339(*t) == text);
    }
  }
  SECTION("an offset time comes back in UTC") {
    auto t = mqchat::parse_rfc3339("2026-11-25T08:32:07.250-05:00");
    REQUIRE(t.has_value());
    CHECK(mqchat::to_rfc3339(*t) == "2026-11-25T13:32:07.250Z");
  }
  SECTION("time to text to time, truncated to milliseconds") {
    auto now = std::chrono::system_clock::now();
    auto t = mqchat::parse_rfc3339(mqchat::to_rfc3339(now));
    REQUIRE(t.has_value());
    CHECK(*t == std::chrono::time_point_cast<milliseconds>(now));
  }
  SECTION("over many instants") {
    for (long long ms = -86400000LL * 400; ms < 86400000LL * 365 * 80;
         ms += 86400000LL * 37 + 4321) {
      auto t = at_ms(ms);
      auto back = mqchat::parse_rfc3339(mqchat::to_rfc3339(t));
      REQUIRE(back.has_value());
      REQUIRE(*back == t);
    }
  }
}

TEST_CASE("relative ages read as a person would say them", "[clock]") {
  auto now = at_ms(kSample * 1000);
  auto age = [&](std::chrono::system_clock::duration d) {
    return mqchat::relative_age(now - d, now);
  };
  SECTION("under a minute is just now") {
    CHECK(age(seconds(0)) == "just now");
    CHECK(age(seconds(59)) == "just now");
  }
  SECTION("a time in the future is just now") { CHECK(age(-minutes(5)) == "just now"); }
  SECTION("minutes") {
    CHECK(age(seconds(60)) == "1 min ago");
    CHECK(age(minutes(5) + seconds(30)) == "5 min ago");
    CHECK(age(seconds(3599)) == "59 min ago");
  }
  SECTION("hours") {
    CHECK(age(hours(1)) == "1 h ago");
    CHECK(age(hours(3) + minutes(59)) == "3 h ago");
    CHECK(age(seconds(86399)) == "23 h ago");
  }
  SECTION("days, singular and plural") {
    CHECK(age(hours(24)) == "1 day ago");
    CHECK(age(hours(47)) == "1 day ago");
    CHECK(age(hours(48)) == "2 days ago");
    CHECK(age(hours(24 * 400)) == "400 days ago");
  }
}
