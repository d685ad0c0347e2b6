#include "core/wire/records.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "core/wire/envelope.hpp"

using mqchat::DecodeError;
using mqchat::MemberRecord;
using mqchat::PresenceRecord;
using mqchat::UserRecord;
using nlohmann::json;

namespace {

constexpr const char* kTime = "2026-11-25T13:32:07.123Z";

UserRecord alice(const std::string& phone = "+491701234567") {
  return UserRecord{"alice", phone, kTime};
}

}  // namespace

TEST_CASE("a user record survives encoding and decoding", "[records]") {
  SECTION("with a phone number") {
    auto r = mqchat::decode_user(mqchat::encode(alice()));
    CHECK(r.name == "alice");
    CHECK(r.phone == "+491701234567");
    CHECK(r.registered_at == kTime);
  }
  SECTION("without a phone number") {
    auto r = mqchat::decode_user(mqchat::encode(alice("")));
    CHECK(r.name == "alice");
    CHECK(r.phone.empty());
    CHECK(r.registered_at == kTime);
  }
}

TEST_CASE("an encoded user record has the fields of the wire format", "[records]") {
  SECTION("with a phone number") {
    auto j = json::parse(mqchat::encode(alice()));
    CHECK(j.at("name") == "alice");
    CHECK(j.at("phone") == "+491701234567");
    CHECK(j.at("registered_at") == kTime);
  }
  SECTION("without a phone number, 'phone' is left out") {
    auto j = json::parse(mqchat::encode(alice("")));
    CHECK_FALSE(j.contains("phone"));
  }
}

TEST_CASE("a user record from another client is accepted", "[records]") {
  SECTION("unknown extra fields are ignored") {
    auto j = json::parse(mqchat::encode(alice()));
    j["avatar"] = "https://example.invalid/a.png";
    j["v"] = 2;
    auto r = mqchat::decode_user(j.dump());
    CHECK(r.name == "alice");
    CHECK(r.phone == "+491701234567");
  }
  SECTION("a null phone means none") {
    auto r = mqchat::decode_user(
        R"({"name":"alice","phone":null,"registered_at":"2026-11-25T13:32:07Z"})");
    CHECK(r.phone.empty());
  }
  SECTION("registered_at with an offset") {
    auto r = mqchat::decode_user(R"({"name":"alice","registered_at":"2026-11-25T13:32:07-05:00"})");
    CHECK(r.registered_at == "2026-11-25T13:32:07-05:00");
  }
}

TEST_CASE("a malformed user record is refused", "[records]") {
  auto refused = [](const std::string& payload) {
    INFO("payload: " << payload);
    CHECK_THROWS_AS(mqchat::decode_user(payload), DecodeError);
  };
  SECTION("not JSON") { refused("alice"); }
  SECTION("empty") { refused(""); }
  SECTION("not an object") {
    refused("[]");
    refused("\"alice\"");
    refused("null");
  }
  SECTION("not UTF-8") {
    refused("{\"name\":\"alice\",\"phone\":\"\xFF\",\"registered_at\":\"x\"}");
  }
  SECTION("missing name") { refused(R"({"registered_at":"2026-11-25T13:32:07Z"})"); }
  SECTION("null name") { refused(R"({"name":null,"registered_at":"2026-11-25T13:32:07Z"})"); }
  SECTION("numeric name") { refused(R"({"name":7,"registered_at":"2026-11-25T13:32:07Z"})"); }
  SECTION("bad name") {
    refused(R"({"name":"a/b","registered_at":"2026-11-25T13:32:07Z"})");
    refused(R"({"name":"+","registered_at":"2026-11-25T13:32:07Z"})");
    refused(R"({"name":"","registered_at":"2026-11-25T13:32:07Z"})");
  }
  SECTION("numeric phone") {
    refused(R"({"name":"alice","phone":491701234567,"registered_at":"2026-11-25T13:32:07Z"})");
  }
  SECTION("missing registered_at") { refused(R"({"name":"alice"})"); }
  SECTION("bad registered_at") {
    refused(R"({"name":"alice","registered_at":"last tuesday"})");
    refused(R"({"name":"alice","registered_at":1732541527})");
  }
  SECTION("larger than 64 KiB") {
    auto r = alice();
    r.phone = std::string(64 * 1024, '1');
    refused(mqchat::encode(r));
  }
}

