#include "core/paho/socket_tuning.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/fakes/loopback_listener.hpp"

using mqchat::paho::acknowledge_now;
using mqchat::paho::send_without_delay;
using mqchat::paho::sockets_to;
using mqchat::paho::uri_ports;

namespace {

// A listening TCP socket on a free port of 127.0.0.1, and a client connected to it.
struct LoopbackPair {
  mqchat::fakes::LoopbackListener listener;
  int port = listener.port;
  int client = -1;
  int accepted = -1;

  LoopbackPair() {
    client = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(::connect(client, reinterpret_cast<const sockaddr*>(&listener.address),
                      sizeof listener.address) == 0);
    accepted = ::accept(listener.fd, nullptr, nullptr);
    REQUIRE(accepted >= 0);
  }
  ~LoopbackPair() {
    if (accepted >= 0) ::close(accepted);
    if (client >= 0) ::close(client);
  }
};

int option(int fd, int name) {
  int value = -1;
  socklen_t size = sizeof(value);
  REQUIRE(::getsockopt(fd, IPPROTO_TCP, name, &value, &size) == 0);
  return value;
}

}  // namespace

TEST_CASE("uri_ports reads the port of each paho URI", "[socket_tuning]") {
  CHECK(uri_ports({"tcp://127.0.0.1:1883", "ssl://broker.example:8883", "tcp://[::1]:18830"}) ==
        std::vector<int>{1883, 8883, 18830});
  CHECK(uri_ports({"tcp://[::1]", "tcp://host"}) == std::vector<int>{0, 0});
}

TEST_CASE("sockets_to finds the process's TCP sockets by their peer port", "[socket_tuning]") {
  LoopbackPair pair;
  auto found = sockets_to({pair.port});
  // The client's peer is the listening port; the accepted end's peer is the client's port.
  CHECK(std::find(found.begin(), found.end(), pair.client) != found.end());
  CHECK(std::find(found.begin(), found.end(), pair.accepted) == found.end());
  CHECK(std::find(found.begin(), found.end(), pair.listener.fd) == found.end());
  auto elsewhere = sockets_to({pair.port == 65535 ? 1 : pair.port + 1});
  CHECK(std::find(elsewhere.begin(), elsewhere.end(), pair.client) == elsewhere.end());
  CHECK(sockets_to({0}).empty());

  // A Unix socket pair has no peer port and is never taken for a broker connection.
  int unix_pair[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, unix_pair) == 0);
  auto again = sockets_to({pair.port});
  CHECK(std::find(again.begin(), again.end(), unix_pair[0]) == again.end());
  ::close(unix_pair[0]);
  ::close(unix_pair[1]);
}

TEST_CASE("send_without_delay turns Nagle's algorithm off", "[socket_tuning]") {
  LoopbackPair pair;
  REQUIRE(option(pair.client, TCP_NODELAY) == 0);  // the kernel's default, as paho leaves it
  send_without_delay(pair.client);
  CHECK(option(pair.client, TCP_NODELAY) != 0);
}

TEST_CASE("acknowledge_now leaves delayed-ACK mode and is harmless on what is not TCP",
          "[socket_tuning]") {
  LoopbackPair pair;
  // Linux reports TCP_QUICKACK as "not in delayed-ACK (pingpong) mode"; a fresh connection is
  // not, so enter it first, as a connection that both sends and receives does.
  int off = 0;
  REQUIRE(::setsockopt(pair.client, IPPROTO_TCP, TCP_QUICKACK, &off, sizeof(off)) == 0);
  REQUIRE(option(pair.client, TCP_QUICKACK) == 0);
  acknowledge_now(pair.client);
  CHECK(option(pair.client, TCP_QUICKACK) != 0);
  // Not a socket (a descriptor found earlier may be reused for anything): no crash, no change.
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  acknowledge_now(fds[0]);
  send_without_delay(fds[0]);
  char byte = 'x';
  REQUIRE(::write(fds[1], &byte, 1) == 1);
  REQUIRE(::read(fds[0], &byte, 1) == 1);  // the pipe still works
  ::close(fds[0]);
  ::close(fds[1]);
}
