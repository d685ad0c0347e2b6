// End-to-end encryption as the commands use it, over the fake broker: trust on first use, key
// changes, plain-text fallbacks, forged messages, and group sender keys that rotate with the
// members. The same properties against a real mosquitto: tests/integration/encryption_test.cpp.
#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/crypto/crypto.hpp"
#include "core/crypto/group_keys.hpp"
#include "core/crypto/identity.hpp"
#include "core/crypto/sealed_envelope.hpp"
#include "core/store/state_store.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/records.hpp"
#include "core/wire/topics.hpp"
#include "tests/fakes/alice_and_bob.hpp"
#include "tests/fakes/fake_transport.hpp"
#include "tests/fakes/sealed.hpp"

using mqchat::fakes::FakeBroker;
using mqchat::fakes::json_lines;
using mqchat::fakes::Machine;
using nlohmann::json;
namespace topics = mqchat::topics;

namespace {

constexpr const char* kTime = "2026-11-25T13:32:07.123Z";

using Fixture = mqchat::fakes::AliceAndBob;

mqchat::Profile profile_of(const Machine& m, const std::string& name) {
  mqchat::StateStore store(mqchat::StatePaths{m.home(), m.home()});
  return *store.load_profile(name);
}

mqchat::Envelope dm(const std::string& id, const std::string& from, const std::string& text) {
  return mqchat::Envelope{id, mqchat::MessageType::dm, from, "bob", {}, text, kTime};
}

// Publishes a new directory entry for NAME with a fresh key, as a new machine's login would.
mqchat::Identity rekey(FakeBroker& broker, const std::string& name) {
  auto identity = mqchat::Identity::generate();
  auto record = mqchat::decode_user(*broker.retained(topics::user(name)));
  record.key = identity.public_base64();
  broker.publish_from_outside(topics::user(name), mqchat::encode(record), 1, true);
  return identity;
}

}  // namespace

TEST_CASE("a first send pins the recipient's published key", "[e2e]") {
  Fixture f;
  CHECK(profile_of(f.alice, "alice").pinned_keys.count("bob") == 0);
  REQUIRE(f.alice.run({"send", "bob", "hi"}).code == 0);
  auto bob_record = mqchat::decode_user(*f.broker->retained(topics::user("bob")));
  CHECK(profile_of(f.alice, "alice").pinned_keys.at("bob") == bob_record.key);
  CHECK(bob_record.key == profile_of(f.bob, "bob").pinned_keys.at("bob"));
}

TEST_CASE("a changed key is refused by send until trust", "[e2e]") {
  Fixture f;
  REQUIRE(f.alice.run({"send", "bob", "hi"}).code == 0);
  auto old_fingerprint = mqchat::fingerprint_of(profile_of(f.alice, "alice").pinned_keys.at("bob"));
  auto fresh = rekey(*f.broker, "bob");
  auto before = f.broker->published_to(topics::inbox("bob", "alice")).size();

  auto r = f.alice.run({"send", "bob", "are you there?"});
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Catch::Contains("the key of 'bob' changed") &&
                        Catch::Contains(old_fingerprint) && Catch::Contains(fresh.fingerprint()) &&
                        Catch::Contains("mqchat trust bob"));
  CHECK(f.broker->published_to(topics::inbox("bob", "alice")).size() == before);
  SECTION("also through --lines, --batch and a group") {
    CHECK(f.alice.run({"send", "--lines", "bob"}, "x\n").code == 3);
    auto batch = f.alice.run({"send", "--batch"}, "{\"to\":\"bob\",\"text\":\"x\"}\n");
    CHECK(batch.code == 3);
    REQUIRE(f.bob.run({"group", "join", "devs"}).code == 0);
    CHECK(f.alice.run({"group", "send", "--join", "devs", "x"}).code == 3);
  }
  SECTION("trust accepts the new key; the send goes through") {
    auto t = f.alice.run({"--json", "trust", "bob"});
    REQUIRE(t.code == 0);
    auto j = json::parse(t.out);
    CHECK(j.at("fingerprint") == fresh.fingerprint());
    CHECK(j.at("previous_fingerprint") == old_fingerprint);
    CHECK(j.at("changed") == true);
    REQUIRE(f.alice.run({"send", "bob", "again"}).code == 0);
    auto sent = f.broker->published_to(topics::inbox("bob", "alice")).back();
    mqchat::BoxKeys keys(fresh);
    CHECK(mqchat::open_direct(json::parse(sent.payload), keys).message->text == "again");
    CHECK(f.alice.run({"trust", "bob"}).out ==
          "'bob' is trusted already: " + fresh.fingerprint() + "\n");
  }
}

