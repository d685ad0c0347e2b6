#include "core/crypto/sealed_envelope.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "core/crypto/crypto.hpp"

using mqchat::BoxKeys;
using mqchat::DecodeError;
using mqchat::Envelope;
using mqchat::Identity;
using mqchat::MessageType;
using nlohmann::json;
namespace crypto = mqchat::crypto;

namespace {

constexpr const char* kTime = "2026-11-25T13:32:07.123Z";

Identity from_seed(char fill) {
  auto keys = crypto::signing_keys_from_seed(std::string(32, fill));
  return Identity{keys.public_key, keys.secret_key};
}

Envelope dm(const std::string& text) {
  return Envelope{
      "0123456789abcdef0123456789abcdef", MessageType::dm, "alice", "bob", {}, text, kTime};
}

Envelope group_message(const std::string& text) {
  return Envelope{
      "fedcba9876543210fedcba9876543210", MessageType::group, "alice", {}, "devs", text, kTime};
}

json changed(std::string payload, const char* field, const std::string& value) {
  auto j = json::parse(payload);
  j[field] = value;
  return j;
}

// FIELD of the sealed payload J with one bit of its decoded bytes flipped.
json flipped(const json& j, const char* field, std::size_t at = 0) {
  auto bytes = *crypto::from_base64(j.at(field).get<std::string>());
  bytes[at] ^= 1;
  auto out = j;
  out[field] = crypto::to_base64(bytes);
  return out;
}

}  // namespace

// A fixed key pair, nonce and envelope give one payload: the wire format of v2 must not drift,
// or mqchat versions stop reading each other.
TEST_CASE("a sealed direct message has a fixed form for fixed keys and nonce", "[sealed]") {
  auto alice = from_seed('a');
  auto bob = from_seed('b');
  BoxKeys keys(alice);
  auto payload = mqchat::seal_direct(dm("hi"), keys, bob.public_key, std::string(24, 'n'));
  auto j = json::parse(payload);
  CHECK(j.at("v") == 2);
  CHECK(j.at("enc") == "x25519-xsalsa20poly1305");
  CHECK(j.at("id") == "0123456789abcdef0123456789abcdef");
  CHECK(j.at("sender_key") == crypto::to_base64(alice.public_key));
  CHECK(j.at("nonce") == crypto::to_base64(std::string(24, 'n')));
  CHECK(j.size() == 6);
  // Recorded from this implementation (libsodium 1.0.18); it must keep opening and keep its form.
  CHECK(j.at("ct") ==
        "ziHfnvZog8vKCU7IVG6EjPBw4KzvHYWPjvXllSC7kTz1eLX0H5QVuyqDrs7oJcAZf3HXMVadrxvH9MX5oJf1S03f3S"
        "1VChwRhwLMHJTe8O4/1Fm/3zlmhoXFaMm3wDPMd/h47zQglJa4hxA0/utIjdo3WgqY2asGBd77BmWPfhUq2CoKqKSx"
        "vWdI7Of2uzcUQKgkdPZu");
  BoxKeys for_bob(bob);
  auto opened = mqchat::open_direct(j, for_bob);
  REQUIRE(opened.message);
  CHECK(opened.message->text == "hi");
}

TEST_CASE("a sealed direct message opens for the recipient only", "[sealed]") {
  auto alice = from_seed('a');
  auto bob = from_seed('b');
  BoxKeys from_alice(alice);
  BoxKeys for_bob(bob);
  auto payload = mqchat::seal_direct(dm("lunch at noon?"), from_alice, bob.public_key);
  CHECK(payload.find("lunch") == std::string::npos);
  auto opened = mqchat::open_direct(json::parse(payload), for_bob);
  REQUIRE(opened.message);
  CHECK(opened.message->text == "lunch at noon?");
  CHECK(opened.message->from == "alice");
  CHECK(opened.sender_key == alice.public_key);
  CHECK_FALSE(opened.grant);

  SECTION("not for another key") {
    BoxKeys for_carol(from_seed('c'));
    CHECK_THROWS_AS(mqchat::open_direct(json::parse(payload), for_carol), DecodeError);
  }
  SECTION("two seals differ (fresh nonces)") {
    CHECK(payload != mqchat::seal_direct(dm("lunch at noon?"), from_alice, bob.public_key));
  }
}

