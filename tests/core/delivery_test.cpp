#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/chat/groups.hpp"
#include "core/chat/outbox.hpp"
#include "core/delivery/deliver.hpp"
#include "core/delivery/deliver_batch.hpp"
#include "core/delivery/deliver_stream.hpp"
#include "core/store/history.hpp"
#include "core/wire/error.hpp"
#include "core/wire/topics.hpp"
#include "tests/fakes/alice_and_bob.hpp"
#include "tests/fakes/sealed.hpp"

using namespace mqchat;
using mqchat::fakes::AliceAndBob;

namespace {

// alice about to send, on the machines of AliceAndBob: her store and profile as a command
// would load them, and what the delivery told her.
struct AliceSends : AliceAndBob {
  StateStore store{StatePaths{alice.home(), alice.home()}};
  Profile profile = *store.load_profile("alice");
  Settings settings;
  std::vector<std::string> warnings;
  std::vector<std::string> notes;

  AliceSends() { settings.brokers = {"mqtt://127.0.0.1:1883"}; }

  Sender sender() {
    Sender s{store, profile, settings, fakes::fake_transport_factory(broker),
             [this](const std::string& m) { warnings.push_back(m); }};
    s.note = [this](const std::string& m) { notes.push_back(m); };
    return s;
  }

  // The texts of alice's history, in the order they were written, and whether all went out.
  std::vector<std::string> history_texts(bool& all_outgoing) const {
    std::vector<std::string> texts;
    all_outgoing = true;
    for (const auto& e : history_of(store, "alice").read().entries) {
      texts.push_back(e.message.text);
      all_outgoing = all_outgoing && e.outgoing;
    }
    return texts;
  }
};

std::vector<Envelope> direct(const std::string& to, const std::vector<std::string>& texts) {
  std::vector<Envelope> out;
  for (const auto& t : texts) out.push_back(make_direct_message("alice", to, t));
  return out;
}

// The envelopes of a vector, all there at once; then, when BAD_AT is reached, bad input.
class VectorSource : public EnvelopeSource {
 public:
  explicit VectorSource(std::vector<Envelope> envelopes, std::size_t bad_at = SIZE_MAX)
      : envelopes_(std::move(envelopes)), bad_at_(bad_at) {}
  std::optional<Envelope> next() override {
    if (next_ == bad_at_) throw usage_error("line " + std::to_string(next_ + 1) + ": bad");
    if (next_ == envelopes_.size()) return std::nullopt;
    return envelopes_[next_++];
  }
  bool ready() override { return true; }

 private:
  std::vector<Envelope> envelopes_;
  std::size_t bad_at_;
  std::size_t next_ = 0;
};

// Lines all there at once, noting in LOG each time the batch asks whether one is ready.
class VectorLines : public LineSource {
 public:
  VectorLines(std::vector<std::string> lines, std::vector<std::string>& log)
      : lines_(std::move(lines)), log_(log) {}
  std::optional<std::string> next() override {
    if (next_ == lines_.size()) return std::nullopt;
    return lines_[next_++];
  }
  bool ready() override {
    log_.push_back("ready?");
    return next_ < lines_.size();
  }

 private:
  std::vector<std::string> lines_;
  std::vector<std::string>& log_;
  std::size_t next_ = 0;
};

std::vector<std::string> ids_of(const std::vector<Envelope>& envelopes) {
  std::vector<std::string> ids;
  for (const auto& e : envelopes) ids.push_back(e.id);
  return ids;
}

}  // namespace

