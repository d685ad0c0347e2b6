#include "core/chat/outbox.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/chat/batch_outbox.hpp"
#include "core/wire/clock.hpp"
#include "core/wire/error.hpp"
#include "core/wire/topics.hpp"
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

namespace {

// Loses the connection after a number of acknowledgements and refuses some reconnects: the
// faults a broker restart causes, without a broker.
class FlakyTransport : public mqchat::Transport {
 public:
  explicit FlakyTransport(mqchat::Transport& inner) : inner_(inner) {}

  std::size_t lose_after = SIZE_MAX;       // acknowledgements before the connection drops
  std::size_t lose_at_publish = SIZE_MAX;  // the publish (0-based) that finds it dropped
  int refused_reconnects = 0;              // connects that fail (transient) after a loss
  bool refuse_for_good = false;            // connects fail with a refusal (not transient)
  bool drop_every_connection = false;      // each new connection is lost at its first wait
  int connects = 0;

  mqchat::ConnectResult connect(const mqchat::ConnectOptions& o) override {
    ++connects;
    if (refuse_for_good) throw mqchat::unavailable_error("not authorised");
    if (refused_reconnects > 0) {
      --refused_reconnects;
      throw mqchat::connection_error("cannot reach the broker");
    }
    up_ = true;
    lose_after = drop_every_connection ? acknowledged_ : SIZE_MAX;
    lose_at_publish = SIZE_MAX;
    return inner_.connect(o);
  }
  std::uint64_t publish_async(const std::string& t, const std::string& p, int qos,
                              bool retain) override {
    if (up_ && publishes_++ == lose_at_publish) up_ = false;
    if (!up_) throw mqchat::connection_error("cannot publish: not connected");
    return inner_.publish_async(t, p, qos, retain);
  }
  void wait(std::uint64_t ticket) override {
    if (up_ && acknowledged_ >= lose_after) up_ = false;
    if (!up_) throw mqchat::connection_error("lost the connection");
    inner_.wait(ticket);
    ++acknowledged_;
  }
  void subscribe(const std::vector<std::string>& f, int qos, bool nl) override {
    inner_.subscribe(f, qos, nl);
  }
  void unsubscribe(const std::vector<std::string>& f) override { inner_.unsubscribe(f); }
  std::optional<mqchat::IncomingMessage> next_message(mqchat::Millis t) override {
    return inner_.next_message(t);
  }
  bool is_connected() const override { return up_; }
  void disconnect() override { inner_.disconnect(); }

 private:
  mqchat::Transport& inner_;
  bool up_ = true;
  std::size_t acknowledged_ = 0;
  std::size_t publishes_ = 0;
};

mqchat::Reconnection reconnect_with(FlakyTransport& t, std::vector<std::string>& notes,
                                    mqchat::Millis retry_for = std::chrono::seconds(5)) {
  mqchat::Reconnection r;
  r.retry_for = retry_for;
  r.connect = [&t] {
    mqchat::ConnectOptions o;
    o.client_id = "sender";
    t.connect(o);
  };
  r.notify = [&notes](const std::string& m) { notes.push_back(m); };
  return r;
}

// The PartialSendError that SEND throws; the test fails when it throws none.
mqchat::PartialSendError partial_send_of(const std::function<void()>& send) {
  try {
    send();
  } catch (const mqchat::PartialSendError& e) {
    return e;
  }
  FAIL("no error");
  throw std::logic_error("unreachable");
}

std::vector<std::string> ids_published(const FakeBroker& broker) {
  std::vector<std::string> ids;
  for (const auto& p : broker.publishes()) ids.push_back(mqchat::decode_envelope(p.payload).id);
  return ids;
}

// After a send over a lost connection: every one of ENVS reached the broker, at most
// RESENT_AT_MOST of them twice and with the same id, and the history has each once, in order.
void check_each_sent_once(const FakeBroker& broker, mqchat::History& history,
                          const std::vector<Envelope>& envs, std::size_t resent_at_most) {
  auto ids = ids_published(broker);
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == envs.size());
  CHECK(ids.size() >= envs.size());
  CHECK(ids.size() <= envs.size() + resent_at_most);
  auto h = history.read();
  REQUIRE(h.entries.size() == envs.size());
  for (std::size_t i = 0; i < envs.size(); ++i) CHECK(h.entries[i].message.id == envs[i].id);
}

}  // namespace

