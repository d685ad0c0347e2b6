// Fuzz target: everything mqchat decodes from the broker. Any payload on an mqchat topic may be
// hostile, so the decoders must either return a checked value or throw DecodeError; anything
// else escaping (a JSON library exception, an out-of-range access) is a bug libFuzzer reports.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/wire/envelope.hpp"
#include "core/wire/records.hpp"

namespace {

// A decoded envelope must survive a round trip unchanged: what listen prints is what was sent.
void check_round_trip(const mqchat::Envelope& e) {
  const mqchat::Envelope again = mqchat::decode_envelope(mqchat::encode(e));
  if (again.id != e.id || again.type != e.type || again.from != e.from || again.to != e.to ||
      again.group != e.group || again.text != e.text || again.sent_at != e.sent_at) {
    __builtin_trap();
  }
}

template <typename Decode>
void try_decode(Decode decode) {
  try {
    decode();
  } catch (const mqchat::DecodeError&) {
    // Rejected with a reason: the caller skips the item with a warning.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  try_decode([&] { check_round_trip(mqchat::decode_envelope(payload)); });
  try_decode([&] { mqchat::decode_user(payload); });
  try_decode([&] { mqchat::decode_presence(payload); });
  try_decode([&] { mqchat::decode_member(payload); });
  return 0;
}