TEST_CASE("with no listen running, a send to an unknown user fails with exit 3", "[delivery]") {
  AliceSends f;
  auto before = f.broker->connects().size();
  try {
    deliver(f.sender(), Recipient{"carol", {}}, direct("carol", {"hi"}));
    FAIL("a send to an unregistered user went through");
  } catch (const PartialSendError&) {
    FAIL("the lookup failed as a partial send");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::not_found);
    CHECK_THAT(e.what(), Catch::Contains("cannot send to 'carol': no such user"));
  }
  // It went looking on a connection of its own, after telling why not through the listen.
  CHECK(f.broker->connects().size() == before + 1);
  REQUIRE(f.notes.size() == 1);
  CHECK_THAT(f.notes[0], Catch::StartsWith("sending directly: "));
  CHECK(f.broker->published_to("mqchat/v1/inbox/carol/#").empty());
  bool outgoing = false;
  CHECK(f.history_texts(outgoing).empty());
}

TEST_CASE("with no listen running, a send to a user is sealed, published and recorded",
          "[delivery]") {
  AliceSends f;
  auto envelopes = direct("bob", {"first words", "second words", "third words"});
  deliver(f.sender(), Recipient{"bob", {}}, envelopes);

  auto sent = f.broker->published_to("mqchat/v1/inbox/bob/alice");
  REQUIRE(sent.size() == 3);
  for (const auto& p : sent) CHECK(p.payload.find("words") == std::string::npos);
  bool outgoing = false;
  CHECK(f.history_texts(outgoing) ==
        std::vector<std::string>{"first words", "second words", "third words"});
  CHECK(outgoing);
  // Sealed for bob, in order.
  CHECK(fakes::open_for(f.bob, "bob", sent[0].payload).id == envelopes[0].id);
  CHECK(fakes::open_for(f.bob, "bob", sent[2].payload).text == "third words");
}

TEST_CASE("a member's group send is published to the group and recorded", "[delivery]") {
  AliceSends f;
  REQUIRE(f.bob.run({"group", "join", "ops"}).code == 0);
  REQUIRE(f.alice.run({"group", "join", "ops"}).code == 0);
  f.profile = *f.store.load_profile("alice");  // now a member
  std::vector<Envelope> envelopes{make_group_message("alice", "ops", "standup"),
                                  make_group_message("alice", "ops", "now")};
  auto before = f.broker->published_to("mqchat/v1/groups/ops/msg/alice").size();
  deliver(f.sender(), Recipient{{}, "ops"}, envelopes);

  auto sent = f.broker->published_to("mqchat/v1/groups/ops/msg/alice");
  REQUIRE(sent.size() == before + 2);
  bool outgoing = false;
  auto texts = f.history_texts(outgoing);
  REQUIRE(texts.size() >= 2);
  CHECK(std::vector<std::string>(texts.end() - 2, texts.end()) ==
        std::vector<std::string>{"standup", "now"});
  CHECK(fakes::open_own_group(f.alice, "alice", "ops", sent[before].payload).text == "standup");
  CHECK(fakes::open_own_group(f.alice, "alice", "ops", sent[before + 1].payload).id ==
        envelopes[1].id);
}

TEST_CASE("a stream is recorded in the history as the broker acknowledges it", "[delivery]") {
  AliceSends f;
  std::vector<std::string> texts;
  for (int i = 0; i < 300; ++i) texts.push_back("line " + std::to_string(i));
  auto envelopes = direct("bob", texts);
  VectorSource source(envelopes);
  std::vector<std::string> events;  // "publishing", "counted N", "sent N..M"
  std::vector<Envelope> told;
  std::size_t history_at_first_batch = SIZE_MAX;
  StreamEvents on;
  on.publishing = [&] { events.push_back("publishing"); };
  on.counted = [&](std::size_t done) { events.push_back("counted " + std::to_string(done)); };
  on.sent = [&](const std::vector<Envelope>& batch) {
    if (told.empty()) history_at_first_batch = history_of(f.store, "alice").read().entries.size();
    told.insert(told.end(), batch.begin(), batch.end());
  };
  auto sent = deliver_stream(f.sender(), Recipient{"bob", {}}, source, on);

  CHECK(sent == 300);
  CHECK(ids_of(told) == ids_of(envelopes));
  REQUIRE(events.size() == 301);
  CHECK(events.front() == "publishing");
  CHECK(events[1] == "counted 1");
  CHECK(events.back() == "counted 300");
  // What the caller is told is in the history already, and the history is in order.
  CHECK(history_at_first_batch > 0);
  std::vector<Envelope> recorded;
  for (const auto& e : history_of(f.store, "alice").read().entries) recorded.push_back(e.message);
  CHECK(ids_of(recorded) == ids_of(envelopes));
  auto published = f.broker->published_to("mqchat/v1/inbox/bob/alice");
  REQUIRE(published.size() == 300);
  CHECK(fakes::open_for(f.bob, "bob", published[299].payload).text == "line 299");
  // A stream is never handed to a listen: no note says which way it went.
  CHECK(f.notes.empty());
}

