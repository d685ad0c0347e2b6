#include "core/seen_ids.hpp"

#include "core/files.hpp"

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

void SeenIds::add(const std::string& id) {
  if (!is_plausible_id(id) || contains(id)) return;
  remember(id);
  append_line_locked(file_, id + "\n");
  if (++lines_in_file_ >= 2 * capacity_) compact();
}

void SeenIds::compact() {
  std::string text;
  for (const auto& id : order_) {
    text += id;
    text += '\n';
  }
  write_file_atomic(file_, text);
  lines_in_file_ = order_.size();
}

}  // namespace mqchat
