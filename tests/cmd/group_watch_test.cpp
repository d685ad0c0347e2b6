#include "cmd/group_watch.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <sstream>

#include "core/chat/session.hpp"
#include "core/store/history.hpp"
#include "core/store/seen_ids.hpp"
#include "core/wire/topics.hpp"
#include "tests/fakes/fake_transport.hpp"

using mqchat::Context;
using mqchat::GroupWatch;
using mqchat::IncomingMessage;
using mqchat::fakes::FakeBroker;
using mqchat::fakes::Machine;
using mqchat::fakes::TempDir;
namespace topics = mqchat::topics;

namespace {

// A running listen's GroupWatch for bob, over a fake broker, on the home of a registered bob.
struct WatchedBob {
  std::shared_ptr<FakeBroker> broker = std::make_shared<FakeBroker>();
  Machine machine{broker};
  std::istringstream in;
  std::ostringstream out, err;
  std::unique_ptr<Context> ctx;
  std::unique_ptr<mqchat::Transport> transport;
  TempDir scratch;
  std::unique_ptr<mqchat::SeenIds> seen;
  std::unique_ptr<mqchat::History> history;
  std::unique_ptr<mqchat::Inbox> inbox;
  std::unique_ptr<mqchat::SessionGuard> guard;
  std::unique_ptr<GroupWatch> watch;

  WatchedBob() {
    REQUIRE(machine.run({"register", "bob"}).code == 0);
    auto home = machine.home().string();
    ctx = std::make_unique<Context>(
        in, out, err,
        [home](const char* name) -> std::optional<std::string> {
          if (std::string(name) == "MQCHAT_HOME") return home;
          if (std::string(name) == "MQCHAT_BROKER") return std::string("mqtt://127.0.0.1:1883");
          return std::nullopt;
        },
        mqchat::fakes::fake_transport_factory(broker));
    transport = ctx->make_transport();
    mqchat::ConnectOptions options;
    options.servers = {"mqtt://127.0.0.1:1883"};
    options.client_id = "bob-listen";
    transport->connect(options);
    seen = std::make_unique<mqchat::SeenIds>(scratch.path() / "seen");
    history = std::make_unique<mqchat::History>(scratch.path() / "history.jsonl");
    inbox = std::make_unique<mqchat::Inbox>("bob", *seen, *history);
    guard = std::make_unique<mqchat::SessionGuard>(ctx->store().profile_state_dir("bob"));
    watch = std::make_unique<GroupWatch>(*ctx, "bob", *transport, *inbox, *guard);
    for (auto ticket : watch->start()) transport->wait(ticket);
    watch->confirm();
  }

  // What 'group join' or 'group leave' does to the profile while the listen runs. The file's
  // time moves on a second, as a later command's would (a coarse clock could give the same).
  void change_profile(const std::string& group, bool join) {
    auto before = std::filesystem::last_write_time(ctx->store().profile_path("bob"));
    ctx->store().update_profile("bob", [&](mqchat::Profile& p) {
      if (join) {
        p.groups.push_back(group);
      } else {
        p.groups.erase(std::remove(p.groups.begin(), p.groups.end(), group), p.groups.end());
      }
    });
    std::filesystem::last_write_time(ctx->store().profile_path("bob"),
                                     before + std::chrono::seconds(1));
  }

  std::vector<std::string> profile_groups() const {
    return ctx->store().load_profile("bob")->groups;
  }

  static IncomingMessage membership(const std::string& group, bool member) {
    return IncomingMessage{topics::group_member(group, "bob"),
                           member ? R"({"joined_at":"2026-12-04T02:00:00Z"})" : "", true};
  }
};

}  // namespace

TEST_CASE("a stale leave record does not undo a join the listen has not applied yet",
          "[group_watch]") {
  WatchedBob bob;
  bob.change_profile("G", true);  // 'group join G' wrote the profile ...
  // ... and only now paho hands over the clear of the 'group leave G' that came before it.
  CHECK(bob.watch->follow(WatchedBob::membership("G", false)));
  CHECK(bob.profile_groups() == std::vector<std::string>{"G"});
  bob.watch->poll();
  CHECK(bob.guard->read_listen_groups() == std::set<std::string>{"G"});
}

TEST_CASE("a stale join record does not undo a leave the listen has not applied yet",
          "[group_watch]") {
  WatchedBob bob;
  bob.change_profile("G", true);
  bob.watch->poll();
  REQUIRE(bob.guard->read_listen_groups() == std::set<std::string>{"G"});
  bob.change_profile("G", false);  // 'group leave G', not applied yet
  CHECK(bob.watch->follow(WatchedBob::membership("G", true)));
  CHECK(bob.profile_groups().empty());
  bob.watch->poll();
  CHECK(bob.guard->read_listen_groups().empty());
}

TEST_CASE("a join or leave on another machine is followed", "[group_watch]") {
  WatchedBob bob;
  // Joined elsewhere: the record arrives, the profile and the subscriptions follow.
  CHECK(bob.watch->follow(WatchedBob::membership("G", true)));
  CHECK(bob.profile_groups() == std::vector<std::string>{"G"});
  CHECK(bob.guard->read_listen_groups() == std::set<std::string>{"G"});
  // Left elsewhere: the record is cleared.
  CHECK(bob.watch->follow(WatchedBob::membership("G", false)));
  CHECK(bob.profile_groups().empty());
  CHECK(bob.guard->read_listen_groups().empty());
  // Not a membership record of bob's: not ours to follow.
  CHECK_FALSE(bob.watch->follow(IncomingMessage{topics::group_member("G", "alice"), "{}", true}));
}
