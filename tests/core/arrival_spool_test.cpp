#include "core/store/arrival_spool.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "core/store/files.hpp"
#include "core/store/pending_inbox.hpp"
#include "core/wire/topics.hpp"
#include "tests/fakes/fake_transport.hpp"

using mqchat::ArrivalSpool;
using mqchat::IncomingMessage;
using mqchat::PendingInbox;
using mqchat::fakes::TempDir;
namespace topics = mqchat::topics;

namespace {

IncomingMessage dm(const std::string& payload) {
  return IncomingMessage{topics::inbox("bob", "alice"), payload, false};
}

}  // namespace

TEST_CASE("the spool keeps what arrived until each message was handled", "[spool]") {
  TempDir tmp;
  PendingInbox pending(tmp.path() / "pending.jsonl");
  ArrivalSpool spool(pending.file(), 0);
  spool.record(dm("first"));
  spool.record(dm("second"));
  // A kill now: the next listen finds both.
  REQUIRE(pending.read().size() == 2);
  CHECK(pending.read()[1].payload == "second");
  spool.handled();
  CHECK(pending.read().size() == 2);  // one is still unhandled: nothing is dropped early
  spool.handled();
  CHECK(pending.read().empty());
  spool.record(dm("third"));
  REQUIRE(pending.read().size() == 1);
  CHECK(pending.read()[0].payload == "third");
  CHECK_FALSE(spool.failure());
}

TEST_CASE("the spool counts what was pending before it started", "[spool]") {
  TempDir tmp;
  PendingInbox pending(tmp.path() / "pending.jsonl");
  pending.stash({dm("old")});
  ArrivalSpool spool(pending.file(), 1);
  spool.record(dm("new"));
  spool.handled();
  CHECK(pending.read().size() == 2);
  spool.handled();
  CHECK(pending.read().empty());
}

TEST_CASE("the spool keeps messages, not directory records", "[spool]") {
  CHECK(ArrivalSpool::keeps(dm("x")));
  CHECK(ArrivalSpool::keeps(IncomingMessage{topics::group_message("G1", "alice"), "x", false}));
  CHECK_FALSE(ArrivalSpool::keeps(IncomingMessage{topics::user("alice"), "{}", true}));
  CHECK_FALSE(ArrivalSpool::keeps(IncomingMessage{topics::group_member("G1", "bob"), "{}", true}));
}

TEST_CASE("a torn last line costs only itself", "[spool]") {
  TempDir tmp;
  PendingInbox pending(tmp.path() / "pending.jsonl");
  mqchat::write_file_atomic(pending.file(), "{\"topic\":\"mqchat/v1/inb");
  ArrivalSpool spool(pending.file(), 0);
  spool.record(dm("after the tear"));
  auto read = pending.read();
  REQUIRE(read.size() == 1);
  CHECK(read[0].payload == "after the tear");
}

TEST_CASE("a spool that cannot write says so and keeps the count", "[spool]") {
  TempDir tmp;
  // /dev/full fails every write with ENOSPC, as a full disk does.
  std::filesystem::create_symlink("/dev/full", tmp.path() / "pending.jsonl");
  ArrivalSpool spool(tmp.path() / "pending.jsonl", 0);
  spool.record(dm("lost on disk"));
  REQUIRE(spool.failure());
  CHECK_THAT(*spool.failure(), Catch::Contains("pending.jsonl") && Catch::Contains("disk space"));
  spool.handled();
}
