#include "core/wire/envelope.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

using mqchat::DecodeError;
using mqchat::Envelope;
using mqchat::MessageType;
using nlohmann::json;

namespace {

Envelope dm() {
  Envelope e;
  e.id = "0190a1b2c3d4e5f60718293a4b5c6d7e";
  e.type = MessageType::dm;
  e.from = "alice";
  e.to = "bob";
  e.text = "hello, bob";
  e.sent_at = "2026-11-25T13:32:07.123Z";
  return e;
}

Envelope to_group(MessageType type) {
  Envelope e;
  e.id = "id-2";
  e.type = type;
  e.from = "carol";
  e.group = "team.1";
  e.text = "carol has left team.1";
  e.sent_at = "2026-01-02T03:04:05Z";
  return e;
}

void check_same(const Envelope& a, const Envelope& b) {
  CHECK(a.id == b.id);
  CHECK(a.type == b.type);
  CHECK(a.from == b.from);
  CHECK(a.to == b.to);
  CHECK(a.group == b.group);
  CHECK(a.text == b.text);
  CHECK(a.sent_at == b.sent_at);
}

// A valid dm payload as JSON, for tests that break one field at a time.
json dm_json() { return json::parse(mqchat::encode(dm())); }
json group_json() { return json::parse(mqchat::encode(to_group(MessageType::group))); }

}  // namespace

TEST_CASE("message types convert to and from their wire names", "[envelope]") {
  for (auto type : {MessageType::dm, MessageType::group, MessageType::join, MessageType::leave}) {
    auto name = mqchat::to_string(type);
    INFO(name);
    REQUIRE(mqchat::message_type_from(name).has_value());
    CHECK(*mqchat::message_type_from(name) == type);
  }
  CHECK(mqchat::to_string(MessageType::dm) == "dm");
  CHECK(mqchat::to_string(MessageType::group) == "group");
  CHECK(mqchat::to_string(MessageType::join) == "join");
  CHECK(mqchat::to_string(MessageType::leave) == "leave");
  CHECK_FALSE(mqchat::message_type_from("DM").has_value());
  CHECK_FALSE(mqchat::message_type_from("").has_value());
  CHECK_FALSE(mqchat::message_type_from("chat").has_value());
}

TEST_CASE("an envelope survives encoding and decoding", "[envelope]") {
  SECTION("a direct message") {
    auto e = dm();
    check_same(mqchat::decode_envelope(mqchat::encode(e)), e);
  }
  SECTION("a group message") {
    auto e = to_group(MessageType::group);
    check_same(mqchat::decode_envelope(mqchat::encode(e)), e);
  }
  SECTION("a join notice") {
    auto e = to_group(MessageType::join);
    check_same(mqchat::decode_envelope(mqchat::encode(e)), e);
  }
  SECTION("a leave notice") {
    auto e = to_group(MessageType::leave);
    check_same(mqchat::decode_envelope(mqchat::encode(e)), e);
  }
  SECTION("text with quotes, newlines, control bytes and non-ASCII") {
    auto e = dm();
    e.text = "line 1\nline \"2\"\t\\ \x01 caf\xC3\xA9 \xF0\x9F\x98\x80";
    check_same(mqchat::decode_envelope(mqchat::encode(e)), e);
  }
  SECTION("64 KiB of text") {
    auto e = dm();
    e.text = std::string(64 * 1024, 'x');
    check_same(mqchat::decode_envelope(mqchat::encode(e)), e);
  }
}

TEST_CASE("an encoded envelope carries the fields of the wire format", "[envelope]") {
  SECTION("a direct message has 'to' and no 'group'") {
    auto j = json::parse(mqchat::encode(dm()));
    REQUIRE(j.is_object());
    CHECK(j.at("id") == "0190a1b2c3d4e5f60718293a4b5c6d7e");
    CHECK(j.at("type") == "dm");
    CHECK(j.at("from") == "alice");
    CHECK(j.at("to") == "bob");
    CHECK(j.at("text") == "hello, bob");
    CHECK(j.at("sent_at") == "2026-11-25T13:32:07.123Z");
    CHECK_FALSE(j.contains("group"));
  }
  SECTION("a group message has 'group' and no 'to'") {
    auto j = json::parse(mqchat::encode(to_group(MessageType::group)));
    CHECK(j.at("type") == "group");
    CHECK(j.at("group") == "team.1");
    CHECK_FALSE(j.contains("to"));
  }
  SECTION("notices are typed join and leave") {
    CHECK(json::parse(mqchat::encode(to_group(MessageType::join))).at("type") == "join");
    CHECK(json::parse(mqchat::encode(to_group(MessageType::leave))).at("type") == "leave");
  }
}

