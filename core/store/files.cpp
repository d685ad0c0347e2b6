#include "core/store/files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/wire/error.hpp"
#include "core/wire/ids.hpp"

namespace mqchat {

namespace fs = std::filesystem;

Error file_error(const std::string& what, const fs::path& path, int err) {
  std::string hint;
  if (err == ENOSPC) hint = ": free some disk space";
  if (err == EACCES || err == EPERM || err == EROFS) {
    hint = ": check the permissions, or choose another directory with --home";
  }
  return failure("cannot " + what + " '" + path.string() + "': " + std::strerror(err) + hint);
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

namespace {

int open_lock_fd(const fs::path& path) {
  ensure_private_dir(path.parent_path());
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw file_error("open lock file", path, errno);
  return fd;
}

}  // namespace

void ensure_private_dir(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return;
  if (!dir.parent_path().empty() && dir.parent_path() != dir) {
    ensure_private_dir(dir.parent_path());
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    throw file_error("create directory", dir, errno);
  }
}

void write_file_atomic(const fs::path& path, const std::string& content) {
  ensure_private_dir(path.parent_path());
  fs::path tmp = path;
  tmp += ".tmp-" + std::to_string(::getpid()) + "-" + random_hex(8);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw file_error("write", path, errno);
  bool ok = write_all(fd, content.data(), content.size()) && ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) err = errno;
    ::unlink(tmp.c_str());
    throw file_error("write", path, err);
  }
}

std::optional<std::string> read_file(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw file_error("read", path, errno);
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      throw file_error("read", path, err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

void append_line_locked(const fs::path& path, const std::string& line) {
  ensure_private_dir(path.parent_path());
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) throw file_error("append to", path, errno);
  ::flock(fd, LOCK_EX);
  // A writer killed mid-line (or a full disk) leaves a torn last line; start on a fresh line
  // so that only the torn one is lost, not the lines appended after it.
  bool ok = true;
  struct stat st {};
  char last = '\n';
  if (::fstat(fd, &st) == 0 && st.st_size > 0 && ::pread(fd, &last, 1, st.st_size - 1) == 1 &&
      last != '\n') {
    ok = write_all(fd, "\n", 1);
  }
  ok = ok && write_all(fd, line.data(), line.size());
  int err = errno;
  ::close(fd);  // also releases the lock
  if (!ok) throw file_error("append to", path, err);
}

FileLock FileLock::acquire(const fs::path& path) {
  int fd = open_lock_fd(path);
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      int err = errno;
      ::close(fd);
      throw file_error("lock", path, err);
    }
  }
  return FileLock(fd);
}

std::optional<FileLock> FileLock::try_acquire(const fs::path& path) {
  int fd = open_lock_fd(path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  return FileLock(fd);
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);
}

void FileLock::write_note(const std::string& text) {
  if (fd_ < 0) return;
  if (::ftruncate(fd_, 0) == 0) {
    (void)!::pwrite(fd_, text.data(), text.size(), 0);
  }
}

}  // namespace mqchat
