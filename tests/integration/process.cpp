#include "tests/integration/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace itest {

namespace {

using Clock = std::chrono::steady_clock;

// Writing to a child that already exited must not kill the test runner; children still get
// the default disposition back through posix_spawnattr_setsigdefault.
void ignore_sigpipe_once() {
  static std::once_flag once;
  std::call_once(once, [] { ::signal(SIGPIPE, SIG_IGN); });
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

std::string quote_command(const std::string& program, const std::vector<std::string>& args) {
  std::string text = program;
  for (const auto& arg : args) {
    text += ' ';
    if (arg.size() > 80) {
      text += "'" + arg.substr(0, 40) + "...(" + std::to_string(arg.size()) + " bytes)'";
    } else if (arg.empty() || arg.find_first_of(" \t\n'\"\\$*?#&|;<>()") != std::string::npos) {
      text += "'" + arg + "'";
    } else {
      text += arg;
    }
  }
  return text;
}

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

struct SpawnResources {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnResources() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnResources() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

void make_pipe(int fds[2]) {
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  }
}

}  // namespace

Process::Process(const std::string& program, const std::vector<std::string>& args,
                 SpawnOptions options)
    : command_(quote_command(program, args)) {
  ignore_sigpipe_once();
  SpawnResources spawn;
  int in_pipe[2] = {-1, -1};
  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  if (options.input) {
    make_pipe(in_pipe);
    posix_spawn_file_actions_adddup2(&spawn.actions, in_pipe[0], 0);
  } else {
    posix_spawn_file_actions_addopen(&spawn.actions, 0, "/dev/null", O_RDONLY, 0);
  }
  if (options.output_file) {
    posix_spawn_file_actions_addopen(&spawn.actions, 1, options.output_file->c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&spawn.actions, 1, 2);
  } else {
    make_pipe(out_pipe);
    make_pipe(err_pipe);
    posix_spawn_file_actions_adddup2(&spawn.actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&spawn.actions, err_pipe[1], 2);
  }

  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&defaults, sig);
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&spawn.attr, &defaults);
  posix_spawnattr_setsigmask(&spawn.attr, &empty);
  posix_spawnattr_setflags(&spawn.attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> argv_strings;
  argv_strings.push_back(program);
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& s : options.env) envp.push_back(s.data());
  envp.push_back(nullptr);

  int rc = ::posix_spawn(&pid_, program.c_str(), &spawn.actions, &spawn.attr, argv.data(),
                         options.env.empty() ? environ : envp.data());
  for (int fd : {in_pipe[0], out_pipe[1], err_pipe[1]}) {
    if (fd >= 0) ::close(fd);
  }
  in_fd_ = in_pipe[1];
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
  if (rc != 0) {
    pid_ = -1;
    exited_ = true;
    close_fd(in_fd_);
    close_fd(out_fd_);
    close_fd(err_fd_);
    throw std::runtime_error("cannot start " + command_ + ": " + std::strerror(rc));
  }
  for (int fd : {in_fd_, out_fd_, err_fd_}) {
    if (fd >= 0) set_nonblocking(fd);
  }
  input_open_ = options.keep_input_open;
  if (options.input) {
    input_ = std::move(*options.input);
    if (input_.empty() && !input_open_) close_fd(in_fd_);
  }
}

void Process::write_input(const std::string& text) {
  if (in_fd_ < 0) throw std::runtime_error("the stdin of " + command_ + " is closed");
  input_ += text;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (in_fd_ >= 0 && input_written_ < input_.size() &&
         std::chrono::steady_clock::now() < deadline) {
    pump(100);
  }
}

void Process::close_input() {
  input_open_ = false;
  if (in_fd_ >= 0 && input_written_ == input_.size()) close_fd(in_fd_);
}

Process::~Process() {
  if (!exited_) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
  close_fd(in_fd_);
  close_fd(out_fd_);
  close_fd(err_fd_);
}