TEST_CASE("decoding accepts envelopes written by other clients", "[envelope]") {
  SECTION("unknown extra fields are ignored") {
    auto j = dm_json();
    j["v"] = 7;
    j["priority"] = "high";
    j["attachments"] = json::array({1, 2, 3});
    j["meta"] = {{"client", "other"}};
    check_same(mqchat::decode_envelope(j.dump()), dm());
  }
  SECTION("fields in another order, with whitespace") {
    std::string payload =
        "{ \"sent_at\": \"2026-11-25T13:32:07.123Z\",\n  \"text\": \"hello, bob\", \"to\": \"bob\","
        " \"from\": \"alice\", \"type\": \"dm\", \"id\": \"0190a1b2c3d4e5f60718293a4b5c6d7e\" }";
    check_same(mqchat::decode_envelope(payload), dm());
  }
  SECTION("a sent_at with an offset") {
    auto j = dm_json();
    j["sent_at"] = "2026-11-25T14:32:07+01:00";
    CHECK(mqchat::decode_envelope(j.dump()).sent_at == "2026-11-25T14:32:07+01:00");
  }
  SECTION("a group message that also names a recipient") {
    auto j = group_json();
    j["to"] = "someone";
    auto e = mqchat::decode_envelope(j.dump());
    CHECK(e.type == MessageType::group);
    CHECK(e.group == "team.1");
  }
}

TEST_CASE("decoding refuses a payload that is not a JSON object in UTF-8", "[envelope]") {
  SECTION("empty") { CHECK_THROWS_AS(mqchat::decode_envelope(""), DecodeError); }
  SECTION("plain text") { CHECK_THROWS_AS(mqchat::decode_envelope("hello bob"), DecodeError); }
  SECTION("truncated JSON") {
    auto payload = mqchat::encode(dm());
    payload.pop_back();
    CHECK_THROWS_AS(mqchat::decode_envelope(payload), DecodeError);
  }
  SECTION("trailing garbage") {
    CHECK_THROWS_AS(mqchat::decode_envelope(mqchat::encode(dm()) + "x"), DecodeError);
  }
  SECTION("an array") {
    CHECK_THROWS_AS(mqchat::decode_envelope(json::array({dm_json()}).dump()), DecodeError);
  }
  SECTION("a string") { CHECK_THROWS_AS(mqchat::decode_envelope("\"dm\""), DecodeError); }
  SECTION("a number") { CHECK_THROWS_AS(mqchat::decode_envelope("42"), DecodeError); }
  SECTION("null") { CHECK_THROWS_AS(mqchat::decode_envelope("null"), DecodeError); }
  SECTION("invalid UTF-8 inside a string") {
    auto payload = mqchat::encode(dm());
    auto at = payload.find("hello");
    REQUIRE(at != std::string::npos);
    payload.replace(at, 5, "caf\xE9!");
    CHECK_THROWS_AS(mqchat::decode_envelope(payload), DecodeError);
  }
  SECTION("an overlong encoding inside a string") {
    auto payload = mqchat::encode(dm());
    auto at = payload.find("hello");
    payload.replace(at, 1, "\xC0\xAF");
    CHECK_THROWS_AS(mqchat::decode_envelope(payload), DecodeError);
  }
  SECTION("more than 1 MiB") {
    auto e = dm();
    e.text = std::string(1024 * 1024 + 1, 'x');
    CHECK_THROWS_AS(mqchat::decode_envelope(mqchat::encode(e)), DecodeError);
  }
}