TEST_CASE("a user without a key gets plain text with a warning, or exit 3 if required", "[e2e]") {
  Fixture f;
  // An older mqchat's directory entry: no key.
  f.broker->publish_from_outside(topics::user("olga"),
                                 mqchat::encode(mqchat::UserRecord{"olga", "", kTime}), 1, true);
  auto r = f.alice.run({"send", "olga", "hello"});
  CHECK(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("'olga' has no encryption key"));
  auto sent = f.broker->published_to(topics::inbox("olga", "alice"));
  REQUIRE(sent.size() == 1);
  CHECK(mqchat::decode_envelope(sent[0].payload).text == "hello");

  auto refused = f.alice.run({"send", "--require-encryption", "olga", "secret"});
  CHECK(refused.code == 3);
  CHECK_THAT(refused.err, Catch::Contains("encryption is required"));
  REQUIRE(f.alice.run({"config", "set", "require_encryption", "true"}).code == 0);
  CHECK(f.alice.run({"send", "olga", "secret"}).code == 3);
  CHECK(f.broker->published_to(topics::inbox("olga", "alice")).size() == 1);
}

TEST_CASE("listen marks what the pinned key did not seal, and --verified-only drops it", "[e2e]") {
  Fixture f;
  REQUIRE(f.alice.run({"send", "bob", "really alice"}).code == 0);
  // A plain v1 envelope in alice's name from a foreign client...
  f.broker->publish_from_outside(topics::inbox("bob", "alice"),
                                 mqchat::encode(dm("plain-1", "alice", "plain forgery")));
  // ...and a sealed one by mallory's key under alice's topic.
  mqchat::BoxKeys mallory(mqchat::Identity::generate());
  auto bob_key = mqchat::crypto::from_base64(profile_of(f.bob, "bob").pinned_keys.at("bob"));
  f.broker->publish_from_outside(
      topics::inbox("bob", "alice"),
      mqchat::seal_direct(dm("sealed-1", "alice", "sealed forgery"), mallory, *bob_key));

  SECTION("--json: verified only for alice's own message") {
    auto r = f.bob.run({"--json", "listen", "--count", "3", "--timeout", "1"});
    REQUIRE(r.code == 0);
    auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].at("text") == "really alice");
    CHECK(lines[0].at("verified") == true);
    CHECK(lines[0].at("encrypted") == true);
    CHECK(lines[1].at("text") == "plain forgery");
    CHECK(lines[1].at("verified") == false);
    CHECK(lines[1].at("encrypted") == false);
    CHECK(lines[2].at("text") == "sealed forgery");
    CHECK(lines[2].at("verified") == false);
    CHECK(lines[2].at("encrypted") == true);
    CHECK_THAT(r.err, Catch::Contains("not by the pinned"));
  }
  SECTION("human output marks them") {
    auto r = f.bob.run({"listen", "--count", "3", "--timeout", "1"});
    CHECK_THAT(r.out, Catch::Contains("alice: really alice") &&
                          Catch::Contains("alice [unverified]: plain forgery") &&
                          Catch::Contains("alice [unverified]: sealed forgery"));
  }
  SECTION("--verified-only shows alice's message alone") {
    auto r =
        f.bob.run({"--json", "-v", "listen", "--verified-only", "--count", "2", "--timeout", "1"});
    CHECK(r.code == 5);
    auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].at("text") == "really alice");
    CHECK_THAT(r.err, Catch::Contains("dropped 2"));
  }
}

