#include "core/store/history.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/store/files.hpp"
#include "tests/fakes/fake_transport.hpp"

using mqchat::Envelope;
using mqchat::History;
using mqchat::HistoryEntry;
using mqchat::MessageType;
using mqchat::fakes::TempDir;

namespace {

Envelope dm(const std::string& id, const std::string& from, const std::string& to,
            const std::string& text) {
  return Envelope{id, MessageType::dm, from, to, {}, text, "2026-11-25T13:32:07.123Z"};
}

}  // namespace

TEST_CASE("a missing history file is an empty history", "[history]") {
  TempDir tmp;
  auto r = History(tmp.path() / "history.jsonl").read();
  CHECK(r.entries.empty());
  CHECK(r.bad_lines == 0);
}

TEST_CASE("history entries are read back in the order appended", "[history]") {
  TempDir tmp;
  History h(tmp.path() / "state" / "history.jsonl");
  h.append({HistoryEntry{dm("1", "alice", "bob", "hi"), true}});
  h.append({HistoryEntry{dm("2", "bob", "alice", "hello\nsecond line"), false},
            HistoryEntry{
                Envelope{"3", MessageType::group, "bob", {}, "ops", "x", "2026-11-25T13:33:00Z"},
                false}});
  h.append({});
  auto r = h.read();
  CHECK(r.bad_lines == 0);
  REQUIRE(r.entries.size() == 3);
  CHECK(r.entries[0].message.id == "1");
  CHECK(r.entries[0].outgoing);
  CHECK(r.entries[0].message.to == "bob");
  CHECK(r.entries[1].message.text == "hello\nsecond line");
  CHECK_FALSE(r.entries[1].outgoing);
  CHECK(r.entries[2].message.type == MessageType::group);
  CHECK(r.entries[2].message.group == "ops");
}

TEST_CASE("a history entry's JSON has a direction", "[history]") {
  auto j = mqchat::to_json(HistoryEntry{dm("1", "alice", "bob", "hi"), true});
  CHECK(j.at("direction") == "out");
  CHECK(j.at("id") == "1");
  CHECK(j.at("to") == "bob");
  CHECK(mqchat::to_json(HistoryEntry{dm("1", "alice", "bob", "hi"), false}).at("direction") ==
        "in");
}

TEST_CASE("a torn last line and bad lines are skipped and counted", "[history]") {
  TempDir tmp;
  History h(tmp.path() / "history.jsonl");
  h.append({HistoryEntry{dm("1", "alice", "bob", "one"), true}});
  auto good = mqchat::read_file(h.file()).value();
  SECTION("a torn last line") {
    mqchat::write_file_atomic(h.file(), good + good.substr(0, good.size() / 2));
    auto r = h.read();
    CHECK(r.entries.size() == 1);
    CHECK(r.bad_lines == 1);
  }
  SECTION("a complete last line without its newline is still read") {
    mqchat::write_file_atomic(h.file(), good + good.substr(0, good.size() - 1));
    auto r = h.read();
    CHECK(r.entries.size() == 2);
    CHECK(r.bad_lines == 0);
  }
  SECTION("garbage, JSON that is no message, and blank lines") {
    mqchat::write_file_atomic(h.file(), "garbage\n" + good + "\n\n[1,2]\n{\"id\":\"x\"}\n" + good);
    auto r = h.read();
    CHECK(r.entries.size() == 2);
    CHECK(r.bad_lines == 3);
  }
}

TEST_CASE("an entry appended after a torn last line is still readable", "[history]") {
  // A crash or a full disk mid-append leaves a line without '\n'; append_line_locked then glues
  // the next batch onto it, and read() loses the new entries together with the torn fragment.
  TempDir tmp;
  History h(tmp.path() / "history.jsonl");
  h.append({HistoryEntry{dm("1", "alice", "bob", "one"), true}});
  auto good = mqchat::read_file(h.file()).value();
  mqchat::write_file_atomic(h.file(), good + "{\"id\":\"tor");
  h.append({HistoryEntry{dm("2", "alice", "bob", "two"), true}});
  auto r = h.read();
  CHECK(r.bad_lines == 1);
  REQUIRE(r.entries.size() == 2);
  CHECK(r.entries[1].message.id == "2");
}

TEST_CASE("history appends reach the file at the path even after it was removed", "[history]") {
  TempDir tmp;
  auto file = tmp.path() / "history.jsonl";
  History h(file);
  History copy = h;  // copies share the open file
  h.append({HistoryEntry{dm("1", "alice", "bob", "one"), true}});
  std::filesystem::remove(file);
  copy.append({HistoryEntry{dm("2", "alice", "bob", "two"), true}});
  h.append({HistoryEntry{dm("3", "alice", "bob", "three"), true}});
  auto r = History(file).read();
  REQUIRE(r.entries.size() == 2);
  CHECK(r.entries[0].message.id == "2");
  CHECK(r.entries[1].message.id == "3");
}

TEST_CASE("a torn line written by another process while the history is open is ended first",
          "[history]") {
  TempDir tmp;
  auto file = tmp.path() / "history.jsonl";
  History h(file);
  h.append({HistoryEntry{dm("1", "alice", "bob", "one"), true}});
  mqchat::append_line_locked(file, "{\"torn");  // another writer killed mid-line
  h.append({HistoryEntry{dm("2", "alice", "bob", "two"), true}});
  auto r = History(file).read();
  REQUIRE(r.entries.size() == 2);
  CHECK(r.entries[1].message.id == "2");
  CHECK(r.bad_lines == 1);
}
