#pragma once

// The queue between paho's receive thread and the thread that reads messages: bounded, so
// that a listen starting on a backlog of 100,000 queued messages holds a few hundred of them
// and not all (paho-cpp's own consumer queue grows without limit, and paho acknowledges each
// message as soon as its callback returns, so the broker keeps sending).
//
// A full queue makes paho's receive thread wait in the message callback, which holds paho's
// global lock: every paho call of another thread would wait for it, and the reader could be
// waiting for an answer that only that receive thread can deliver. So each paho call and each
// wait for an answer holds the queue open (an Opening): this client's receive thread never waits
// then, and one that waits already is let go (docs/mqtt-notes.md, "What holds a backlog"). paho's
// lock is one for the process, an Opening only this queue's: another client's paho calls (a
// listen's refusal probe) can wait for this callback, each time for at most its room wait.
// Header-only and free of paho, to be tested on its own.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace mqchat {

template <class T>
class ArrivalQueue {
 public:
  explicit ArrivalQueue(std::size_t capacity) : capacity_(capacity > 0 ? capacity : 1) {}

  /// Adds VALUE, first waiting while the queue is full, not held open and not shut, but for
  /// at most MAX_WAIT: a reader stuck longer (its output blocked) must not cost the connection,
  /// which paho can keep alive only between two messages. A shut queue drops VALUE.
  void put(T value, std::chrono::milliseconds max_wait) {
    std::unique_lock<std::mutex> lock(mutex_);
    room_.wait_for(lock, max_wait,
                   [this] { return items_.size() < capacity_ || openings_ > 0 || shut_; });
    if (shut_) return;
    items_.push_back(std::move(value));
    arrived_.notify_one();
  }

  /// Adds VALUE at once, full or not (unless shut): the marker of a lost connection must
  /// never wait.
  void put_now(T value) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (shut_) return;
    items_.push_back(std::move(value));
    arrived_.notify_one();
  }

  /// The oldest value, waiting up to TIMEOUT for one; nullopt when none came.
  std::optional<T> take(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (items_.empty() && timeout.count() > 0) {
      arrived_.wait_for(lock, timeout, [this] { return !items_.empty(); });
    }
    if (items_.empty()) return std::nullopt;
    T value = std::move(items_.front());
    items_.pop_front();
    if (items_.size() < capacity_) room_.notify_all();
    return value;
  }

  std::size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return items_.size();
  }

  /// From now on put() drops what it is given, at once (the reader is gone or done: a parked
  /// client's last deliveries, a listen that is ending). What was queued can still be taken.
  void shut() {
    std::lock_guard<std::mutex> lock(mutex_);
    shut_ = true;
    room_.notify_all();
  }

  /// Held open while it lives: put() does not wait, and a put() waiting already goes on.
  /// (It keeps the queue alive: a reconnect may replace the transport's queue meanwhile.)
  class Opening {
   public:
    explicit Opening(std::shared_ptr<ArrivalQueue> q) : q_(std::move(q)) {
      std::lock_guard<std::mutex> lock(q_->mutex_);
      ++q_->openings_;
      q_->room_.notify_all();
    }
    Opening(const Opening&) = delete;
    Opening& operator=(const Opening&) = delete;
    ~Opening() {
      std::lock_guard<std::mutex> lock(q_->mutex_);
      --q_->openings_;
    }

   private:
    std::shared_ptr<ArrivalQueue> q_;
  };

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable room_;     // put() waits on it for space
  std::condition_variable arrived_;  // take() waits on it for a value
  std::deque<T> items_;
  int openings_ = 0;
  bool shut_ = false;
};

}  // namespace mqchat