TEST_CASE("decoding refuses an envelope with a missing or mistyped field", "[envelope]") {
  for (const char* key : {"id", "type", "from", "text", "sent_at", "to"}) {
    DYNAMIC_SECTION("dm without '" << key << "'") {
      auto j = dm_json();
      j.erase(key);
      CHECK_THROWS_AS(mqchat::decode_envelope(j.dump()), DecodeError);
    }
    DYNAMIC_SECTION("dm with a number for '" << key << "'") {
      auto j = dm_json();
      j[key] = 42;
      CHECK_THROWS_AS(mqchat::decode_envelope(j.dump()), DecodeError);
    }
    DYNAMIC_SECTION("dm with null for '" << key << "'") {
      auto j = dm_json();
      j[key] = nullptr;
      CHECK_THROWS_AS(mqchat::decode_envelope(j.dump()), DecodeError);
    }
    DYNAMIC_SECTION("dm with an array for '" << key << "'") {
      auto j = dm_json();
      j[key] = json::array({"alice"});
      CHECK_THROWS_AS(mqchat::decode_envelope(j.dump()), DecodeError);
    }
  }
  SECTION("a group message without 'group'") {
    auto j = group_json();
    j.erase("group");
    CHECK_THROWS_AS(mqchat::decode_envelope(j.dump()), DecodeError);
  }
  SECTION("a group message with a boolean 'group'") {
    auto j = group_json();
    j["group"] = true;
    CHECK_THROWS_AS(mqchat::decode_envelope(j.dump()), DecodeError);
  }
  SECTION("a join notice with only 'to'") {
    auto j = json::parse(mqchat::encode(to_group(MessageType::join)));
    j.erase("group");
    j["to"] = "bob";
    CHECK_THROWS_AS(mqchat::decode_envelope(j.dump()), DecodeError);
  }
  SECTION("an empty id") {
    auto j = dm_json();
    j["id"] = "";
    CHECK_THROWS_AS(mqchat::decode_envelope(j.dump()), DecodeError);
  }
  SECTION("an id longer than 128 characters") {
    auto j = dm_json();
    j["id"] = std::string(129, 'a');
    CHECK_THROWS_AS(mqchat::decode_envelope(j.dump()), DecodeError);
    j["id"] = std::string(128, 'a');
    CHECK_NOTHROW(mqchat::decode_envelope(j.dump()));
  }
}

TEST_CASE("decoding names the missing field in its error", "[envelope]") {
  auto j = dm_json();
  j.erase("sent_at");
  CHECK_THROWS_WITH(mqchat::decode_envelope(j.dump()), Catch::Contains("sent_at"));
}

TEST_CASE("decoding refuses an envelope with an unknown type", "[envelope]") {
  for (const char* type : {"", "DM", "chat", "broadcast", "join "}) {
    DYNAMIC_SECTION("type '" << type << "'") {
      auto j = dm_json();
      j["type"] = type;
      CHECK_THROWS_AS(mqchat::decode_envelope(j.dump()), DecodeError);
    }
  }
}

TEST_CASE("decoding refuses an envelope with a bad name", "[envelope]") {
  for (const char* name : {"", "a/b", "a+", "#", "al ice", "_x", "j\xC3\xBCrgen",
                           "123456789012345678901234567890123"}) {
    DYNAMIC_SECTION("from '" << name << "'") {
      auto j = dm_json();
      j["from"] = name;
      CHECK_THROWS_AS(mqchat::decode_envelope(j.dump()), DecodeError);
    }
    DYNAMIC_SECTION("to '" << name << "'") {
      auto j = dm_json();
      j["to"] = name;
      CHECK_THROWS_AS(mqchat::decode_envelope(j.dump()), DecodeError);
    }
    DYNAMIC_SECTION("group '" << name << "'") {
      auto j = group_json();
      j["group"] = name;
      CHECK_THROWS_AS(mqchat::decode_envelope(j.dump()), DecodeError);
    }
  }
}

TEST_CASE("decoding refuses an envelope whose sent_at is not an RFC 3339 time", "[envelope]") {
  for (const char* sent_at :
       {"", "yesterday", "1732541527", "2026-11-25", "2026-11-25T13:32:07", "2026-13-25T13:32:07Z",
        "2026-11-25T25:00:00Z", "25/11/2026 13:32:07"}) {
    DYNAMIC_SECTION("sent_at '" << sent_at << "'") {
      auto j = dm_json();
      j["sent_at"] = sent_at;
      CHECK_THROWS_AS(mqchat::decode_envelope(j.dump()), DecodeError);
    }
  }
  SECTION("a number") {
    auto j = dm_json();
    j["sent_at"] = 1732541527;
    CHECK_THROWS_AS(mqchat::decode_envelope(j.dump()), DecodeError);
  }
}
