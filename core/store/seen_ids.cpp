#include "core/store/seen_ids.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/store/files.hpp"
#include "core/wire/error.hpp"

namespace mqchat {

namespace {

bool is_plausible_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e) return false;
  }
  return true;
}

}  // namespace

SeenIds::SeenIds(std::filesystem::path file, std::size_t capacity)
    : file_(std::move(file)), capacity_(capacity) {
  auto text = read_file(file_);
  if (!text) return;
  std::size_t start = 0;
  while (start < text->size()) {
    auto end = text->find('\n', start);
    if (end == std::string::npos) break;  // a torn last line was never fully recorded
    std::string_view id(text->data() + start, end - start);
    start = end + 1;
    ++lines_in_file_;
    if (is_plausible_id(id)) remember(std::string(id));
  }
}

void SeenIds::remember(const std::string& id) {
  if (!set_.insert(id).second) return;
  order_.push_back(id);
  if (order_.size() > capacity_) {
    set_.erase(order_.front());
    order_.pop_front();
  }
}

SeenIds::~SeenIds() {
  if (fd_ >= 0) ::close(fd_);
}

void SeenIds::add(const std::string& id) {
  if (!is_plausible_id(id) || contains(id)) return;
  remember(id);
  append(id + "\n");
  if (++lines_in_file_ >= 2 * capacity_) compact();
}

void SeenIds::append(const std::string& line) {
  if (fd_ < 0) {
    // The first append goes through the careful path, which also ends a torn last line.
    append_line_locked(file_, line);
    fd_ = ::open(file_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    return;
  }
  const char* data = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      throw failure("cannot append to '" + file_.string() + "': " + std::strerror(err));
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
}

void SeenIds::compact() {
  std::string text;
  for (const auto& id : order_) {
    text += id;
    text += '\n';
  }
  write_file_atomic(file_, text);
  lines_in_file_ = order_.size();
  if (fd_ >= 0) ::close(fd_);  // it still points at the replaced file
  fd_ = -1;
}

}  // namespace mqchat
