#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/chat/groups.hpp"
#include "core/chat/outbox.hpp"
#include "core/delivery/deliver.hpp"
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
