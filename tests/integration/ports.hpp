#pragma once

#include <chrono>
#include <functional>

namespace itest {

/// A TCP port of 127.0.0.1 that was free a moment ago (bound to port 0, read, closed).
int free_port();

/// True when something accepts TCP connections on 127.0.0.1:PORT.
bool port_accepts(int port);

/// Polls until 127.0.0.1:PORT accepts or TIMEOUT passes; stops early when KEEP_GOING says no.
bool wait_port_accepts(int port, std::chrono::milliseconds timeout,
                       const std::function<bool()>& keep_going);

/// A listening socket that never accepts and never speaks: the kernel completes TCP handshakes,
/// so a client that tries to connect hangs until its own timeout, and the test can count the
/// attempts afterwards. It proves that a command did no network I/O at all.
class SilentListener {
 public:
  SilentListener();
  ~SilentListener();
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;

  int port() const { return port_; }
  /// Takes every connection queued since the last call and returns how many there were.
  int take_connections();

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace itest
