#pragma once

#include <cstddef>
#include <deque>
#include <filesystem>
#include <string>
#include <unordered_set>

namespace mqchat {

/// The ids of the most recent messages shown, so a redelivered envelope is shown once. Kept in
/// an append-only file that is compacted to the newest CAPACITY ids once it holds twice that.
/// Only the profile's single running listen writes it (see the listen lock), so appends need no
/// lock of their own.
class SeenIds {
 public:
  SeenIds(std::filesystem::path file, std::size_t capacity = 20000);
  ~SeenIds();
  SeenIds(const SeenIds&) = delete;
  SeenIds& operator=(const SeenIds&) = delete;

  /// True when ID was shown before.
  bool contains(const std::string& id) const { return set_.count(id) > 0; }

  /// Records ID as shown (call after it was printed, so nothing is marked seen unshown).
  void add(const std::string& id);

  std::size_t size() const { return order_.size(); }

 private:
  void remember(const std::string& id);
  void append(const std::string& line);
  void compact();

  std::filesystem::path file_;
  std::size_t capacity_;
  std::size_t lines_in_file_ = 0;
  // Kept open between appends: a draining listen adds an id per message, and an open, lock
  // and close around each one cost more than the write.
  int fd_ = -1;
  std::deque<std::string> order_;
  std::unordered_set<std::string> set_;
};

}  // namespace mqchat
