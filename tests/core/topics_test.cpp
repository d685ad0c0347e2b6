#include "core/wire/topics.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace topics = mqchat::topics;
using Kind = topics::ParsedTopic::Kind;

TEST_CASE("topics follow wire format v1", "[topics]") {
  CHECK(topics::user("alice") == "mqchat/v1/users/alice");
  CHECK(topics::all_users() == "mqchat/v1/users/+");
  CHECK(topics::presence("alice") == "mqchat/v1/presence/alice");
  CHECK(topics::all_presence() == "mqchat/v1/presence/+");
  CHECK(topics::inbox("bob", "alice") == "mqchat/v1/inbox/bob/alice");
  CHECK(topics::inbox_of("bob") == "mqchat/v1/inbox/bob/+");
  CHECK(topics::group_member("team", "alice") == "mqchat/v1/groups/team/members/alice");
  CHECK(topics::group_members("team") == "mqchat/v1/groups/team/members/+");
  CHECK(topics::all_group_members() == "mqchat/v1/groups/+/members/+");
  CHECK(topics::group_message("team", "alice") == "mqchat/v1/groups/team/msg/alice");
  CHECK(topics::group_messages("team") == "mqchat/v1/groups/team/msg/+");
  CHECK(topics::sync_marker("alice", "0f3a") == "mqchat/v1/sync/alice/0f3a");
}

TEST_CASE("a built topic parses back to what it was built from", "[topics]") {
  SECTION("a user record") {
    auto p = topics::parse(topics::user("alice"));
    CHECK(p.kind == Kind::user);
    CHECK(p.name == "alice");
    CHECK(p.from.empty());
  }
  SECTION("a presence record") {
    auto p = topics::parse(topics::presence("Bob.2"));
    CHECK(p.kind == Kind::presence);
    CHECK(p.name == "Bob.2");
    CHECK(p.from.empty());
  }
  SECTION("a direct message") {
    auto p = topics::parse(topics::inbox("bob", "alice"));
    CHECK(p.kind == Kind::inbox);
    CHECK(p.name == "bob");
    CHECK(p.from == "alice");
  }
  SECTION("a group membership") {
    auto p = topics::parse(topics::group_member("team-1", "carol_x"));
    CHECK(p.kind == Kind::group_member);
    CHECK(p.name == "team-1");
    CHECK(p.from == "carol_x");
  }
  SECTION("a group message") {
    auto p = topics::parse(topics::group_message("team", "dave"));
    CHECK(p.kind == Kind::group_message);
    CHECK(p.name == "team");
    CHECK(p.from == "dave");
  }
  SECTION("a sync marker") {
    auto p = topics::parse(topics::sync_marker("alice", "deadbeef"));
    CHECK(p.kind == Kind::sync);
    CHECK(p.name == "alice");
    CHECK(p.from == "deadbeef");
  }
  SECTION("names of the longest allowed length") {
    std::string longest(32, 'z');
    auto p = topics::parse(topics::inbox(longest, longest));
    CHECK(p.kind == Kind::inbox);
    CHECK(p.name == longest);
    CHECK(p.from == longest);
  }
  SECTION("a name that looks like a topic keyword") {
    auto p = topics::parse(topics::group_message("msg", "members"));
    CHECK(p.kind == Kind::group_message);
    CHECK(p.name == "msg");
    CHECK(p.from == "members");
  }
}

TEST_CASE("a topic outside the v1 scheme parses as unknown", "[topics]") {
  auto unknown = [](const std::string& topic) {
    INFO("topic: '" << topic << "'");
    auto p = topics::parse(topic);
    CHECK(p.kind == Kind::unknown);
    CHECK(p.name.empty());
    CHECK(p.from.empty());
  };
  SECTION("empty") { unknown(""); }
  SECTION("another application") { unknown("home/kitchen/temp"); }
  SECTION("another version") { unknown("mqchat/v2/users/alice"); }
  SECTION("the prefix only") {
    unknown("mqchat/v1/");
    unknown("mqchat/v1");
  }
  SECTION("a leading slash") { unknown("/mqchat/v1/users/alice"); }
  SECTION("an unknown kind") { unknown("mqchat/v1/rooms/alice"); }
  SECTION("a kind without a name") {
    unknown("mqchat/v1/users");
    unknown("mqchat/v1/users/");
    unknown("mqchat/v1/inbox/bob");
    unknown("mqchat/v1/groups/team/msg");
  }
  SECTION("an unknown group sub-level") { unknown("mqchat/v1/groups/team/admins/alice"); }
  SECTION("a kind with the wrong number of levels") {
    unknown("mqchat/v1/presence/alice/bob");
    unknown("mqchat/v1/inbox/bob/alice/x");
    unknown("mqchat/v1/groups/team/members/alice/x");
    unknown("mqchat/v1/groups/team/alice");
  }
  SECTION("a trailing slash") {
    unknown("mqchat/v1/users/alice/");
    unknown("mqchat/v1/inbox/bob/alice/");
  }
  SECTION("an empty level") {
    unknown("mqchat/v1/inbox//alice");
    unknown("mqchat/v1/groups//msg/alice");
  }
  SECTION("wildcards in place of names") {
    unknown(topics::all_users());
    unknown(topics::all_presence());
    unknown(topics::inbox_of("bob"));
    unknown(topics::group_members("team"));
    unknown(topics::all_group_members());
    unknown(topics::group_messages("team"));
    unknown("mqchat/v1/users/#");
  }
  SECTION("names that break the name rules") {
    unknown("mqchat/v1/users/_alice");
    unknown("mqchat/v1/presence/al ice");
    unknown("mqchat/v1/users/" + std::string(33, 'a'));
    unknown("mqchat/v1/inbox/bob/-alice");
    unknown(
        "mqchat/v1/inbox/b\xC3\xB6"
        "b/alice");
    unknown("mqchat/v1/groups/.team/msg/alice");
    unknown("mqchat/v1/groups/team/members/a$b");
  }
}
