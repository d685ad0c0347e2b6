#include "core/paho/arrival_queue.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <thread>

using mqchat::ArrivalQueue;
using namespace std::chrono_literals;

namespace {

using Queue = ArrivalQueue<int>;

// Runs put(VALUE) on a thread of its own, as paho's receive thread would; done() says
// whether it returned.
class Producer {
 public:
  Producer(Queue& q, int value, std::chrono::milliseconds max_wait = 60s)
      : thread_([&q, value, max_wait, this] {
          q.put(value, max_wait);
          done_ = true;
        }) {}
  ~Producer() { thread_.join(); }
  bool done() const { return done_; }
  // Whether put() returns within a second (it should have long before).
  bool finishes() const {
    for (int i = 0; i < 1000 && !done_; ++i) std::this_thread::sleep_for(1ms);
    return done_;
  }

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace

TEST_CASE("an arrival queue hands values over in order", "[arrival_queue]") {
  auto q = std::make_shared<Queue>(4);
  q->put(1, 0ms);
  q->put(2, 0ms);
  q->put_now(3);
  CHECK(q->size() == 3);
  CHECK(q->take(0ms) == 1);
  CHECK(q->take(0ms) == 2);
  CHECK(q->take(0ms) == 3);
  CHECK_FALSE(q->take(0ms).has_value());
}

TEST_CASE("take waits for a value that comes", "[arrival_queue]") {
  auto q = std::make_shared<Queue>(4);
  std::thread later([&q] {
    std::this_thread::sleep_for(20ms);
    q->put(7, 0ms);
  });
  CHECK(q->take(5000ms) == 7);
  later.join();
  CHECK_FALSE(q->take(10ms).has_value());
}

TEST_CASE("a full arrival queue holds the producer until the reader takes one", "[arrival_queue]") {
  auto q = std::make_shared<Queue>(2);
  q->put(1, 0ms);
  q->put(2, 0ms);
  Producer third(*q, 3);
  std::this_thread::sleep_for(50ms);
  CHECK_FALSE(third.done());  // the broker waits: nothing more is held in memory
  CHECK(q->size() == 2);
  CHECK(q->take(0ms) == 1);
  CHECK(third.finishes());
  CHECK(q->take(0ms) == 2);
  CHECK(q->take(0ms) == 3);
}

TEST_CASE("an opening lets a waiting producer go on and keeps the queue open while it lives",
          "[arrival_queue]") {
  auto q = std::make_shared<Queue>(1);
  q->put(1, 0ms);
  Producer blocked(*q, 2);
  std::this_thread::sleep_for(50ms);
  REQUIRE_FALSE(blocked.done());
  {
    // A paho call or a wait for an answer: the receive thread must not be stuck meanwhile.
    Queue::Opening open(q);
    CHECK(blocked.finishes());
    Producer more(*q, 3);
    CHECK(more.finishes());
    CHECK(q->size() == 3);
  }
  Producer after(*q, 4);  // closed again: full, so it waits
  std::this_thread::sleep_for(50ms);
  CHECK_FALSE(after.done());
  for (int expected = 1; expected <= 3; ++expected) CHECK(q->take(0ms) == expected);
  CHECK(after.finishes());
  CHECK(q->take(0ms) == 4);
}

TEST_CASE("put_now never waits, and a shut queue drops what comes without waiting",
          "[arrival_queue]") {
  auto q = std::make_shared<Queue>(1);
  q->put(1, 0ms);
  q->put_now(0);  // the marker of a lost connection, on a full queue
  CHECK(q->size() == 2);
  Producer blocked(*q, 2);
  std::this_thread::sleep_for(50ms);
  REQUIRE_FALSE(blocked.done());
  q->shut();  // the reader is gone (a parked client) or done (a listen ending)
  CHECK(blocked.finishes());
  Producer later(*q, 3);
  CHECK(later.finishes());
  q->put_now(4);
  CHECK(q->size() == 2);  // what was queued before stays to be taken; 2, 3 and 4 are dropped
  CHECK(q->take(0ms) == 1);
  CHECK(q->take(0ms) == 0);
  CHECK_FALSE(q->take(0ms).has_value());
}

TEST_CASE("a producer waits for room only so long, then goes on", "[arrival_queue]") {
  // paho keeps its connection alive only between messages: a reader whose output is blocked
  // for longer than the wait costs memory, not the connection.
  auto q = std::make_shared<Queue>(1);
  q->put(1, 0ms);
  Producer impatient(*q, 2, 100ms);
  std::this_thread::sleep_for(30ms);
  CHECK_FALSE(impatient.done());
  CHECK(impatient.finishes());
  CHECK(q->size() == 2);
}
