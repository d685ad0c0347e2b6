#include "core/store/seen_ids.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "core/store/files.hpp"
#include "tests/fakes/fake_transport.hpp"

using mqchat::SeenIds;
using mqchat::fakes::TempDir;

namespace {

std::size_t lines_in(const std::filesystem::path& file) {
  auto text = mqchat::read_file(file).value_or("");
  std::size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

}  // namespace

TEST_CASE("seen ids remember what was added", "[seen_ids]") {
  TempDir tmp;
  SeenIds seen(tmp.path() / "seen_ids");
  CHECK_FALSE(seen.contains("a"));
  seen.add("a");
  CHECK(seen.contains("a"));
  CHECK(seen.size() == 1);
}

TEST_CASE("adding an id twice records it once", "[seen_ids]") {
  TempDir tmp;
  auto file = tmp.path() / "seen_ids";
  SeenIds seen(file);
  seen.add("a");
  seen.add("a");
  CHECK(seen.size() == 1);
  CHECK(lines_in(file) == 1);
}

TEST_CASE("implausible ids are not recorded", "[seen_ids]") {
  TempDir tmp;
  auto file = tmp.path() / "seen_ids";
  SeenIds seen(file);
  seen.add("");
  seen.add("has space");
  seen.add("new\nline");
  seen.add(std::string(129, 'x'));
  CHECK(seen.size() == 0);
  CHECK_FALSE(mqchat::read_file(file).has_value());
}

TEST_CASE("seen ids are reloaded from the file", "[seen_ids]") {
  TempDir tmp;
  auto file = tmp.path() / "state" / "seen_ids";
  {
    SeenIds seen(file);
    seen.add("one");
    seen.add("two");
  }
  SeenIds again(file);
  CHECK(again.contains("one"));
  CHECK(again.contains("two"));
  CHECK(again.size() == 2);

  SECTION("a torn last line is ignored, junk lines are skipped") {
    mqchat::write_file_atomic(file, "one\nbad id\n\ntwo\nthr");
    SeenIds torn(file);
    CHECK(torn.contains("one"));
    CHECK(torn.contains("two"));
    CHECK_FALSE(torn.contains("thr"));
    CHECK(torn.size() == 2);
  }
}

TEST_CASE("capacity keeps the newest ids", "[seen_ids]") {
  TempDir tmp;
  auto file = tmp.path() / "seen_ids";
  SeenIds seen(file, 3);
  for (auto id : {"a", "b", "c", "d"}) seen.add(id);
  CHECK(seen.size() == 3);
  CHECK_FALSE(seen.contains("a"));
  CHECK(seen.contains("b"));
  CHECK(seen.contains("d"));
}

TEST_CASE("the file is compacted to the newest ids at twice the capacity", "[seen_ids]") {
  TempDir tmp;
  auto file = tmp.path() / "seen_ids";
  {
    SeenIds seen(file, 3);
    for (auto id : {"a", "b", "c", "d", "e"}) seen.add(id);
    CHECK(lines_in(file) == 5);
    seen.add("f");  // the sixth line: 2 x capacity
    CHECK(lines_in(file) == 3);
    CHECK(mqchat::read_file(file) == std::optional<std::string>("d\ne\nf\n"));
    seen.add("g");
    CHECK(lines_in(file) == 4);
  }
  SeenIds reloaded(file, 3);
  CHECK(reloaded.size() == 3);
  CHECK(reloaded.contains("e"));
  CHECK(reloaded.contains("f"));
  CHECK(reloaded.contains("g"));
  CHECK_FALSE(reloaded.contains("d"));
}

TEST_CASE("reloading a file longer than the capacity keeps its newest ids", "[seen_ids]") {
  TempDir tmp;
  auto file = tmp.path() / "seen_ids";
  mqchat::write_file_atomic(file, "1\n2\n3\n4\n5\n");
  SeenIds seen(file, 2);
  CHECK(seen.size() == 2);
  CHECK(seen.contains("4"));
  CHECK(seen.contains("5"));
  CHECK_FALSE(seen.contains("3"));
  // The file already holds 2 x capacity lines or more: the next add compacts it.
  seen.add("6");
  CHECK(mqchat::read_file(file) == std::optional<std::string>("5\n6\n"));
}

TEST_CASE("ids added after a torn last line start on a line of their own", "[seen_ids]") {
  TempDir tmp;
  auto file = tmp.path() / "seen_ids";
  mqchat::write_file_atomic(file, "one\nthr");
  {
    SeenIds seen(file);
    seen.add("two");    // the first append ends the torn line
    seen.add("three");  // later ones go straight to the open file
  }
  CHECK(mqchat::read_file(file) == std::optional<std::string>("one\nthr\ntwo\nthree\n"));
  SeenIds reloaded(file);
  CHECK(reloaded.contains("two"));
  CHECK(reloaded.contains("three"));
}