TEST_CASE("tampered and replayed sealed messages are dropped, listen goes on", "[e2e]") {
  Fixture f;
  REQUIRE(f.alice.run({"send", "bob", "one"}).code == 0);
  auto sent = f.broker->published_to(topics::inbox("bob", "alice")).back().payload;
  mqchat::BoxKeys other(mqchat::Identity::generate());
  auto bob_key = *mqchat::crypto::from_base64(profile_of(f.bob, "bob").pinned_keys.at("bob"));
  auto tampered = json::parse(mqchat::seal_direct(dm("t-1", "alice", "x"), other, bob_key));
  auto ct = *mqchat::crypto::from_base64(tampered.at("ct").get<std::string>());
  ct[7] ^= 1;
  tampered["ct"] = mqchat::crypto::to_base64(ct);
  f.broker->publish_from_outside(topics::inbox("bob", "alice"), tampered.dump());
  f.broker->publish_from_outside(topics::inbox("bob", "alice"), sent);  // a replay
  f.broker->publish_from_outside(topics::inbox("bob", "alice"), "{\"v\":2,\"enc\":\"x\"}");
  REQUIRE(f.alice.run({"send", "bob", "two"}).code == 0);
  auto r = f.bob.run({"listen", "--count", "2", "--timeout", "1"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("alice: one") && Catch::Contains("alice: two"));
  CHECK(r.out.find("one", r.out.find("one") + 1) == std::string::npos);  // shown once
  CHECK_THAT(r.err, Catch::Contains("cannot be decrypted") && Catch::Contains("unknown 'enc'"));
}

TEST_CASE("group keys rotate with the members", "[e2e][group]") {
  Fixture f;
  Machine carol(f.broker);
  REQUIRE(carol.run({"register", "carol"}).code == 0);
  for (auto* m : {&f.alice, &f.bob, &carol}) {
    REQUIRE(m->run({"group", "join", "devs"}).code == 0);
  }
  REQUIRE(f.alice.run({"group", "send", "devs", "for all three"}).code == 0);
  for (auto* m : {&f.bob, &carol}) {
    auto r = m->run({"--json", "listen", "--group", "devs", "--timeout", "0.5"});
    CHECK(r.code == 0);
    auto lines = json_lines(r.out);
    REQUIRE_FALSE(lines.empty());
    CHECK(lines.back().at("text") == "for all three");
    CHECK(lines.back().at("verified") == true);
  }
  auto alice_key = [&] {
    mqchat::StateStore store(mqchat::StatePaths{f.alice.home(), f.alice.home()});
    return *mqchat::GroupKeyStore(store.profile_state_dir("alice") / "group_keys.json").own("devs");
  };
  auto before_leave = alice_key();

  SECTION("a member who left cannot open what is sent after the leave") {
    REQUIRE(carol.run({"group", "leave", "devs"}).code == 0);
    REQUIRE(f.alice.run({"group", "send", "devs", "after carol left"}).code == 0);
    auto after = alice_key();
    CHECK(after.key.id != before_leave.key.id);
    CHECK(after.members.size() == 1);
    CHECK(after.members.count("bob") == 1);
    auto payload = f.broker->published_to(topics::group_message("devs", "alice")).back().payload;
    CHECK(payload.find("carol left") == std::string::npos);
    // carol's keys, as she kept them: the old key of alice, not the new one.
    mqchat::StateStore store(mqchat::StatePaths{carol.home(), carol.home()});
    mqchat::GroupKeyStore carols(store.profile_state_dir("carol") / "group_keys.json");
    CHECK(carols.received("devs", "alice", before_leave.key.id));
    CHECK_FALSE(carols.received("devs", "alice", after.key.id));
    auto alice = mqchat::Identity::from_secret(profile_of(f.alice, "alice").identity, "alice");
    CHECK_THROWS(mqchat::open_group(json::parse(payload), "devs", "alice", before_leave.key,
                                    alice.public_key));
    auto r = f.bob.run({"--json", "listen", "--group", "devs", "--timeout", "0.5"});
    auto lines = json_lines(r.out);
    REQUIRE(lines.size() >= 2);  // carol's leave notice and the message
    CHECK(lines.back().at("text") == "after carol left");
  }
  SECTION("a member who joins cannot open what was sent before the join") {
    Machine dave(f.broker);
    REQUIRE(dave.run({"register", "dave"}).code == 0);
    REQUIRE(dave.run({"group", "join", "devs"}).code == 0);
    REQUIRE(f.alice.run({"group", "send", "devs", "welcome dave"}).code == 0);
    auto after = alice_key();
    CHECK(after.key.id != before_leave.key.id);
    mqchat::StateStore store(mqchat::StatePaths{dave.home(), dave.home()});
    auto r = dave.run({"--json", "listen", "--group", "devs", "--count", "1", "--timeout", "1"});
    REQUIRE(r.code == 0);
    CHECK(json_lines(r.out).back().at("text") == "welcome dave");
    mqchat::GroupKeyStore daves(store.profile_state_dir("dave") / "group_keys.json");
    CHECK(daves.received("devs", "alice", after.key.id));
    CHECK_FALSE(daves.received("devs", "alice", before_leave.key.id));
  }
  SECTION("a member's new key, once trusted, gets a new sender key") {
    auto fresh = rekey(*f.broker, "bob");
    auto refused = f.alice.run({"group", "send", "devs", "x"});
    CHECK(refused.code == 3);
    CHECK_THAT(refused.err, Catch::Contains("mqchat trust bob"));
    REQUIRE(f.alice.run({"trust", "bob"}).code == 0);
    REQUIRE(f.alice.run({"group", "send", "devs", "to bob's new key"}).code == 0);
    auto after = alice_key();
    CHECK(after.key.id != before_leave.key.id);
    CHECK(after.members.at("bob").rfind(fresh.public_base64(), 0) == 0);
  }
  SECTION("a join refused for a changed key changes nothing") {
    REQUIRE(f.alice.run({"group", "leave", "devs"}).code == 0);
    rekey(*f.broker, "bob");
    auto r = f.alice.run({"group", "join", "devs"});
    CHECK(r.code == 3);
    CHECK_THAT(r.err, Catch::Contains("the key of 'bob' changed"));
    CHECK(f.broker->retained(topics::group_member("devs", "alice")).value_or("") == "");
    CHECK(profile_of(f.alice, "alice").groups.empty());
  }
  SECTION("a leave goes through when the notice cannot be sealed") {
    rekey(*f.broker, "bob");
    auto r = f.alice.run({"group", "leave", "devs"});
    CHECK(r.code == 0);
    CHECK_THAT(r.err, Catch::Contains("without a notice"));
    CHECK(f.broker->retained(topics::group_member("devs", "alice")).value_or("") == "");
  }
  SECTION("the same members keep the key") {
    REQUIRE(f.alice.run({"group", "send", "devs", "again"}).code == 0);
    CHECK(alice_key().key.id == before_leave.key.id);
  }
}

TEST_CASE("a group message that comes before its key waits for it", "[e2e][group]") {
  Fixture f;
  REQUIRE(f.bob.run({"group", "join", "devs"}).code == 0);
  REQUIRE(f.alice.run({"group", "join", "devs"}).code == 0);
  REQUIRE(f.bob.run({"listen", "--timeout", "0.5"}).code == 0);  // alice's join, her first key
  // alice's next key and a message under it, delivered to bob in the wrong order.
  auto me = mqchat::Identity::from_secret(profile_of(f.alice, "alice").identity, "alice");
  mqchat::BoxKeys keys(me);
  auto bob_key = *mqchat::crypto::from_base64(profile_of(f.alice, "alice").pinned_keys.at("bob"));
  auto next = mqchat::new_sender_key();
  mqchat::Envelope message{"late-1", mqchat::MessageType::group, "alice", {}, "devs", "late key",
                           kTime};
  f.broker->publish_from_outside(topics::group_message("devs", "alice"),
                                 mqchat::seal_group(message, me, next));
  auto waiting = f.bob.run({"--json", "listen", "--count", "1", "--timeout", "0.5"});
  CHECK(waiting.code == 5);
  CHECK(waiting.out.find("late key") == std::string::npos);
  CHECK_THAT(waiting.err, Catch::Contains("waits for their group key"));

  mqchat::KeyGrant grant{"grant-late", "alice", "bob", "devs", next, kTime};
  f.broker->publish_from_outside(topics::inbox("bob", "alice"),
                                 mqchat::seal_grant(grant, keys, bob_key));
  auto opened = f.bob.run({"--json", "listen", "--count", "1", "--timeout", "1"});
  CHECK(opened.code == 0);
  auto lines = json_lines(opened.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].at("text") == "late key");
  CHECK(lines[0].at("verified") == true);
  // Shown once: a later listen has nothing left waiting.
  CHECK(f.bob.run({"listen", "--count", "1", "--timeout", "0.3"}).out.empty());
}

