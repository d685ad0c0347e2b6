#include "cmd/exec_hook.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/wire/error.hpp"

extern char** environ;

namespace mqchat {

namespace {

std::vector<std::string> split_words(const std::string& command) {
  std::vector<std::string> words;
  std::string word;
  for (char c : command) {
    if (c == ' ' || c == '\t') {
      if (!word.empty()) words.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(word);
  return words;
}

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

bool found_on_path(const std::string& program) {
  if (program.find('/') != std::string::npos) return is_executable_file(program);
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    auto end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (is_executable_file((dir.empty() ? "." : dir) + "/" + program)) return true;
    start = end + 1;
  }
  return false;
}

// The text as a file descriptor at offset 0: an unlinked temporary file never fills up the way
// a pipe does, so a program that ignores its stdin cannot block listen.
int stdin_for(const std::string& text) {
  std::FILE* f = std::tmpfile();
  if (!f) return -1;
  int fd = ::dup(fileno(f));
  std::fclose(f);
  if (fd < 0) return -1;
  std::size_t done = 0;
  while (done < text.size()) {
    auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return -1;
    }
    done += static_cast<std::size_t>(n);
  }
  ::lseek(fd, 0, SEEK_SET);
  return fd;
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) {
    int code = WEXITSTATUS(status);
    return code == 0 ? "" : "exited with status " + std::to_string(code);
  }
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "ended abnormally";
}

const char* const kFieldVariables[] = {"MQCHAT_ID",      "MQCHAT_TYPE",  "MQCHAT_FROM",
                                       "MQCHAT_TO",      "MQCHAT_GROUP", "MQCHAT_SENT_AT",
                                       "MQCHAT_VERIFIED"};

bool is_field_variable(const char* entry) {
  for (const char* name : kFieldVariables) {
    auto len = std::strlen(name);
    if (std::strncmp(entry, name, len) == 0 && entry[len] == '=') return true;
  }
  return false;
}

}  // namespace

ExecHook::ExecHook(const std::string& command) : argv_(split_words(command)) {
  if (argv_.empty()) throw usage_error("--exec needs a command, e.g. --exec 'notify-send mqchat'");
  if (!found_on_path(argv_[0])) {
    throw usage_error("--exec: program '" + argv_[0] +
                      "' not found or not executable (give a path or fix PATH)");
  }
}

std::vector<std::string> exec_environment(const Envelope& e, char** base) {
  std::vector<std::string> env;
  for (char** p = base; p && *p; ++p) {
    if (!is_field_variable(*p)) env.emplace_back(*p);
  }
  env.push_back("MQCHAT_ID=" + e.id);
  env.push_back("MQCHAT_TYPE=" + std::string(to_string(e.type)));
  env.push_back("MQCHAT_FROM=" + e.from);
  env.push_back("MQCHAT_TO=" + e.to);
  env.push_back("MQCHAT_GROUP=" + e.group);
  env.push_back("MQCHAT_SENT_AT=" + e.sent_at);
  env.push_back(std::string("MQCHAT_VERIFIED=") + (e.verified ? "true" : "false"));
  return env;
}

std::string ExecHook::run(const Envelope& envelope) const {
  int in_fd = stdin_for(envelope.text);
  if (in_fd < 0)
    return std::string("could not write the message to a temporary file: ") + std::strerror(errno);
  auto env = exec_environment(envelope, environ);
  std::vector<char*> argv_ptrs, env_ptrs;
  for (const auto& a : argv_) argv_ptrs.push_back(const_cast<char*>(a.c_str()));
  argv_ptrs.push_back(nullptr);
  for (const auto& v : env) env_ptrs.push_back(const_cast<char*>(v.c_str()));
  env_ptrs.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_fd, STDIN_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // mqchat ignores SIGPIPE, and an ignored signal stays ignored across exec: the program gets
  // the defaults a shell would give it.
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);

  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv_ptrs[0], &actions, &attr, argv_ptrs.data(), env_ptrs.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(in_fd);
  if (rc != 0) return std::string("could not start: ") + std::strerror(rc);

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return std::string("could not wait for it: ") + std::strerror(errno);
  }
  return describe_status(status);
}

}  // namespace mqchat
