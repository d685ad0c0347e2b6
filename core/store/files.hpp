#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace mqchat {

class Error;

/// The error for a failed WHAT ("append to", "write", ...) on PATH with errno ERR: names the
/// file and says what to do (free disk space, check permissions).
Error file_error(const std::string& what, const std::filesystem::path& path, int err);

/// Writes all SIZE bytes of DATA to FD, retrying after signals; false (errno set) on failure.
bool write_all(int fd, const char* data, std::size_t size);

/// Creates DIR and missing parents with mode 0700; throws Error naming DIR on failure.
void ensure_private_dir(const std::filesystem::path& dir);

/// Replaces PATH with CONTENT atomically: a 0600 temp file in the same directory, fsync,
/// rename. A crash leaves either the old or the new file, never a torn one.
void write_file_atomic(const std::filesystem::path& path, const std::string& content);

/// The whole file, or nullopt when it does not exist; throws Error on any other failure.
std::optional<std::string> read_file(const std::filesystem::path& path);

/// Appends LINE (which must end in '\n') with one write() under an exclusive lock, so lines of
/// concurrent writers never interleave. Creates the file with mode 0600.
void append_line_locked(const std::filesystem::path& path, const std::string& line);

/// An advisory lock (flock) held until destruction; it dies with its process, so a killed
/// mqchat never blocks the next one.
class FileLock {
 public:
  /// Blocks until the exclusive lock on PATH is held.
  static FileLock acquire(const std::filesystem::path& path);
  /// The lock if it is free now, else nullopt.
  static std::optional<FileLock> try_acquire(const std::filesystem::path& path);

  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

  /// Writes TEXT into the lock file (e.g. the holder's pid, for error messages).
  void write_note(const std::string& text);

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace mqchat