TEST_CASE("a second machine with the exported key reads the groups at once", "[e2e][group]") {
  Fixture f;
  REQUIRE(f.alice.run({"group", "join", "devs"}).code == 0);
  REQUIRE(f.bob.run({"group", "join", "devs"}).code == 0);
  REQUIRE(f.alice.run({"group", "send", "devs", "first"}).code == 0);
  REQUIRE(f.bob.run({"listen", "--timeout", "0.3"}).code == 0);  // takes alice's key
  auto exported = f.bob.run({"key", "export"});
  REQUIRE(exported.code == 0);
  CHECK(json::parse(exported.out).contains("group_keys"));
  Machine laptop(f.broker);
  REQUIRE(laptop.run({"login", "bob", "--key-file", "-"}, exported.out).code == 0);
  // The members did not change, so alice grants nothing new: the laptop has her key already.
  REQUIRE(f.alice.run({"group", "send", "devs", "second"}).code == 0);
  auto r = laptop.run({"--json", "listen", "--count", "1", "--timeout", "1"});
  CHECK(r.code == 0);
  auto lines = json_lines(r.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].at("text") == "second");
  CHECK(lines[0].at("verified") == true);
}

TEST_CASE("key prints the fingerprint, export and login --key-file keep it", "[e2e]") {
  Fixture f;
  auto key = f.alice.run({"--json", "key"});
  REQUIRE(key.code == 0);
  auto j = json::parse(key.out);
  CHECK(j.at("name") == "alice");
  CHECK(j.at("alg") == "ed25519");
  auto fp = j.at("fingerprint").get<std::string>();
  CHECK(f.alice.run({"key"}).out == "alice  ed25519  " + fp + "\n");
  auto exported = f.alice.run({"key", "export"});
  REQUIRE(exported.code == 0);
  Machine laptop(f.broker);
  auto login = laptop.run({"login", "alice", "--key-file", "-"}, exported.out);
  REQUIRE(login.code == 0);
  CHECK(login.err.empty());
  CHECK(json::parse(laptop.run({"--json", "key"}).out).at("fingerprint") == fp);
  SECTION("another user's export is refused") {
    Machine other(f.broker);
    auto r = other.run({"login", "bob", "--key-file", "-"}, exported.out);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("identity of 'alice', not of 'bob'"));
  }
  SECTION("who -v shows the key status and fingerprint") {
    REQUIRE(f.bob.run({"send", "alice", "hi"}).code == 0);
    auto who = f.bob.run({"--json", "-v", "who"});
    for (const auto& u : json_lines(who.out)) {
      if (u.at("name") == "alice") {
        CHECK(u.at("fingerprint") == fp);
        CHECK(u.at("key_status") == "pinned");
      }
    }
  }
}

