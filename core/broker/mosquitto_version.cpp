#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <regex>

#include "core/module/library_versions.hpp"

namespace mqchat {

std::optional<std::string> mosquitto_version(const std::filesystem::path& program) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return std::nullopt;
  }
  if (pid == 0) {
    // mosquitto prints its usage, version first, on stdout for -h; never through a shell.
    ::dup2(fds[1], STDOUT_FILENO);
    int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
      ::dup2(null, STDIN_FILENO);
      ::dup2(null, STDERR_FILENO);
    }
    const std::string path = program.string();
    char* argv[] = {const_cast<char*>(path.c_str()), const_cast<char*>("-h"), nullptr};
    ::execv(path.c_str(), argv);
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while (out.size() < 65536 && (n = ::read(fds[0], buf, sizeof buf)) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::smatch m;
  static const std::regex kVersion(R"(mosquitto version ([0-9][0-9A-Za-z.+~-]*))");
  if (std::regex_search(out, m, kVersion)) return m[1].str();
  return std::nullopt;
}

}  // namespace mqchat