TEST_CASE("a presence record survives encoding and decoding", "[records]") {
  SECTION("online") {
    auto r = mqchat::decode_presence(mqchat::encode(PresenceRecord{true, kTime}));
    CHECK(r.online);
    CHECK(r.since == kTime);
  }
  SECTION("offline") {
    auto r = mqchat::decode_presence(mqchat::encode(PresenceRecord{false, kTime}));
    CHECK_FALSE(r.online);
    CHECK(r.since == kTime);
  }
}

TEST_CASE("an encoded presence record says online or offline", "[records]") {
  CHECK(json::parse(mqchat::encode(PresenceRecord{true, kTime})).at("status") == "online");
  auto j = json::parse(mqchat::encode(PresenceRecord{false, kTime}));
  CHECK(j.at("status") == "offline");
  CHECK(j.at("since") == kTime);
}

TEST_CASE("a malformed presence record is refused", "[records]") {
  auto refused = [](const std::string& payload) {
    INFO("payload: " << payload);
    CHECK_THROWS_AS(mqchat::decode_presence(payload), DecodeError);
  };
  SECTION("not JSON") { refused("online"); }
  SECTION("empty, as when a retained record is cleared") { refused(""); }
  SECTION("not an object") { refused(R"(["online"])"); }
  SECTION("missing status") { refused(R"({"since":"2026-11-25T13:32:07Z"})"); }
  SECTION("unknown status") {
    refused(R"({"status":"away","since":"2026-11-25T13:32:07Z"})");
    refused(R"({"status":"ONLINE","since":"2026-11-25T13:32:07Z"})");
  }
  SECTION("boolean status") { refused(R"({"status":true,"since":"2026-11-25T13:32:07Z"})"); }
  SECTION("missing since") { refused(R"({"status":"online"})"); }
  SECTION("bad since") { refused(R"({"status":"online","since":"2026-02-30 25:00"})"); }
}

TEST_CASE("a presence record with extra fields is accepted", "[records]") {
  auto r = mqchat::decode_presence(
      R"({"status":"offline","since":"2026-11-25T13:32:07Z","client":"x","reason":"will"})");
  CHECK_FALSE(r.online);
}

TEST_CASE("a member record survives encoding and decoding", "[records]") {
  auto payload = mqchat::encode(MemberRecord{kTime});
  CHECK(json::parse(payload).at("joined_at") == kTime);
  CHECK(mqchat::decode_member(payload).joined_at == kTime);
}

TEST_CASE("a member record with extra fields is accepted", "[records]") {
  CHECK(mqchat::decode_member(R"({"joined_at":"2026-11-25T13:32:07Z","role":"admin"})").joined_at ==
        "2026-11-25T13:32:07Z");
}

TEST_CASE("a malformed member record is refused", "[records]") {
  auto refused = [](const std::string& payload) {
    INFO("payload: " << payload);
    CHECK_THROWS_AS(mqchat::decode_member(payload), DecodeError);
  };
  SECTION("empty, as when a membership is removed") { refused(""); }
  SECTION("not JSON") { refused("{joined_at}"); }
  SECTION("not an object") { refused("\"2026-11-25T13:32:07Z\""); }
  SECTION("not UTF-8") { refused("{\"joined_at\":\"2026-11-25T13:32:07Z\",\"x\":\"\xC0\x80\"}"); }
  SECTION("missing joined_at") { refused("{}"); }
  SECTION("null joined_at") { refused(R"({"joined_at":null})"); }
  SECTION("bad joined_at") {
    refused(R"({"joined_at":""})");
    refused(R"({"joined_at":"2026-11-25"})");
    refused(R"({"joined_at":0})");
  }
}
