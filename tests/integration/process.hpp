#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace itest {

using Millis = std::chrono::milliseconds;

/// How to start a child process.
struct SpawnOptions {
  std::vector<std::string> env;                      ///< "KEY=VALUE" entries; empty: inherit ours
  std::optional<std::string> input;                  ///< stdin contents; nullopt: /dev/null
  std::optional<std::filesystem::path> output_file;  ///< stdout and stderr go here, not to pipes
  bool keep_input_open = false;  ///< stdin stays open after INPUT for write_input/close_input
};

/// A child started with posix_spawn (never through a shell). Its stdout and stderr are read
/// through pipes on demand; the destructor kills and reaps it, so no process outlives its owner.
/// Only ever signals the PID it started, and only before reaping it.
class Process {
 public:
  /// Starts PROGRAM with ARGS (argv[0] is PROGRAM); throws std::runtime_error when it cannot.
  Process(const std::string& program, const std::vector<std::string>& args, SpawnOptions options);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  /// The next line of stdout without its newline, or nullopt when none came within TIMEOUT or
  /// stdout ended. Stderr is collected meanwhile, so the child never blocks on a full pipe.
  std::optional<std::string> read_line(Millis timeout);
  /// The exit code (128 + signal when killed), or nullopt if still running after TIMEOUT.
  std::optional<int> wait_exit(Millis timeout);
  /// True until the child has exited (and is then reaped).
  bool running();
  /// Sends SIG to the child unless it has already been reaped.
  void signal(int sig);
  /// SIGKILLs the child if it still runs and reaps it; returns its exit code.
  int kill_and_wait();

  pid_t pid() const { return pid_; }
  /// The command line, for failure messages.
  const std::string& command() const { return command_; }
  /// Everything read from stdout so far (including lines already returned by read_line).
  const std::string& out() const { return out_all_; }
  /// Everything read from stderr so far; call drain() first for the latest.
  const std::string& err() const { return err_; }
  /// Reads whatever the pipes hold right now, without waiting.
  void drain();
  /// Writes TEXT to the child's stdin (started with keep_input_open), waiting until it is
  /// written (at most 10 s: the child may be stuck).
  void write_input(const std::string& text);
  /// Ends the child's stdin once everything given was written.
  void close_input();
  /// Command, state, stdout and stderr, for failure messages.
  std::string describe() const;

 private:
  bool pump(int timeout_ms);
  bool reap(bool block);
  void close_fd(int& fd);

  pid_t pid_ = -1;
  std::string command_;
  int in_fd_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string input_;
  std::size_t input_written_ = 0;
  bool input_open_ = false;  // more input may come (keep_input_open, until close_input)
  std::string out_all_;
  std::string out_pending_;  // the part of stdout read_line has not returned yet
  std::string err_;
  bool exited_ = false;
  int exit_code_ = -1;
};

/// What a finished child did.
struct RunResult {
  std::string command;
  int exit_code = -1;  ///< 128 + signal when killed; -1 when it timed out
  std::string out;
  std::string err;
  Millis elapsed{0};
  bool timed_out = false;
};

/// Runs PROGRAM to completion, killing it after TIMEOUT (then timed_out is set).
RunResult run_process(const std::string& program, const std::vector<std::string>& args,
                      SpawnOptions options, Millis timeout);

/// Command, exit code, time, stdout and stderr of R, for failure messages.
std::string describe(const RunResult& r);

/// The absolute path of an executable NAME found on PATH or in the sbin directories, or nullopt.
std::optional<std::string> find_program(const std::string& name);

}  // namespace itest
