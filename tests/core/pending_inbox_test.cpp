#include "core/store/pending_inbox.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/store/files.hpp"
#include "tests/fakes/fake_transport.hpp"

using mqchat::IncomingMessage;
using mqchat::PendingInbox;
using mqchat::fakes::TempDir;

TEST_CASE("an empty pending inbox reads as nothing", "[pending_inbox]") {
  TempDir tmp;
  PendingInbox p(tmp.path() / "pending.jsonl");
  CHECK(p.read().empty());
  CHECK_NOTHROW(p.clear());
}

TEST_CASE("stashed messages are read back in order and cleared", "[pending_inbox]") {
  TempDir tmp;
  auto file = tmp.path() / "state" / "pending.jsonl";
  PendingInbox p(file);
  p.stash({IncomingMessage{"mqchat/v1/inbox/bob/alice", "{\"a\":1}", false},
           IncomingMessage{"mqchat/v1/inbox/bob/carol", "two\nlines", true}});
  p.stash({});
  p.stash({IncomingMessage{"mqchat/v1/inbox/bob/dave", "", false}});
  auto got = PendingInbox(file).read();
  REQUIRE(got.size() == 3);
  CHECK(got[0].topic == "mqchat/v1/inbox/bob/alice");
  CHECK(got[0].payload == "{\"a\":1}");
  CHECK(got[1].payload == "two\nlines");
  CHECK_FALSE(got[1].retained);  // what is stashed was a live message
  CHECK(got[2].topic == "mqchat/v1/inbox/bob/dave");
  CHECK(got[2].payload.empty());
  p.clear();
  CHECK(p.read().empty());
  CHECK_FALSE(std::filesystem::exists(file));
}

TEST_CASE("a payload that is not UTF-8 survives the round trip byte for byte", "[pending_inbox]") {
  TempDir tmp;
  PendingInbox p(tmp.path() / "pending.jsonl");
  std::string bytes("\xff\xfe\x00\x80\xc3(", 6);
  p.stash({IncomingMessage{"mqchat/v1/inbox/bob/alice", bytes, false}});
  auto got = p.read();
  REQUIRE(got.size() == 1);
  CHECK(got[0].payload == bytes);
}

TEST_CASE("every character that JSON must escape survives the round trip", "[pending_inbox]") {
  TempDir tmp;
  PendingInbox p(tmp.path() / "pending.jsonl");
  std::string text = "q\" b\\ n\n t\t r\r nul";
  text += std::string(1, '\0') + "\x01\x1f\x7f \xc3\xa9 \xf0\x9f\x98\x80 /";
  p.stash({IncomingMessage{"mqchat/v1/inbox/bob/al\"ice", text, false}});
  auto line = mqchat::read_file(tmp.path() / "pending.jsonl");
  REQUIRE(line);
  CHECK(std::count(line->begin(), line->end(), '\n') == 1);  // one line per message
  auto got = p.read();
  REQUIRE(got.size() == 1);
  CHECK(got[0].topic == "mqchat/v1/inbox/bob/al\"ice");
  CHECK(got[0].payload == text);
}

TEST_CASE("a topic that is not UTF-8 is not stashed", "[pending_inbox]") {
  TempDir tmp;
  PendingInbox p(tmp.path() / "pending.jsonl");
  p.stash({IncomingMessage{"mqchat/v1/inbox/bob/\xff", "x", false},
           IncomingMessage{"mqchat/v1/inbox/bob/alice", "y", false}});
  auto got = p.read();
  REQUIRE(got.size() == 1);
  CHECK(got[0].payload == "y");
}

TEST_CASE("unreadable lines of the pending inbox are skipped", "[pending_inbox]") {
  TempDir tmp;
  auto file = tmp.path() / "pending.jsonl";
  mqchat::write_file_atomic(file,
                            "not json\n"
                            "{\"payload\":\"no topic\"}\n"
                            "{\"topic\":\"t\"}\n"
                            "{\"topic\":\"t\",\"payload_hex\":\"abc\"}\n"
                            "{\"topic\":\"t\",\"payload_hex\":\"zz\"}\n"
                            "{\"topic\":\"ok\",\"payload\":\"fine\"}\n"
                            "{\"topic\":\"torn\",\"pay");
  auto got = PendingInbox(file).read();
  REQUIRE(got.size() == 1);
  CHECK(got[0].topic == "ok");
  CHECK(got[0].payload == "fine");
}