TEST_CASE("a damaged sealed direct message is refused with a reason", "[sealed]") {
  auto alice = from_seed('a');
  auto bob = from_seed('b');
  BoxKeys from_alice(alice);
  BoxKeys for_bob(bob);
  auto payload = mqchat::seal_direct(dm("x"), from_alice, bob.public_key);
  auto j = json::parse(payload);
  json bad;
  std::string reason;
  SECTION("a changed ciphertext") {
    bad = flipped(j, "ct", 20);
    reason = "cannot be decrypted";
  }
  SECTION("a changed nonce") {
    bad = flipped(j, "nonce");
    reason = "cannot be decrypted";
  }
  SECTION("another sender key (a forger's)") {
    bad = j;
    bad["sender_key"] = crypto::to_base64(from_seed('m').public_key);
    reason = "cannot be decrypted";
  }
  SECTION("a truncated ciphertext") {
    bad = changed(payload, "ct", crypto::to_base64("short"));
    reason = "cannot be decrypted";
  }
  SECTION("bad base64") {
    bad = changed(payload, "ct", "@@@@");
    reason = "'ct' is not valid base64";
  }
  SECTION("a nonce of the wrong size") {
    bad = changed(payload, "nonce", crypto::to_base64("0123"));
    reason = "'nonce' is not valid base64 of the right size";
  }
  SECTION("an outer id that is not the sealed one (a replay under a new id)") {
    bad = changed(payload, "id", "ffffffffffffffffffffffffffffffff");
    reason = "decrypted id is not the envelope's";
  }
  SECTION("an id with a control character") {
    bad = changed(payload, "id", "a\nb");
    reason = "printable ASCII";
  }
  SECTION("an unknown scheme") {
    bad = changed(payload, "enc", "rot13");
    reason = "unknown 'enc'";
  }
  SECTION("a missing field") {
    bad = j;
    bad.erase("sender_key");
    reason = "missing 'sender_key'";
  }
  SECTION("a field of the wrong type") {
    bad = j;
    bad["ct"] = 5;
    reason = "'ct' is not a string";
  }
  try {
    mqchat::open_direct(bad, for_bob);
    FAIL("opened a damaged payload");
  } catch (const DecodeError& e) {
    CHECK_THAT(e.what(), Catch::Contains(reason));
  }
}

TEST_CASE("a key grant travels like a direct message", "[sealed]") {
  auto alice = from_seed('a');
  auto bob = from_seed('b');
  BoxKeys from_alice(alice);
  BoxKeys for_bob(bob);
  auto key = mqchat::new_sender_key();
  mqchat::KeyGrant grant{"grant-1", "alice", "bob", "devs", key, kTime};
  auto opened = mqchat::open_direct(
      json::parse(mqchat::seal_grant(grant, from_alice, bob.public_key)), for_bob);
  REQUIRE(opened.grant);
  CHECK_FALSE(opened.message);
  CHECK(opened.grant->group == "devs");
  CHECK(opened.grant->key.id == key.id);
  CHECK(opened.grant->key.key == key.key);
}

TEST_CASE("a sealed group message opens with the sender key and its signature", "[sealed]") {
  auto alice = from_seed('a');
  auto key = mqchat::new_sender_key();
  auto payload = mqchat::seal_group(group_message("hello devs"), alice, key);
  CHECK(payload.find("hello") == std::string::npos);
  auto j = json::parse(payload);
  CHECK(j.at("v") == 2);
  CHECK(j.at("enc") == "xchacha20poly1305+ed25519");
  CHECK(mqchat::group_key_id(j) == key.id);
  auto e = mqchat::open_group(j, "devs", "alice", key, alice.public_key);
  CHECK(e.text == "hello devs");
  CHECK(e.encrypted);

  auto refuse = [&](const json& bad, const std::string& group, const std::string& from,
                    const mqchat::SenderKey& k, const std::string& signer,
                    const std::string& reason) {
    try {
      mqchat::open_group(bad, group, from, k, signer);
      FAIL("opened a damaged group payload");
    } catch (const DecodeError& err) {
      CHECK_THAT(err.what(), Catch::Contains(reason));
    }
  };
  SECTION("signed by someone else (a member writing in alice's name)") {
    auto mallory = from_seed('m');
    auto forged = json::parse(mqchat::seal_group(group_message("x"), mallory, key));
    refuse(forged, "devs", "alice", key, alice.public_key, "signature");
  }
  SECTION("posted to another group or under another sender") {
    refuse(j, "ops", "alice", key, alice.public_key, "signature");
    refuse(j, "devs", "bob", key, alice.public_key, "signature");
  }
  SECTION("a changed ciphertext") {
    refuse(flipped(j, "ct", 5), "devs", "alice", key, alice.public_key, "signature");
  }
  SECTION("a key the member does not have") {
    refuse(j, "devs", "alice", mqchat::new_sender_key(), alice.public_key, "another sender key");
  }
  SECTION("the right key id but other key bytes") {
    auto wrong = mqchat::new_sender_key();
    wrong.id = key.id;
    refuse(j, "devs", "alice", wrong, alice.public_key, "cannot be decrypted");
  }
  SECTION("a truncated signature") {
    auto bad = j;
    bad["sig"] = crypto::to_base64("short");
    refuse(bad, "devs", "alice", key, alice.public_key, "'sig'");
  }
}

TEST_CASE("the wire version is read from 'v', 1 when absent", "[sealed]") {
  CHECK(mqchat::wire_version(json::parse(R"({"v":2})")) == 2);
  CHECK(mqchat::wire_version(json::parse(R"({"id":"x"})")) == 1);
  CHECK(mqchat::wire_version(json::parse(R"({"v":"2"})")) == 1);
}
