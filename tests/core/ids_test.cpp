#include "core/wire/ids.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

bool is_lower_hex(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

long long now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

TEST_CASE("a message id is 32 lowercase hex digits", "[ids]") {
  for (int i = 0; i < 100; ++i) {
    auto id = mqchat::new_message_id();
    INFO(id);
    REQUIRE(id.size() == 32);
    REQUIRE(is_lower_hex(id));
  }
}

TEST_CASE("message ids do not repeat over many draws", "[ids]") {
  constexpr int kDraws = 100000;
  std::set<std::string> seen;
  for (int i = 0; i < kDraws; ++i) seen.insert(mqchat::new_message_id());
  CHECK(seen.size() == kDraws);
}

TEST_CASE("message ids drawn on several threads do not repeat", "[ids]") {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10000;
  std::vector<std::vector<std::string>> drawn(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&drawn, t] {
      for (int i = 0; i < kPerThread; ++i) drawn[t].push_back(mqchat::new_message_id());
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> seen;
  for (const auto& ids : drawn) seen.insert(ids.begin(), ids.end());
  CHECK(seen.size() == kThreads * kPerThread);
}

TEST_CASE("a message id starts with the time in milliseconds", "[ids]") {
  auto before = now_ms();
  auto id = mqchat::new_message_id();
  auto after = now_ms();
  auto stamp = std::stoll(id.substr(0, 12), nullptr, 16);
  CHECK(stamp >= before);
  CHECK(stamp <= after);
}

TEST_CASE("message ids made later sort after earlier ones", "[ids]") {
  auto first = mqchat::new_message_id();
  std::this_thread::sleep_for(std::chrono::milliseconds(3));
  auto second = mqchat::new_message_id();
  CHECK(first < second);
}

TEST_CASE("random hex has the requested length and alphabet", "[ids]") {
  for (std::size_t n : {0, 1, 2, 15, 16, 17, 31, 32, 33, 64, 100}) {
    auto hex = mqchat::random_hex(n);
    INFO("n = " << n << ", hex = " << hex);
    CHECK(hex.size() == n);
    CHECK(is_lower_hex(hex));
  }
}

TEST_CASE("random hex does not repeat over many draws", "[ids]") {
  constexpr int kDraws = 100000;
  std::set<std::string> seen;
  for (int i = 0; i < kDraws; ++i) seen.insert(mqchat::random_hex(16));
  CHECK(seen.size() == kDraws);
}

TEST_CASE("random hex uses every digit about equally", "[ids]") {
  // 160,000 digits: each of the 16 should appear about 10,000 times; 9,000-11,000 is over 10
  // standard deviations wide, so a correct generator never fails this.
  auto hex = mqchat::random_hex(160000);
  for (char c : std::string("0123456789abcdef")) {
    auto count = std::count(hex.begin(), hex.end(), c);
    INFO("digit " << c << ": " << count);
    CHECK(count > 9000);
    CHECK(count < 11000);
  }
}
