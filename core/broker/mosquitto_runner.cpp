#include "core/broker/mosquitto_runner.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "core/broker/broker_accounts.hpp"
#include "core/store/files.hpp"
#include "core/wire/error.hpp"

namespace mqchat {

namespace fs = std::filesystem;

namespace {

// Closes a file descriptor on every path out of a function.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

std::string errno_text(int err) { return std::strerror(err); }

bool is_executable_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

// Tries to bind one resolved address the way mosquitto will (SO_REUSEADDR, IPv6 only on IPv6
// sockets), so "free" here means mosquitto can listen there too. Returns 0 or an errno.
int try_bind(const addrinfo& ai) {
  Fd sock(::socket(ai.ai_family, ai.ai_socktype, ai.ai_protocol));
  if (sock.get() < 0) return errno == EAFNOSUPPORT ? 0 : errno;
  int on = 1;
  ::setsockopt(sock.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (ai.ai_family == AF_INET6) {
    ::setsockopt(sock.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  }
  return ::bind(sock.get(), ai.ai_addr, ai.ai_addrlen) == 0 ? 0 : errno;
}

// mosquitto would only say so in its log, after it started listening on the plain port.
void check_readable(const fs::path& path, const std::string& what, const std::string& option) {
  if (::access(path.c_str(), R_OK) != 0) {
    throw failure("cannot read the " + what + " '" + path.string() + "': " + errno_text(errno) +
                  " (see " + option + ")");
  }
}

bool is_stop_signal(int sig) { return sig == SIGINT || sig == SIGTERM; }

// Waits for PID while passing on the signals in FORWARD that arrive meanwhile. The signals are
// blocked, so sigtimedwait collects them; the timeout re-checks the child even if SIGCHLD is lost.
int wait_forwarding(pid_t pid, const sigset_t& forward) {
  bool stopping = false;
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      const int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
      return stopping && is_stop_signal(sig) ? 0 : 128 + sig;
    }
    if (done < 0 && errno != EINTR)
      throw failure("cannot wait for mosquitto: " + errno_text(errno));
    timespec tick{0, 200 * 1000 * 1000};
    const int sig = ::sigtimedwait(&forward, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
      // The child is not reaped yet, so PID cannot have been reused.
      ::kill(pid, sig);
      stopping = stopping || is_stop_signal(sig);
    }
  }
}

// Blocks the forwarded signals (and SIGCHLD) for its lifetime, so they queue up for
// sigtimedwait instead of killing us. On the way out it consumes those that arrived after the
// child ended: unblocking must not kill us with a signal meant for the child.
class SignalBlock {
 public:
  SignalBlock() {
    sigemptyset(&set_);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&set_, sig);
    ::pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }
  ~SignalBlock() {
    timespec zero{0, 0};
    while (::sigtimedwait(&set_, nullptr, &zero) > 0) {
    }
    ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SignalBlock(const SignalBlock&) = delete;
  SignalBlock& operator=(const SignalBlock&) = delete;
  const sigset_t& set() const { return set_; }
  const sigset_t& old_mask() const { return old_; }

 private:
  sigset_t set_;
  sigset_t old_;
};

// Forks and executes ARGS (args[0] is the executable's path; no shell). Returns the child's pid
// once exec succeeded; throws a failure Error saying why when it did not.
pid_t spawn(const std::vector<std::string>& args, const sigset_t& child_mask) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  // A close-on-exec pipe tells us whether exec failed, and why, without guessing from the status.
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    throw failure("cannot start mosquitto: " + errno_text(errno));
  }
  Fd report_read(report[0]);
  Fd report_write(report[1]);

  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw failure("cannot start mosquitto: " + errno_text(errno));
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec.
#ifdef __linux__
    // A SIGKILLed mqchat must not leave an orphaned broker holding the port.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
#endif
    ::sigprocmask(SIG_SETMASK, &child_mask, nullptr);
    // mqchat ignores SIGPIPE, and ignored signals survive exec: give mosquitto the default.
    ::signal(SIGPIPE, SIG_DFL);
    ::execv(argv[0], argv.data());
    const int err = errno;
    (void)!::write(report[1], &err, sizeof err);
    ::_exit(127);
  }

  ::close(report_write.release());
  int exec_errno = 0;
  ssize_t n;
  do {
    n = ::read(report_read.get(), &exec_errno, sizeof exec_errno);
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof exec_errno)) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    throw failure("cannot run '" + args[0] + "': " + errno_text(exec_errno));
  }
  return pid;
}