TEST_CASE("a lost connection is re-made and the unacknowledged rest resent with the same ids",
          "[outbox][reconnect]") {
  Fixture f;
  FlakyTransport flaky(f.transport);
  flaky.lose_after = 7;
  flaky.refused_reconnects = 2;  // the broker is still restarting
  std::vector<std::string> notes;
  auto envs = messages(20);
  mqchat::publish_in_order(flaky, envs, 1, 4, f.history, reconnect_with(flaky, notes));

  CHECK(flaky.connects == 3);
  check_each_sent_once(*f.broker, f.history, envs, 4);  // one window in flight at the loss
  REQUIRE(notes.size() == 2);
  CHECK_THAT(notes[0], Catch::Contains("7 of 20 messages were acknowledged"));
  CHECK_THAT(notes[1], Catch::Contains("from message 8"));
}

TEST_CASE("a message whose publish found the connection gone is sent after the reconnect",
          "[outbox][reconnect]") {
  Fixture f;
  FlakyTransport flaky(f.transport);
  flaky.lose_at_publish = 5;
  std::vector<std::string> notes;
  auto envs = messages(12);
  mqchat::publish_in_order(flaky, envs, 1, 100, f.history, reconnect_with(flaky, notes));
  check_each_sent_once(*f.broker, f.history, envs, 12);
}

TEST_CASE("a broker that stays away ends the send with exit 5 and the acknowledged count",
          "[outbox][reconnect]") {
  Fixture f;
  FlakyTransport flaky(f.transport);
  flaky.lose_after = 3;
  flaky.refused_reconnects = 1000;
  std::vector<std::string> notes;
  auto envs = messages(10);
  auto e = partial_send_of([&] {
    mqchat::publish_in_order(flaky, envs, 1, 2, f.history,
                             reconnect_with(flaky, notes, std::chrono::milliseconds(700)));
  });
  CHECK(e.code() == mqchat::ExitCode::timeout);
  CHECK(e.acknowledged() == 3);
  CHECK_THAT(e.what(), Catch::Contains("did not come back"));
  CHECK_THAT(e.what(), Catch::Contains("3 of 10 messages were acknowledged"));
  CHECK(flaky.connects >= 2);  // it tried again, with pauses, within the 0.7 s
  CHECK(f.history.read().entries.size() == 3);
}

TEST_CASE("a refusal on reconnect is not retried", "[outbox][reconnect]") {
  Fixture f;
  FlakyTransport flaky(f.transport);
  flaky.lose_after = 2;
  std::vector<std::string> notes;
  auto reconnection = reconnect_with(flaky, notes);
  reconnection.connect = [&flaky] {
    flaky.refuse_for_good = true;
    flaky.connect({});
  };
  auto e = partial_send_of(
      [&] { mqchat::publish_in_order(flaky, messages(5), 1, 8, f.history, reconnection); });
  CHECK(e.code() == mqchat::ExitCode::unavailable);
  CHECK(e.acknowledged() == 2);
  CHECK_THAT(e.what(), Catch::Contains("not authorised"));
  CHECK(flaky.connects == 1);
}

TEST_CASE("with no time to retry a lost connection fails at once with its own exit code",
          "[outbox][reconnect]") {
  Fixture f;
  FlakyTransport flaky(f.transport);
  flaky.lose_after = 1;
  std::vector<std::string> notes;
  auto e = partial_send_of([&] {
    mqchat::publish_in_order(flaky, messages(3), 1, 8, f.history,
                             reconnect_with(flaky, notes, mqchat::Millis(0)));
  });
  CHECK(e.code() == mqchat::ExitCode::unavailable);
  CHECK(e.acknowledged() == 1);
  CHECK_THAT(e.what(), Catch::Contains("1 of 3 messages were sent"));
  CHECK(flaky.connects == 0);
  CHECK(notes.empty());
}

TEST_CASE("a broker that takes connections but drops each one ends the send within the time",
          "[outbox][reconnect]") {
  Fixture f;
  FlakyTransport flaky(f.transport);
  flaky.lose_after = 2;
  flaky.drop_every_connection = true;
  std::vector<std::string> notes;
  auto started = std::chrono::steady_clock::now();
  auto e = partial_send_of([&] {
    mqchat::publish_in_order(flaky, messages(6), 1, 8, f.history,
                             reconnect_with(flaky, notes, std::chrono::milliseconds(800)));
  });
  auto took = std::chrono::steady_clock::now() - started;
  CHECK(e.code() == mqchat::ExitCode::timeout);
  CHECK(e.acknowledged() == 2);
  CHECK_THAT(e.what(), Catch::Contains("did not come back within"));
  // It paused between the fruitless connections instead of spinning, and gave up in time.
  CHECK(flaky.connects >= 2);
  CHECK(flaky.connects <= 6);
  CHECK(took < std::chrono::seconds(3));
}

