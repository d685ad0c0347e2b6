#include "core/outbox.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/topics.hpp"
#include "tests/fakes/fake_transport.hpp"

using mqchat::Envelope;
using mqchat::MessageType;
using mqchat::fakes::FakeBroker;
using mqchat::fakes::FakeTransport;
using mqchat::fakes::TempDir;

namespace {

struct Fixture {
  TempDir tmp;
  std::shared_ptr<FakeBroker> broker = std::make_shared<FakeBroker>();
  FakeTransport transport{broker};
  mqchat::History history{tmp.path() / "history.jsonl"};

  Fixture() {
    mqchat::ConnectOptions o;
    o.client_id = "sender";
    transport.connect(o);
  }
};

std::vector<Envelope> messages(int n, const std::string& to = "bob") {
  std::vector<Envelope> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(mqchat::make_direct_message("alice", to, "m" + std::to_string(i)));
  }
  return out;
}

}  // namespace

TEST_CASE("make_direct_message fills id, type and time", "[outbox]") {
  auto a = mqchat::make_direct_message("alice", "bob", "hi");
  auto b = mqchat::make_direct_message("alice", "bob", "hi");
  CHECK(a.type == MessageType::dm);
  CHECK(a.from == "alice");
  CHECK(a.to == "bob");
  CHECK(a.group.empty());
  CHECK(a.text == "hi");
  CHECK(a.id.size() == 32);
  CHECK(a.id != b.id);
  CHECK(mqchat::parse_rfc3339(a.sent_at));
}

TEST_CASE("topic_for puts the sender last", "[outbox]") {
  auto e = mqchat::make_direct_message("alice", "bob", "hi");
  CHECK(mqchat::topic_for(e) == "mqchat/v1/inbox/bob/alice");
  Envelope g{"1", MessageType::group, "alice", {}, "ops", "hi", "2026-11-25T13:32:07Z"};
  CHECK(mqchat::topic_for(g) == "mqchat/v1/groups/ops/msg/alice");
  g.type = MessageType::leave;
  CHECK(mqchat::topic_for(g) == "mqchat/v1/groups/ops/msg/alice");
}

TEST_CASE("publish_in_order publishes in order and records the history", "[outbox]") {
  Fixture f;
  auto window = GENERATE(std::size_t{1}, std::size_t{2}, std::size_t{128});
  auto envs = messages(5);
  mqchat::publish_in_order(f.transport, envs, 1, window, f.history);

  auto pubs = f.broker->publishes();
  REQUIRE(pubs.size() == 5);
  for (std::size_t i = 0; i < pubs.size(); ++i) {
    CHECK(pubs[i].topic == "mqchat/v1/inbox/bob/alice");
    CHECK(pubs[i].qos == 1);
    CHECK_FALSE(pubs[i].retain);
    CHECK(mqchat::decode_envelope(pubs[i].payload).id == envs[i].id);
  }
  auto h = f.history.read();
  REQUIRE(h.entries.size() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(h.entries[i].message.id == envs[i].id);
    CHECK(h.entries[i].outgoing);
  }
}

TEST_CASE("publish_in_order passes the QoS on", "[outbox]") {
  Fixture f;
  mqchat::publish_in_order(f.transport, messages(1), 0, 8, f.history);
  CHECK(f.broker->publishes().at(0).qos == 0);
}

TEST_CASE("a refused publish stops the batch and says how many were sent", "[outbox]") {
  Fixture f;
  auto envs = messages(2, "bob");
  auto more = messages(3, "carol");
  envs.insert(envs.end(), more.begin(), more.end());
  f.broker->refused_topics = {"mqchat/v1/inbox/carol/+"};
  try {
    mqchat::publish_in_order(f.transport, envs, 1, 128, f.history);
    FAIL("no error");
  } catch (const mqchat::Error& e) {
    CHECK(e.code() == mqchat::ExitCode::unavailable);
    CHECK_THAT(e.what(), Catch::Contains("2 of 5 messages were sent"));
  }
  auto h = f.history.read();
  REQUIRE(h.entries.size() == 2);
  CHECK(h.entries[0].message.id == envs[0].id);
  CHECK(h.entries[1].message.id == envs[1].id);
}

TEST_CASE("a single refused message gives the transport's error unchanged", "[outbox]") {
  Fixture f;
  f.broker->refused_topics = {"#"};
  try {
    mqchat::publish_in_order(f.transport, messages(1), 1, 128, f.history);
    FAIL("no error");
  } catch (const mqchat::Error& e) {
    CHECK(e.code() == mqchat::ExitCode::unavailable);
    CHECK_THAT(e.what(), !Catch::Contains("messages were sent"));
  }
  CHECK(f.history.read().entries.empty());
}

TEST_CASE("an unacknowledged batch times out with exit code 5", "[outbox]") {
  Fixture f;
  f.broker->never_acknowledge = true;
  try {
    mqchat::publish_in_order(f.transport, messages(3), 1, 2, f.history);
    FAIL("no error");
  } catch (const mqchat::Error& e) {
    CHECK(e.code() == mqchat::ExitCode::timeout);
    CHECK_THAT(e.what(), Catch::Contains("0 of 3 messages were sent"));
  }
  CHECK(f.history.read().entries.empty());
}

TEST_CASE("a large batch is recorded completely", "[outbox]") {
  Fixture f;
  auto envs = messages(1100);  // more than one history batch
  mqchat::publish_in_order(f.transport, envs, 1, 128, f.history);
  auto h = f.history.read();
  REQUIRE(h.entries.size() == 1100);
  std::set<std::string> ids;
  for (const auto& e : h.entries) ids.insert(e.message.id);
  CHECK(ids.size() == 1100);
  CHECK(h.entries.back().message.id == envs.back().id);
}
