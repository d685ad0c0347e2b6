#pragma once

#include <string>
#include <vector>

// paho.mqtt.c keeps its socket to itself and leaves Nagle's algorithm and delayed ACKs as the
// kernel sets them. Against a broker that also keeps Nagle on (mosquitto's default), each of
// two small packets in a row waits for the other side's delayed ACK, 40 ms on Linux. These
// reach paho's sockets from outside, through the process's own file descriptors.
namespace mqchat::paho {

/// The ports of paho URIs (tcp://host:port, ssl://[::1]:port); 0 where none is readable.
std::vector<int> uri_ports(const std::vector<std::string>& uris);

/// The connected TCP sockets of this process whose peer port is one of PORTS.
std::vector<int> sockets_to(const std::vector<int>& ports);

/// Turns Nagle's algorithm off on FD (TCP_NODELAY), so that a small packet we send after
/// another is not held back until the broker acknowledges the first.
void send_without_delay(int fd);

/// Sends the ACK of whatever FD received now instead of after the delayed-ACK timer
/// (TCP_QUICKACK), so that a broker with Nagle on sends its next small packet at once.
void acknowledge_now(int fd);

}  // namespace mqchat::paho