// Runs ARGS in the foreground, forwarding signals, and returns its exit status.
int run_foreground(const std::vector<std::string>& args) {
  SignalBlock block;
  const pid_t pid = spawn(args, block.old_mask());
  return wait_forwarding(pid, block.set());
}

}  // namespace

fs::path find_mosquitto(const std::optional<std::string>& path_env,
                        const std::vector<fs::path>& fallback_dirs) {
  std::vector<fs::path> dirs;
  if (path_env) {
    std::string::size_type start = 0;
    while (start <= path_env->size()) {
      auto end = path_env->find(':', start);
      if (end == std::string::npos) end = path_env->size();
      // An empty entry would mean the current directory: never run a broker from there.
      if (end > start) dirs.emplace_back(path_env->substr(start, end - start));
      start = end + 1;
    }
  }
  dirs.insert(dirs.end(), fallback_dirs.begin(), fallback_dirs.end());
  for (const auto& dir : dirs) {
    const fs::path candidate = dir / "mosquitto";
    if (is_executable_file(candidate)) return fs::absolute(candidate);
  }
  throw failure("mosquitto not found: install it with 'apt-get install mosquitto'");
}

void check_port_free(const std::string& bind, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(bind.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (rc != 0) {
    throw usage_error("cannot resolve bind address '" + bind + "': " + ::gai_strerror(rc));
  }
  // mosquitto listens on every address the name resolves to, so each must be free.
  int err = 0;
  for (const addrinfo* ai = found; ai && err == 0; ai = ai->ai_next) err = try_bind(*ai);
  ::freeaddrinfo(found);

  const std::string where = "port " + std::to_string(port) + " on " + bind;
  if (err == 0) return;
  if (err == EADDRINUSE) throw failure(where + " is in use: choose another with --port");
  if (err == EACCES) throw failure(where + " needs root: choose a port above 1023 with --port");
  if (err == EADDRNOTAVAIL) {
    throw failure("cannot listen on '" + bind + "': not an address of this machine (see --bind)");
  }
  throw failure("cannot listen on " + where + ": " + errno_text(err));
}

int run_mosquitto(const BrokerOptions& opts, const fs::path& mosquitto,
                  const std::function<void()>& starting) {
  validate_broker_options(opts);
  // Checked first so a busy port gives our one-line hint rather than mosquitto's log.
  check_port_free(opts.bind, opts.port);
  // 0700: the database holds every queued message and the whole user directory.
  ensure_private_dir(opts.data_dir);
  // Two brokers on one data dir would overwrite each other's config and database. The lock
  // dies with this process, so a killed broker never blocks the next start.
  auto lock = FileLock::try_acquire(broker_lock_path(opts.data_dir));
  if (!lock) {
    throw failure("a broker is already running with data dir '" + opts.data_dir.string() +
                  "': stop it, or choose another with --data-dir");
  }
  // `broker adduser` and `deluser` send SIGHUP to this pid, which we pass on to mosquitto.
  lock->write_note(std::to_string(::getpid()) + "\n");
  if (opts.auth) prepare_auth_files(opts.data_dir);
  if (opts.tls) {
    check_readable(opts.tls->cert, "TLS certificate", "--cert");
    check_readable(opts.tls->key, "TLS private key", "--key");
    check_port_free(opts.bind, opts.tls->port);
  }
  const fs::path config = mosquitto_config_path(opts);
  write_file_atomic(config, render_mosquitto_config(opts));
  if (starting) starting();
  return run_foreground({mosquitto.string(), "-c", config.string()});
}

}  // namespace mqchat
