#include "core/chat/pending_answers.hpp"

#include <catch2/catch.hpp>
#include <set>

#include "core/wire/error.hpp"

using State = mqchat::PendingAnswers::State;

namespace {

// A connection whose answers are scripted: which tickets are answered, which refused, and
// whether the connection was lost, or lost and made again, meanwhile.
class ScriptedConnection : public mqchat::Transport {
 public:
  std::set<std::uint64_t> unanswered;
  std::set<std::uint64_t> refused;
  std::set<std::uint64_t> waited;
  bool connected = true;
  bool lose_on_wait = false;
  std::uint64_t connections = 1;

  mqchat::ConnectResult connect(const mqchat::ConnectOptions&) override { return {}; }
  std::uint64_t publish_async(const std::string&, const std::string&, int, bool) override {
    return ++last_;
  }
  void wait(std::uint64_t ticket) override {
    waited.insert(ticket);
    if (lose_on_wait) {
      connected = false;
      throw mqchat::connection_error("lost the connection");
    }
    if (refused.count(ticket)) throw mqchat::unavailable_error("refused a subscription");
  }
  bool is_answered(std::uint64_t ticket) const override { return !unanswered.count(ticket); }
  void subscribe(const std::vector<std::string>&, int, bool) override {}
  void unsubscribe(const std::vector<std::string>&) override {}
  std::optional<mqchat::IncomingMessage> next_message(mqchat::Millis) override {
    return std::nullopt;
  }
  bool is_connected() const override { return connected; }
  std::uint64_t connection_count() const override { return connections; }
  void disconnect() override {}

  std::uint64_t ask() { return publish_async("t", "p", 1, true); }

 private:
  std::uint64_t last_ = 0;
};

}  // namespace

TEST_CASE("pending answers are confirmed as they come", "[pending_answers]") {
  ScriptedConnection c;
  mqchat::PendingAnswers answers(c);
  CHECK(answers.empty());
  answers.add(c.ask());
  answers.add(c.ask());
  answers.add(mqchat::Transport::kConfirmed);
  c.unanswered = {2};

  CHECK(answers.settle(false) == State::waiting);
  CHECK(c.waited == std::set<std::uint64_t>{1});  // the answered one, not the one on its way
  CHECK_FALSE(answers.empty());

  c.unanswered.clear();
  CHECK(answers.settle(false) == State::confirmed);
  CHECK(c.waited == std::set<std::uint64_t>{0, 1, 2});
  CHECK(answers.empty());
}

TEST_CASE("settling with a wait waits for the answers still on their way", "[pending_answers]") {
  ScriptedConnection c;
  mqchat::PendingAnswers answers(c);
  answers.add(c.ask());
  c.unanswered = {1};
  CHECK(answers.settle(true) == State::confirmed);
  CHECK(c.waited == std::set<std::uint64_t>{1});
}

TEST_CASE("a refusal among pending answers is told once", "[pending_answers]") {
  ScriptedConnection c;
  mqchat::PendingAnswers answers(c);
  answers.add(c.ask());
  answers.add(c.ask());
  c.refused = {1};
  CHECK_THROWS_WITH(answers.settle(false), "refused a subscription");
  CHECK(answers.settle(false) == State::confirmed);  // the other one; the refusal not again
}

TEST_CASE("pending answers of a connection lost meanwhile are dropped unwaited",
          "[pending_answers]") {
  ScriptedConnection c;
  mqchat::PendingAnswers answers(c);
  answers.add(c.ask());
  c.unanswered = {1};  // a request of a lost persistent session may never complete

  SECTION("still away") { c.connected = false; }
  SECTION("made again since") { c.connections = 2; }
  CHECK(answers.settle(true) == State::dropped);
  CHECK(c.waited.empty());
  CHECK(answers.empty());
}

TEST_CASE("the first connection counted late is the same connection", "[pending_answers]") {
  // paho may run its connected handler, which counts, after connect() returned.
  ScriptedConnection c;
  c.connections = 0;
  mqchat::PendingAnswers answers(c);
  answers.add(c.ask());
  c.refused = {1};
  c.connections = 1;
  CHECK_THROWS_WITH(answers.settle(false), "refused a subscription");
}

TEST_CASE("a wait that fails because the connection went drops the rest", "[pending_answers]") {
  ScriptedConnection c;
  mqchat::PendingAnswers answers(c);
  answers.add(c.ask());
  answers.add(c.ask());
  c.lose_on_wait = true;  // the first wait meets the loss
  CHECK(answers.settle(true) == State::dropped);
  CHECK(c.waited == std::set<std::uint64_t>{1});
  CHECK(answers.empty());
}
