#include "core/broker/broker_accounts.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/broker/broker_config.hpp"
#include "core/store/files.hpp"
#include "core/wire/error.hpp"

namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "mqchat-accounts-test.XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

}  // namespace

TEST_CASE("adduser writes a private password file and the ACL, without the password",
          "[broker][accounts]") {
  TempDir t;
  const auto dir = t.path / "broker";
  CHECK(mqchat::add_broker_account(dir, "alice", "s3cret-pw"));
  CHECK(mqchat::add_broker_account(dir, "bob", "other-pw"));
  CHECK_FALSE(mqchat::add_broker_account(dir, "alice", "changed-pw"));
  CHECK(mqchat::broker_accounts(dir) == std::vector<std::string>{"alice", "bob"});
  const auto passwd = slurp(mqchat::password_file_path(dir));
  CHECK(passwd.find("s3cret") == std::string::npos);
  CHECK(passwd.find("changed-pw") == std::string::npos);
  CHECK(passwd.rfind("alice:$7$101$", 0) == 0);
  CHECK(mode_of(mqchat::password_file_path(dir)) == 0600);
  CHECK(mode_of(mqchat::acl_file_path(dir)) == 0600);
  CHECK(mode_of(dir) == 0700);
  CHECK(slurp(mqchat::acl_file_path(dir)) == mqchat::render_acl());

  mqchat::remove_broker_account(dir, "alice");
  CHECK(mqchat::broker_accounts(dir) == std::vector<std::string>{"bob"});
  try {
    mqchat::remove_broker_account(dir, "alice");
    FAIL("removed an account twice");
  } catch (const mqchat::Error& e) {
    CHECK(e.code() == mqchat::ExitCode::not_found);
  }
}

TEST_CASE("adduser refuses bad names and passwords before touching files", "[broker][accounts]") {
  TempDir t;
  const auto dir = t.path / "broker";
  CHECK_THROWS_AS(mqchat::add_broker_account(dir, "a/b", "pw"), mqchat::Error);
  CHECK_THROWS_AS(mqchat::add_broker_account(dir, "alice", "two\nlines"), mqchat::Error);
  CHECK_FALSE(fs::exists(mqchat::password_file_path(dir)));
}

TEST_CASE("a running broker is told to reload, a stopped one is not", "[broker][accounts]") {
  TempDir t;
  const auto dir = t.path;
  CHECK(mqchat::reload_running_broker(dir) == mqchat::BrokerReload::not_running);
  {
    // A lock held by nobody (as after a broker stopped) means not running.
    auto lock = mqchat::FileLock::acquire(mqchat::broker_lock_path(dir));
    lock.write_note("12345\n");
  }
  CHECK(mqchat::reload_running_broker(dir) == mqchat::BrokerReload::not_running);

  // A child that holds the lock like `broker start` and counts the SIGHUPs it gets.
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    ::sigprocmask(SIG_BLOCK, &hup, nullptr);
    auto lock = mqchat::FileLock::acquire(mqchat::broker_lock_path(dir));
    lock.write_note(std::to_string(::getpid()) + "\n");
    (void)!::write(ready[1], "x", 1);
    int sig = 0;
    ::sigwait(&hup, &sig);
    ::_exit(sig == SIGHUP ? 42 : 1);
  }
  char byte;
  REQUIRE(::read(ready[0], &byte, 1) == 1);
  CHECK(mqchat::reload_running_broker(dir) == mqchat::BrokerReload::signalled);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 42);
  ::close(ready[0]);
  ::close(ready[1]);
}
