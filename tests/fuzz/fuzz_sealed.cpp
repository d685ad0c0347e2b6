// Fuzz target: the sealed (wire v2) decoders. A payload on an inbox or group topic may be
// hostile: opening it must give a checked envelope or throw DecodeError, whatever the fields
// hold (bad base64, wrong sizes, forged signatures, changed ciphertext). The keys are fixed, so
// the corpus holds payloads that really open and the fuzzer mutates from there; and whatever
// decodes as a plain envelope must survive a seal and an open unchanged.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/crypto/crypto.hpp"
#include "core/crypto/sealed_envelope.hpp"
#include "core/paho/sodium_ops.hpp"
#include "core/wire/error.hpp"

namespace {

struct Keys {
  mqchat::Identity alice;
  mqchat::Identity bob;
  mqchat::SenderKey group_key;
};

mqchat::Identity from_seed(char fill) {
  auto keys = mqchat::crypto::signing_keys_from_seed(std::string(32, fill));
  return mqchat::Identity{keys.public_key, keys.secret_key};
}

const Keys& keys() {
  static const Keys k = [] {
    mqchat::set_crypto_ops(mqchat::paho::sodium_ops());
    return Keys{
        from_seed('a'), from_seed('b'), {"00112233445566778899aabbccddeeff", std::string(32, 'k')}};
  }();
  return k;
}

template <typename F>
void rejected_or_checked(F f) {
  try {
    f();
  } catch (const mqchat::DecodeError&) {
  }
}

void open_as_bob(const nlohmann::json& outer) {
  mqchat::BoxKeys bob(keys().bob);
  rejected_or_checked([&] {
    auto opened = mqchat::open_direct(outer, bob);
    if (!opened.message && !opened.grant) __builtin_trap();
  });
  rejected_or_checked([&] {
    mqchat::open_group(outer, "devs", "alice", keys().group_key, keys().alice.public_key);
  });
}

void seal_and_open(const mqchat::Envelope& e) {
  mqchat::BoxKeys alice(keys().alice);
  mqchat::BoxKeys bob(keys().bob);
  if (e.type == mqchat::MessageType::dm) {
    auto opened = mqchat::open_direct(
        mqchat::parse_payload(mqchat::seal_direct(e, alice, keys().bob.public_key)), bob);
    if (!opened.message || opened.message->text != e.text || opened.message->id != e.id) {
      __builtin_trap();
    }
  } else {
    auto back = mqchat::open_group(
        mqchat::parse_payload(mqchat::seal_group(e, keys().alice, keys().group_key)), e.group,
        e.from, keys().group_key, keys().alice.public_key);
    if (back.text != e.text || back.id != e.id) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  nlohmann::json j;
  try {
    j = mqchat::parse_payload(payload);
  } catch (const mqchat::DecodeError&) {
    return 0;
  }
  if (!j.is_object()) return 0;
  if (mqchat::wire_version(j) >= mqchat::kSealedVersion) {
    open_as_bob(j);
    return 0;
  }
  try {
    auto e = mqchat::plain_envelope_from_json(j);
    // Another id is refused when sealed (a usage error), so it is never sent unreadable.
    if (!mqchat::sealable_id(e.id)) {
      try {
        seal_and_open(e);
        __builtin_trap();
      } catch (const mqchat::Error& refused) {
        if (refused.code() != mqchat::ExitCode::usage) __builtin_trap();
      }
    } else if (e.type == mqchat::MessageType::dm || e.from == "alice") {
      seal_and_open(e);
    }
  } catch (const mqchat::DecodeError&) {
  }
  return 0;
}