TEST_CASE("a stream stopped by bad input keeps what was acknowledged before it", "[delivery]") {
  AliceSends f;
  auto envelopes = direct("bob", {"a1", "a2", "a3"});
  VectorSource source(envelopes, 2);
  try {
    deliver_stream(f.sender(), Recipient{"bob", {}}, source, {});
    FAIL("bad input went unnoticed");
  } catch (const PartialSendError& e) {
    CHECK(e.acknowledged() == 2);
    CHECK(e.code() == ExitCode::usage);
  }
  bool outgoing = false;
  CHECK(f.history_texts(outgoing) == std::vector<std::string>{"a1", "a2"});
}

TEST_CASE("a stream to an unknown user fails before anything is published", "[delivery]") {
  AliceSends f;
  VectorSource source(direct("carol", {"x"}));
  bool published = false;
  StreamEvents on;
  on.publishing = [&] { published = true; };
  CHECK_THROWS_MATCHES(deliver_stream(f.sender(), Recipient{"carol", {}}, source, on), Error,
                       Catch::Matchers::Predicate<Error>(
                           [](const Error& e) { return e.code() == ExitCode::not_found; }));
  CHECK_FALSE(published);
  CHECK(f.broker->published_to("mqchat/v1/inbox/carol/#").empty());
}

TEST_CASE("a batch answers each line in order and goes on after a bad one", "[delivery]") {
  AliceSends f;
  std::vector<std::string> log;
  VectorLines lines(
      {R"({"to": "bob", "text": "first"})", R"({"to": "carol", "text": "x"})", "", "not json",
       R"({"group": "ops", "text": "x"})", R"({"to": "bob", "text": "second"})"},
      log);
  std::vector<BatchOutcome> outcomes;
  BatchEvents on;
  on.connected = [&] { log.push_back("connected"); };
  on.outcome = [&](const BatchOutcome& o) { outcomes.push_back(o); };
  auto total = deliver_batch(f.sender(), lines, on);

  CHECK(total == 5);  // the blank line is no message
  REQUIRE(log.size() >= 2);
  CHECK(log[0] == "connected");
  REQUIRE(outcomes.size() == 5);
  std::vector<std::size_t> items;
  for (const auto& o : outcomes) items.push_back(o.item);
  CHECK(items == std::vector<std::size_t>{1, 2, 4, 5, 6});
  REQUIRE(outcomes[0].sent);
  CHECK(outcomes[0].sent->text == "first");
  REQUIRE(outcomes[1].error);
  CHECK(outcomes[1].error->code() == ExitCode::not_found);
  CHECK_THAT(outcomes[1].error->what(), Catch::Contains("no such user"));
  REQUIRE(outcomes[2].error);
  CHECK(outcomes[2].error->code() == ExitCode::usage);
  REQUIRE(outcomes[3].error);
  CHECK_THAT(outcomes[3].error->what(), Catch::Contains("is not a member of 'ops'"));
  REQUIRE(outcomes[4].sent);
  CHECK(outcomes[4].sent->text == "second");
  bool outgoing = false;
  CHECK(f.history_texts(outgoing) == std::vector<std::string>{"first", "second"});
  CHECK(outgoing);
  CHECK(f.broker->published_to("mqchat/v1/inbox/bob/alice").size() == 2);
}
