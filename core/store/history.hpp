#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/store/state_store.hpp"
#include "core/wire/envelope.hpp"

namespace mqchat {

/// One message in the local history: what was sent or received, and which way it went.
struct HistoryEntry {
  Envelope message;
  bool outgoing = false;
};

/// The JSON object of ENTRY: the message object plus "direction": "in" or "out".
nlohmann::json to_json(const HistoryEntry& entry);

/// A profile's message history: a JSON Lines file that is only ever appended to, one locked
/// write() per batch, so concurrent mqchat processes never tear or lose each other's lines.
class History {
 public:
  explicit History(std::filesystem::path file) : file_(std::move(file)) {}

  /// Appends ENTRIES in one write.
  void append(const std::vector<HistoryEntry>& entries);

  struct ReadResult {
    std::vector<HistoryEntry> entries;  ///< in the order they were written
    std::size_t bad_lines = 0;          ///< lines that could not be parsed and were skipped
  };
  /// Everything in the file; a missing file is an empty history.
  ReadResult read() const;

  const std::filesystem::path& file() const { return file_; }

 private:
  // The file kept open between appends, shared by copies: a draining listen appends once per
  // message, and an open, close and directory check around each append cost more than the
  // write. The mutex keeps threads of one process apart (flock does not: they share the open
  // file).
  struct OpenFile {
    std::mutex mutex;
    int fd = -1;
    ~OpenFile();
  };

  std::filesystem::path file_;
  std::shared_ptr<OpenFile> open_ = std::make_shared<OpenFile>();
};

/// The history of profile NAME in STORE's state directory: the one place that names its file.
History history_of(const StateStore& store, const std::string& name);

}  // namespace mqchat
