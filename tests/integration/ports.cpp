#include "tests/integration/ports.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

namespace itest {

namespace {

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

// Binds a new socket to 127.0.0.1:0 and returns it with the port the kernel chose.
int bind_any_port(int& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr = loopback(0);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int e = errno;
    ::close(fd);
    throw std::runtime_error(std::string("bind 127.0.0.1:0: ") + std::strerror(e));
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  return fd;
}

}  // namespace

int free_port() {
  int port = 0;
  ::close(bind_any_port(port));
  return port;
}

bool port_accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr = loopback(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

bool wait_port_accepts(int port, std::chrono::milliseconds timeout,
                       const std::function<bool()>& keep_going) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (port_accepts(port)) return true;
    if (!keep_going() || std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

SilentListener::SilentListener() {
  fd_ = bind_any_port(port_);
  if (::listen(fd_, 64) != 0) {
    int e = errno;
    ::close(fd_);
    throw std::runtime_error(std::string("listen: ") + std::strerror(e));
  }
  // Non-blocking, so take_connections() returns when the queue is empty.
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
}

SilentListener::~SilentListener() {
  if (fd_ >= 0) ::close(fd_);
}

int SilentListener::take_connections() {
  int count = 0;
  for (;;) {
    int client = ::accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client >= 0) {
      ::close(client);
      ++count;
      continue;
    }
    if (errno == ECONNABORTED) {
      ++count;
      continue;
    }
    if (errno == EINTR) continue;
    return count;
  }
}

}  // namespace itest
