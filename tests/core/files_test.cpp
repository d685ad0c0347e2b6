#include "core/store/files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/wire/error.hpp"
#include "tests/fakes/fake_transport.hpp"

namespace fs = std::filesystem;
using mqchat::fakes::TempDir;

namespace {

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("write_file_atomic replaces the file and leaves no temp file", "[files]") {
  TempDir tmp;
  auto file = tmp.path() / "config.yaml";
  mqchat::write_file_atomic(file, "one\n");
  CHECK(mqchat::read_file(file) == std::optional<std::string>("one\n"));
  mqchat::write_file_atomic(file, "two\n");
  CHECK(mqchat::read_file(file) == std::optional<std::string>("two\n"));
  CHECK(names_in(tmp.path()) == std::vector<std::string>{"config.yaml"});
}

TEST_CASE("write_file_atomic creates 0600 files in 0700 directories", "[files]") {
  TempDir tmp;
  auto file = tmp.path() / "a" / "b" / "profile.yaml";
  mqchat::write_file_atomic(file, "x");
  CHECK(mode_of(file) == 0600);
  CHECK(mode_of(tmp.path() / "a") == 0700);
  CHECK(mode_of(tmp.path() / "a" / "b") == 0700);
}

TEST_CASE("write_file_atomic keeps an empty content and binary bytes", "[files]") {
  TempDir tmp;
  auto file = tmp.path() / "f";
  mqchat::write_file_atomic(file, "");
  CHECK(mqchat::read_file(file) == std::optional<std::string>(""));
  std::string bytes("\0\xff\n\x01", 4);
  mqchat::write_file_atomic(file, bytes);
  CHECK(mqchat::read_file(file) == std::optional<std::string>(bytes));
}

TEST_CASE("a failed write_file_atomic names the file and leaves no temp file", "[files]") {
  TempDir tmp;
  auto target = tmp.path() / "x.yaml";
  mqchat::ensure_private_dir(target / "in-the-way");  // rename() cannot replace a full directory
  try {
    mqchat::write_file_atomic(target, "x");
    FAIL("no error");
  } catch (const mqchat::Error& e) {
    CHECK(e.code() == mqchat::ExitCode::failure);
    CHECK_THAT(e.what(), Catch::Contains("x.yaml"));
  }
  CHECK(names_in(tmp.path()) == std::vector<std::string>{"x.yaml"});
}

TEST_CASE("read_file of a missing file is nullopt", "[files]") {
  TempDir tmp;
  CHECK_FALSE(mqchat::read_file(tmp.path() / "nope").has_value());
}

TEST_CASE("read_file of a directory is an error naming it", "[files]") {
  TempDir tmp;
  try {
    (void)mqchat::read_file(tmp.path());
    FAIL("no error");
  } catch (const mqchat::Error& e) {
    CHECK_THAT(e.what(), Catch::Contains(tmp.path().string()));
  }
}

TEST_CASE("ensure_private_dir creates parents with 0700 and accepts an existing dir", "[files]") {
  TempDir tmp;
  auto dir = tmp.path() / "x" / "y" / "z";
  mqchat::ensure_private_dir(dir);
  CHECK(fs::is_directory(dir));
  CHECK(mode_of(tmp.path() / "x") == 0700);
  CHECK(mode_of(dir) == 0700);
  CHECK_NOTHROW(mqchat::ensure_private_dir(dir));
}

TEST_CASE("ensure_private_dir over a regular file is an error naming it", "[files]") {
  TempDir tmp;
  auto file = tmp.path() / "plain";
  mqchat::write_file_atomic(file, "x");
  CHECK_THROWS_WITH(mqchat::ensure_private_dir(file / "sub"), Catch::Contains("plain"));
}

TEST_CASE("append_line_locked appends, creating a 0600 file", "[files]") {
  TempDir tmp;
  auto file = tmp.path() / "state" / "log";
  mqchat::append_line_locked(file, "a\n");
  mqchat::append_line_locked(file, "b\n");
  CHECK(mqchat::read_file(file) == std::optional<std::string>("a\nb\n"));
  CHECK(mode_of(file) == 0600);
}

TEST_CASE("append_line_locked from several threads never interleaves lines", "[files]") {
  TempDir tmp;
  auto file = tmp.path() / "log";
  const std::string long_line = std::string(5000, 'x') + "\n";
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) mqchat::append_line_locked(file, long_line);
    });
  }
  for (auto& t : threads) t.join();
  auto text = mqchat::read_file(file).value();
  CHECK(text.size() == 200 * long_line.size());
  std::size_t start = 0;
  int lines = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    REQUIRE(end != std::string::npos);
    CHECK(end - start == 5000);
    start = end + 1;
    ++lines;
  }
  CHECK(lines == 200);
}

TEST_CASE("FileLock::try_acquire fails while the lock is held, also in the same process",
          "[files]") {
  TempDir tmp;
  auto path = tmp.path() / "locks" / "listen.lock";
  auto first = mqchat::FileLock::try_acquire(path);
  REQUIRE(first.has_value());
  CHECK(mode_of(path) == 0600);
  // flock locks belong to the open file description, so a second open() conflicts even here.
  CHECK_FALSE(mqchat::FileLock::try_acquire(path).has_value());
  SECTION("and succeeds once the holder is gone") {
    first.reset();
    CHECK(mqchat::FileLock::try_acquire(path).has_value());
  }
  SECTION("a moved lock is still held; the moved-from one releases nothing") {
    mqchat::FileLock moved = std::move(*first);
    first.reset();
    CHECK_FALSE(mqchat::FileLock::try_acquire(path).has_value());
  }
}

TEST_CASE("FileLock::acquire blocks until the holder releases", "[files]") {
  TempDir tmp;
  auto path = tmp.path() / "lock";
  auto held = std::optional<mqchat::FileLock>(mqchat::FileLock::acquire(path));
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    auto lock = mqchat::FileLock::acquire(path);
    got = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  CHECK_FALSE(got.load());
  held.reset();
  waiter.join();
  CHECK(got.load());
}

TEST_CASE("FileLock::write_note replaces the lock file's text", "[files]") {
  TempDir tmp;
  auto path = tmp.path() / "lock";
  auto lock = mqchat::FileLock::acquire(path);
  lock.write_note("12345");
  CHECK(mqchat::read_file(path) == std::optional<std::string>("12345"));
  lock.write_note("7");
  CHECK(mqchat::read_file(path) == std::optional<std::string>("7"));
}
