#include "core/store/deferred_messages.hpp"

#include <catch2/catch.hpp>
#include <filesystem>

#include "core/store/files.hpp"
#include "tests/fakes/fake_transport.hpp"

using mqchat::DeferredMessages;
using mqchat::Envelope;
using mqchat::MessageType;

namespace {

Envelope dm(const std::string& id, const std::string& text) {
  return Envelope{id, MessageType::dm, "alice", "bob", {}, text, "2026-11-25T13:32:07.123Z"};
}

}  // namespace

TEST_CASE("deferred messages come back in order and can be replaced", "[deferred]") {
  mqchat::fakes::TempDir dir;
  DeferredMessages d(dir.path() / "deferred.jsonl");
  CHECK(d.read().empty());
  d.add(dm("a", "first\nline"));
  d.add(dm("b", "second"));
  auto got = d.read();
  REQUIRE(got.size() == 2);
  CHECK(got[0].id == "a");
  CHECK(got[0].text == "first\nline");
  CHECK(got[1].from == "alice");

  d.replace({got[1]});
  REQUIRE(d.read().size() == 1);
  CHECK(d.read()[0].id == "b");
  d.replace({});
  CHECK_FALSE(std::filesystem::exists(dir.path() / "deferred.jsonl"));
}

TEST_CASE("an unreadable deferred line is skipped, the rest kept", "[deferred]") {
  mqchat::fakes::TempDir dir;
  auto file = dir.path() / "deferred.jsonl";
  DeferredMessages d(file);
  d.add(dm("a", "kept"));
  mqchat::append_line_locked(file, "not json\n");
  d.add(dm("b", "also kept"));
  auto got = d.read();
  REQUIRE(got.size() == 2);
  CHECK(got[1].text == "also kept");
}