TEST_CASE("a pinned user's entry that loses its key does not turn sends into plain text", "[e2e]") {
  Fixture f;
  REQUIRE(f.alice.run({"send", "bob", "hi"}).code == 0);
  auto before = f.broker->published_to(topics::inbox("bob", "alice")).size();
  f.broker->publish_from_outside(topics::user("bob"),
                                 mqchat::encode(mqchat::UserRecord{"bob", "", kTime}), 1, true);
  auto r = f.alice.run({"send", "bob", "secret"});
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Catch::Contains("not sending in plain text"));
  CHECK(f.broker->published_to(topics::inbox("bob", "alice")).size() == before);
}

TEST_CASE("a keyless member added by anyone does not turn a group into plain text",
          "[e2e][group]") {
  Fixture f;
  REQUIRE(f.alice.run({"group", "join", "devs"}).code == 0);
  REQUIRE(f.bob.run({"group", "join", "devs"}).code == 0);
  f.broker->publish_from_outside(topics::user("zed"),
                                 mqchat::encode(mqchat::UserRecord{"zed", "", kTime}), 1, true);
  f.broker->publish_from_outside(topics::group_member("devs", "zed"),
                                 mqchat::encode(mqchat::MemberRecord{kTime}), 1, true);
  auto r = f.alice.run({"group", "send", "devs", "still sealed"});
  CHECK(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("'zed' in 'devs' has no encryption key"));
  auto sent = f.broker->published_to(topics::group_message("devs", "alice")).back();
  CHECK(sent.payload.find("still sealed") == std::string::npos);
  CHECK(json::parse(sent.payload).at("v") == 2);
  auto got = json_lines(f.bob.run({"--json", "listen", "--timeout", "0.5"}).out);
  REQUIRE_FALSE(got.empty());
  CHECK(got.back().at("text") == "still sealed");
  CHECK(got.back().at("verified") == true);
}

