#include "core/store/arrival_spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "core/store/files.hpp"
#include "core/store/pending_inbox.hpp"
#include "core/wire/error.hpp"
#include "core/wire/topics.hpp"

namespace mqchat {

ArrivalSpool::ArrivalSpool(std::filesystem::path file, std::size_t already_pending)
    : file_(std::move(file)), unhandled_(already_pending) {
  ensure_private_dir(file_.parent_path());
  fd_ = ::open(file_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) throw file_error("open", file_, errno);
  // A listen killed mid-write (or a full disk) may have left a torn last line: start on a
  // fresh line, so only that one is lost to the reader, not the next message.
  char last = '\n';
  const off_t size = ::lseek(fd_, 0, SEEK_END);
  if (size > 0 && ::pread(fd_, &last, 1, size - 1) == 1 && last != '\n' &&
      !write_all(fd_, "\n", 1)) {
    fail("append to", errno);
  }
}

ArrivalSpool::~ArrivalSpool() {
  if (fd_ >= 0) ::close(fd_);
}

bool ArrivalSpool::keeps(const IncomingMessage& message) {
  using Kind = topics::ParsedTopic::Kind;
  auto kind = topics::parse(message.topic).kind;
  return kind == Kind::inbox || kind == Kind::group_message;
}

void ArrivalSpool::record(const IncomingMessage& message) noexcept {
  try {
    if (!keeps(message)) return;
    const std::string line = PendingInbox::line_for(message);
    std::lock_guard<std::mutex> lock(mutex_);
    ++unhandled_;
    if (line.empty() || failure_) return;
    if (!write_all(fd_, line.data(), line.size())) fail("append to", errno);
  } catch (...) {
    // Out of memory while encoding: the message still reaches listen through the transport.
    std::lock_guard<std::mutex> lock(mutex_);
    if (!failure_) failure_ = "cannot keep an incoming message in '" + file_.string() + "'";
  }
}

void ArrivalSpool::handled() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (unhandled_ > 0) --unhandled_;
  if (unhandled_ > 0 || failure_) return;
  // Everything in the file was handled: start it afresh (O_APPEND writes go to the new end).
  if (::ftruncate(fd_, 0) != 0) fail("empty", errno);
}

std::optional<std::string> ArrivalSpool::failure() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return failure_;
}

void ArrivalSpool::fail(const std::string& what, int err) {
  if (!failure_) failure_ = file_error(what, file_, err).what();
}

}  // namespace mqchat
