#include "core/store/session_guard.hpp"

#include <unistd.h>

#include <chrono>
#include <thread>

namespace mqchat {

namespace {

constexpr Millis kPollStep{20};

}  // namespace

std::optional<FileLock> SessionGuard::try_take(const std::string& role, Millis wait) const {
  auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    if (auto lock = FileLock::try_acquire(lock_path())) {
      lock->write_note(role + " " + std::to_string(::getpid()));
      return lock;
    }
    // A listen keeps the session for good; waiting for it would only delay the answer.
    if (holder().rfind("listen", 0) == 0) return std::nullopt;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kPollStep);
  }
}

std::string SessionGuard::holder() const {
  auto text = read_file(lock_path()).value_or("");
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
  return text;
}

void SessionGuard::write_listen_groups(const std::set<std::string>& groups) const {
  std::string text;
  for (const auto& g : groups) text += g + "\n";
  write_file_atomic(groups_path(), text);
}

std::set<std::string> SessionGuard::read_listen_groups() const {
  std::set<std::string> out;
  auto text = read_file(groups_path()).value_or("");
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.insert(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool SessionGuard::wait_for_listen(const std::string& group, bool subscribed, Millis wait) const {
  auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    if (read_listen_groups().count(group) == (subscribed ? 1u : 0u)) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollStep);
  }
}

}  // namespace mqchat