namespace {

// Runs ENVS through a BatchOutbox over FLAKY with a window of WINDOW and returns the outcomes.
std::vector<mqchat::BatchOutcome> send_batch(FlakyTransport& flaky, mqchat::History& history,
                                             const std::vector<Envelope>& envs, std::size_t window,
                                             const mqchat::Reconnection& reconnection) {
  std::vector<mqchat::BatchOutcome> outcomes;
  mqchat::BatchOutbox outbox(
      flaky, 1, window, history, [&](const mqchat::BatchOutcome& o) { outcomes.push_back(o); }, {},
      reconnection);
  for (std::size_t i = 0; i < envs.size(); ++i) outbox.submit(i + 1, envs[i]);
  outbox.flush();
  return outcomes;
}

}  // namespace

TEST_CASE("a batch rides out a lost connection: every item acknowledged once, ids kept",
          "[outbox][reconnect][batch]") {
  Fixture f;
  FlakyTransport flaky(f.transport);
  flaky.lose_after = 5;
  flaky.refused_reconnects = 2;
  std::vector<std::string> notes;
  auto envs = messages(16);
  auto outcomes = send_batch(flaky, f.history, envs, 4, reconnect_with(flaky, notes));

  REQUIRE(outcomes.size() == 16);
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    CHECK(outcomes[i].item == i + 1);
    REQUIRE(outcomes[i].sent.has_value());
    CHECK(outcomes[i].sent->id == envs[i].id);
  }
  CHECK(flaky.connects == 3);
  check_each_sent_once(*f.broker, f.history, envs, 4);  // at most one window published twice
  REQUIRE(notes.size() == 2);
  CHECK_THAT(notes[0], Catch::Contains("5 messages were acknowledged"));
  CHECK_THAT(notes[1], Catch::Contains("reconnected"));
}

TEST_CASE("a batch whose publish finds the connection gone sends that item after the reconnect",
          "[outbox][reconnect][batch]") {
  Fixture f;
  FlakyTransport flaky(f.transport);
  flaky.lose_at_publish = 3;
  std::vector<std::string> notes;
  auto envs = messages(8);
  auto outcomes = send_batch(flaky, f.history, envs, 100, reconnect_with(flaky, notes));
  REQUIRE(outcomes.size() == 8);
  for (const auto& o : outcomes) CHECK(o.sent.has_value());
  check_each_sent_once(*f.broker, f.history, envs, 8);
}

TEST_CASE("a batch whose broker stays away fails every unacknowledged item with exit 5",
          "[outbox][reconnect][batch]") {
  Fixture f;
  FlakyTransport flaky(f.transport);
  flaky.lose_after = 3;
  flaky.refused_reconnects = 1000;
  std::vector<std::string> notes;
  auto started = std::chrono::steady_clock::now();
  auto outcomes = send_batch(flaky, f.history, messages(10), 2,
                             reconnect_with(flaky, notes, std::chrono::milliseconds(600)));
  auto took = std::chrono::steady_clock::now() - started;
  REQUIRE(outcomes.size() == 10);
  for (std::size_t i = 0; i < 3; ++i) CHECK(outcomes[i].sent.has_value());
  for (std::size_t i = 3; i < 10; ++i) {
    REQUIRE(outcomes[i].error.has_value());
    CHECK(outcomes[i].error->code() == mqchat::ExitCode::timeout);
    CHECK_THAT(outcomes[i].error->what(), Catch::Contains("did not come back within"));
  }
  CHECK(f.history.read().entries.size() == 3);
  // It waited once for the time allowed, not once per item.
  CHECK(took < std::chrono::seconds(3));
}

TEST_CASE("a batch with no time to retry fails each item with the connection's own error",
          "[outbox][reconnect][batch]") {
  Fixture f;
  FlakyTransport flaky(f.transport);
  flaky.lose_after = 2;
  std::vector<std::string> notes;
  auto outcomes =
      send_batch(flaky, f.history, messages(4), 8, reconnect_with(flaky, notes, mqchat::Millis(0)));
  REQUIRE(outcomes.size() == 4);
  CHECK(outcomes[0].sent.has_value());
  CHECK(outcomes[1].sent.has_value());
  for (std::size_t i = 2; i < 4; ++i) {
    REQUIRE(outcomes[i].error.has_value());
    CHECK(outcomes[i].error->code() == mqchat::ExitCode::unavailable);
  }
  CHECK(flaky.connects == 0);
  CHECK(notes.empty());
}