void Process::close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// One round of I/O: waits up to TIMEOUT_MS for any pipe to be ready, then moves what is
// ready. Returns true when something was read, written or closed.
bool Process::pump(int timeout_ms) {
  pollfd fds[3];
  int count = 0;
  // An open stdin with nothing to write is not polled: it would be writable at once, always.
  if (in_fd_ >= 0 && input_written_ < input_.size()) fds[count++] = {in_fd_, POLLOUT, 0};
  if (out_fd_ >= 0) fds[count++] = {out_fd_, POLLIN, 0};
  if (err_fd_ >= 0) fds[count++] = {err_fd_, POLLIN, 0};
  if (count == 0) {
    if (timeout_ms > 0) ::usleep(static_cast<useconds_t>(std::min(timeout_ms, 20)) * 1000);
    return false;
  }
  int ready = ::poll(fds, static_cast<nfds_t>(count), timeout_ms);
  if (ready <= 0) return false;
  bool progress = false;
  char buffer[65536];
  for (int i = 0; i < count; ++i) {
    if (fds[i].revents == 0) continue;
    int fd = fds[i].fd;
    if (fd == in_fd_) {
      ssize_t n = ::write(fd, input_.data() + input_written_, input_.size() - input_written_);
      if (n > 0) input_written_ += static_cast<std::size_t>(n);
      if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
          (input_written_ == input_.size() && !input_open_)) {
        close_fd(in_fd_);
      }
      progress = true;
      continue;
    }
    for (;;) {
      ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n > 0) {
        progress = true;
        if (fd == out_fd_) {
          out_all_.append(buffer, static_cast<std::size_t>(n));
          out_pending_.append(buffer, static_cast<std::size_t>(n));
        } else {
          err_.append(buffer, static_cast<std::size_t>(n));
        }
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n == 0 || errno != EAGAIN) {
        progress = true;
        if (fd == out_fd_)
          close_fd(out_fd_);
        else
          close_fd(err_fd_);
      }
      break;
    }
  }
  return progress;
}

bool Process::reap(bool block) {
  if (exited_) return true;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r != pid_) return false;
  exited_ = true;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  close_fd(in_fd_);
  return true;
}

void Process::drain() {
  // A grandchild may keep the pipes open after the child exited, so never wait for EOF here.
  while (pump(0)) {
  }
}

std::optional<std::string> Process::read_line(Millis timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    auto newline = out_pending_.find('\n');
    if (newline != std::string::npos) {
      std::string line = out_pending_.substr(0, newline);
      out_pending_.erase(0, newline + 1);
      return line;
    }
    if (out_fd_ < 0) {
      if (out_pending_.empty()) return std::nullopt;
      std::string rest;
      rest.swap(out_pending_);
      return rest;
    }
    int left = remaining_ms(deadline);
    if (left == 0) return std::nullopt;
    pump(std::min(left, 100));
  }
}

std::optional<int> Process::wait_exit(Millis timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    if (reap(false)) {
      drain();
      return exit_code_;
    }
    int left = remaining_ms(deadline);
    if (left == 0) return std::nullopt;
    pump(std::min(left, 20));
  }
}

bool Process::running() { return !reap(false); }

void Process::signal(int sig) {
  // An unreaped child keeps its PID (as a zombie at worst), so this never hits a stranger.
  if (!exited_) ::kill(pid_, sig);
}

int Process::kill_and_wait() {
  if (!exited_) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
  drain();
  return exit_code_;
}

std::string Process::describe() const {
  std::ostringstream s;
  s << "command: " << command_ << "\n";
  s << "state: " << (exited_ ? "exited with " + std::to_string(exit_code_) : "running") << "\n";
  s << "stdout:\n" << out_all_ << (out_all_.empty() || out_all_.back() == '\n' ? "" : "\n");
  s << "stderr:\n" << err_ << (err_.empty() || err_.back() == '\n' ? "" : "\n");
  return s.str();
}

RunResult run_process(const std::string& program, const std::vector<std::string>& args,
                      SpawnOptions options, Millis timeout) {
  auto start = Clock::now();
  Process process(program, args, std::move(options));
  RunResult result;
  result.command = process.command();
  auto code = process.wait_exit(timeout);
  if (code) {
    result.exit_code = *code;
  } else {
    process.kill_and_wait();
    result.timed_out = true;
  }
  result.elapsed = std::chrono::duration_cast<Millis>(Clock::now() - start);
  result.out = process.out();
  result.err = process.err();
  return result;
}

std::string describe(const RunResult& r) {
  std::ostringstream s;
  s << "command: " << r.command << "\n";
  s << "exit code: " << r.exit_code << (r.timed_out ? " (timed out, killed)" : "") << " after "
    << r.elapsed.count() << " ms\n";
  s << "stdout:\n" << r.out << (r.out.empty() || r.out.back() == '\n' ? "" : "\n");
  s << "stderr:\n" << r.err << (r.err.empty() || r.err.back() == '\n' ? "" : "\n");
  return s.str();
}

std::optional<std::string> find_program(const std::string& name) {
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH")) {
    std::istringstream in(path);
    for (std::string dir; std::getline(in, dir, ':');) {
      if (!dir.empty()) dirs.push_back(dir);
    }
  }
  for (const char* dir : {"/usr/sbin", "/usr/local/sbin", "/sbin"}) dirs.emplace_back(dir);
  for (const auto& dir : dirs) {
    std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

}  // namespace itest
