#include "core/paho/socket_tuning.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>

namespace mqchat::paho {

namespace {

int peer_port(int fd) {
  sockaddr_storage peer{};
  socklen_t size = sizeof(peer);
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &size) != 0) return 0;
  if (peer.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&peer)->sin_port);
  if (peer.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&peer)->sin6_port);
  return 0;  // a Unix socket (the hand-off) or anything else
}

bool is_tcp(int fd) {
  int protocol = 0;
  socklen_t size = sizeof(protocol);
  return ::getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &size) == 0 &&
         protocol == IPPROTO_TCP;
}

}  // namespace

std::vector<int> uri_ports(const std::vector<std::string>& uris) {
  std::vector<int> ports;
  for (const auto& uri : uris) {
    auto colon = uri.rfind(':');
    auto bracket = uri.rfind(']');
    int port = 0;
    if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
      port = std::atoi(uri.c_str() + colon + 1);
    }
    ports.push_back(port);
  }
  return ports;
}

std::vector<int> sockets_to(const std::vector<int>& ports) {
  std::vector<int> fds;
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return fds;  // no /proc: the kernel's defaults stay
  const int own = ::dirfd(dir);
  while (const dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == own) continue;
    struct stat st {};
    if (::fstat(static_cast<int>(fd), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    int port = peer_port(static_cast<int>(fd));
    if (port == 0 || std::find(ports.begin(), ports.end(), port) == ports.end()) continue;
    if (is_tcp(static_cast<int>(fd))) fds.push_back(static_cast<int>(fd));
  }
  ::closedir(dir);
  return fds;
}

void send_without_delay(int fd) {
  int on = 1;
  (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

void acknowledge_now(int fd) {
  int on = 1;
  (void)::setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof(on));
}

}  // namespace mqchat::paho