TEST_CASE("a forged key grant in a member's name is dropped and cannot displace their key",
          "[e2e][group]") {
  Fixture f;
  REQUIRE(f.bob.run({"group", "join", "devs"}).code == 0);
  REQUIRE(f.alice.run({"group", "join", "devs"}).code == 0);
  REQUIRE(f.bob.run({"listen", "--timeout", "0.3"}).code == 0);  // bob pins alice, takes her key
  mqchat::StateStore store(mqchat::StatePaths{f.alice.home(), f.alice.home()});
  auto own =
      *mqchat::GroupKeyStore(store.profile_state_dir("alice") / "group_keys.json").own("devs");
  // mallory grants bob a key under alice's current key id, sealed with mallory's own identity.
  mqchat::BoxKeys mallory(mqchat::Identity::generate());
  auto bob_key = *mqchat::crypto::from_base64(profile_of(f.bob, "bob").pinned_keys.at("bob"));
  auto fake = own.key;
  fake.key = std::string(32, 'x');
  mqchat::KeyGrant grant{"forged-grant", "alice", "bob", "devs", fake, kTime};
  f.broker->publish_from_outside(topics::inbox("bob", "alice"),
                                 mqchat::seal_grant(grant, mallory, bob_key));
  REQUIRE(f.alice.run({"group", "send", "devs", "the real one"}).code == 0);
  auto r = f.bob.run({"--json", "-v", "listen", "--count", "1", "--timeout", "1"});
  CHECK(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("dropped a key grant from 'alice'"));
  auto got = json_lines(r.out);
  REQUIRE(got.size() == 1);
  CHECK(got[0].at("text") == "the real one");
  CHECK(got[0].at("verified") == true);
}
