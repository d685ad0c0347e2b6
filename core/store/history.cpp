#include "core/store/history.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "core/store/files.hpp"
#include "core/wire/error.hpp"

namespace mqchat {

nlohmann::json to_json(const HistoryEntry& entry) {
  auto j = to_json(entry.message);
  j["direction"] = entry.outgoing ? "out" : "in";
  return j;
}

History::OpenFile::~OpenFile() {
  if (fd >= 0) ::close(fd);
}

void History::append(const std::vector<HistoryEntry>& entries) {
  if (entries.empty()) return;
  std::string batch;
  for (const auto& e : entries) {
    batch += to_json(e).dump();
    batch += '\n';
  }
  std::lock_guard<std::mutex> guard(open_->mutex);
  int& fd = open_->fd;
  for (int attempt = 0;; ++attempt) {
    if (fd < 0) {
      ensure_private_dir(file_.parent_path());
      fd = ::open(file_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
      if (fd < 0) throw file_error("append to", file_, errno);
    }
    // Other mqchat processes append too: the lock keeps our check of the last line and our
    // write together.
    while (::flock(fd, LOCK_EX) != 0 && errno == EINTR) {
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      const int err = errno;
      ::close(fd);
      fd = -1;
      throw file_error("append to", file_, err);
    }
    if (st.st_nlink == 0 && attempt == 0) {
      // The file was removed since we opened it: append to the one at the path.
      ::close(fd);
      fd = -1;
      continue;
    }
    // A writer killed mid-line (or a full disk) leaves a torn last line; start on a fresh line
    // so that only the torn one is lost, not the lines appended after it.
    bool ok = true;
    char last = '\n';
    if (st.st_size > 0 && ::pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n') {
      ok = write_all(fd, "\n", 1);
    }
    ok = ok && write_all(fd, batch.data(), batch.size());
    const int err = errno;
    ::flock(fd, LOCK_UN);
    if (!ok) {
      ::close(fd);  // opened afresh next time
      fd = -1;
      throw file_error("append to", file_, err);
    }
    return;
  }
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

History history_of(const StateStore& store, const std::string& name) {
  return History(store.profile_state_dir(name) / "history.jsonl");
}

}  // namespace mqchat
