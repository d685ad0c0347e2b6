#include "core/wire/ids.hpp"

#include <chrono>
#include <cstdio>
#include <random>

namespace mqchat {

namespace {

std::mt19937_64& generator() {
  // Seeded once per thread from the OS; ids only need to be unique, not secret.
  thread_local std::mt19937_64 gen([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }());
  return gen;
}

}  // namespace

constexpr char kHex[] = "0123456789abcdef";

std::string to_hex(std::string_view bytes) {
  std::string out;
  out.reserve(2 * bytes.size());
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  }
  return out;
}

std::string random_hex(std::size_t n) {
  std::string out;
  out.reserve(n);
  std::uint64_t bits = 0;
  int left = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (left == 0) {
      bits = generator()();
      left = 16;
    }
    out += kHex[bits & 0xF];
    bits >>= 4;
    --left;
  }
  return out;
}

std::string new_message_id() {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  char head[16];
  std::snprintf(head, sizeof head, "%012llx",
                static_cast<unsigned long long>(ms) & 0xffffffffffffULL);
  return std::string(head) + random_hex(20);
}

}  // namespace mqchat
