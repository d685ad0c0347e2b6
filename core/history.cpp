#include "core/history.hpp"

#include "core/files.hpp"

namespace mqchat {

nlohmann::json to_json(const HistoryEntry& entry) {
  auto j = to_json(entry.message);
  j["direction"] = entry.outgoing ? "out" : "in";
  return j;
}

void History::append(const std::vector<HistoryEntry>& entries) {
  if (entries.empty()) return;
  std::string batch;
  for (const auto& e : entries) {
    batch += to_json(e).dump();
    batch += '\n';
  }
  append_line_locked(file_, batch);
}

History::ReadResult History::read() const {
  ReadResult result;
  auto text = read_file(file_);
  if (!text) return result;
  std::size_t start = 0;
  while (start < text->size()) {
    auto end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();  // a torn last line is still tried
    std::string_view line(text->data() + start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
    try {
      if (j.is_discarded()) throw DecodeError("not JSON");
      HistoryEntry entry{envelope_from_json(j), false};
      auto dir = j.find("direction");
      entry.outgoing = dir != j.end() && dir->is_string() && *dir == "out";
      result.entries.push_back(std::move(entry));
    } catch (const DecodeError&) {
      ++result.bad_lines;
    }
  }
  return result;
}

}  // namespace mqchat
