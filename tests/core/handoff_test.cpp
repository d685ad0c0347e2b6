#include "core/handoff/handoff.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstring>
#include <mutex>
#include <thread>

#include "core/chat/session.hpp"
#include "core/handoff/handoff_server.hpp"
#include "core/wire/records.hpp"
#include "tests/fakes/fake_transport.hpp"

using namespace mqchat;
using mqchat::fakes::FakeBroker;
using mqchat::fakes::FakeTransport;
using mqchat::fakes::TempDir;

namespace {

Envelope dm(const std::string& id, const std::string& text) {
  return Envelope{id, MessageType::dm, "alice", "bob", {}, text, "2026-11-25T12:00:00Z"};
}

struct SocketPair {
  int fd[2] = {-1, -1};
  SocketPair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fd) == 0); }
  ~SocketPair() {
    for (int f : fd) {
      if (f >= 0) ::close(f);
    }
  }
};

// The fake transport is not thread-safe; the hand-off uses the listen's connection from two
// threads, as paho allows, so the tests serialise every call.
class LockedTransport final : public Transport {
 public:
  explicit LockedTransport(std::shared_ptr<FakeBroker> broker) : inner_(std::move(broker)) {}
  ConnectResult connect(const ConnectOptions& o) override {
    std::lock_guard<std::mutex> l(m_);
    return inner_.connect(o);
  }
  std::uint64_t publish_async(const std::string& t, const std::string& p, int q, bool r) override {
    std::lock_guard<std::mutex> l(m_);
    return inner_.publish_async(t, p, q, r);
  }
  void wait(std::uint64_t ticket) override {
    std::lock_guard<std::mutex> l(m_);
    inner_.wait(ticket);
  }
  void subscribe(const std::vector<std::string>& f, int q, bool n) override {
    std::lock_guard<std::mutex> l(m_);
    inner_.subscribe(f, q, n);
  }
  void unsubscribe(const std::vector<std::string>& f) override {
    std::lock_guard<std::mutex> l(m_);
    inner_.unsubscribe(f);
  }
  std::optional<IncomingMessage> next_message(Millis t) override {
    std::lock_guard<std::mutex> l(m_);
    return inner_.next_message(t);
  }
  bool is_connected() const override {
    std::lock_guard<std::mutex> l(m_);
    return inner_.is_connected();
  }
  void disconnect() override {
    std::lock_guard<std::mutex> l(m_);
    inner_.disconnect();
  }

 private:
  mutable std::mutex m_;
  FakeTransport inner_;
};

// Polls CONDITION for up to 2 s.
bool wait_for(const std::function<bool()>& condition) {
  for (int i = 0; i < 200; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(Millis(10));
  }
  return condition();
}

// alice's running listen: her session on a fake broker where bob is registered, a hand-off
// server, and a receive loop that passes everything through claim() as listen does.
struct RunningListen {
  std::shared_ptr<FakeBroker> broker = std::make_shared<FakeBroker>();
  TempDir state;
  LockedTransport transport{broker};
  HandoffServer server{state.path(), "alice", transport, Millis(2000), {"mqtt://127.0.0.1:1883"}};
  std::atomic<bool> done{false};
  std::vector<std::string> unclaimed;  // what the listen itself would have seen
  std::thread loop;

  RunningListen() {
    broker->publish_from_outside("mqchat/v1/users/bob",
                                 encode(UserRecord{"bob", "", "2026-11-01T10:00:00Z"}), 1, true);
    ConnectOptions o;
    o.client_id = "alice-session";
    o.clean_start = false;
    transport.connect(o);
    transport.subscribe({"mqchat/v1/inbox/alice/+"}, 1, true);
    server.start();
    loop = std::thread([this] {
      while (!done) {
        if (auto msg = transport.next_message(Millis(0))) {
          if (!server.claim(*msg)) unclaimed.push_back(msg->topic);
        } else {
          std::this_thread::sleep_for(Millis(1));
        }
      }
    });
  }
  ~RunningListen() { end(); }

  // Stops the server, then the receive loop.
  void end() {
    server.stop();
    done = true;
    if (loop.joinable()) loop.join();
  }
};

// Hands a message for TO, with id and text ID, to LISTEN; the sender's view of it.
handoff::Attempt offer_dm(RunningListen& listen, const std::string& to, const std::string& id) {
  return handoff::offer(listen.server.socket(), handoff::Request{to, 1, {dm(id, id)}}, Millis(1000),
                        Millis(3000));
}

bool subscribed(const RunningListen& listen, const std::string& filter) {
  auto filters = listen.broker->subscriptions_of("alice-session");
  return std::find(filters.begin(), filters.end(), filter) != filters.end();
}

}  // namespace

TEST_CASE("hand-off requests and replies survive encoding", "[handoff]") {
  handoff::Request request{
      "bob", 2, {dm("id-1", "hello"), dm("id-2", "ünïcode \"quoted\"")}, {"mqtt://a:1883"}};
  auto back = handoff::decode_request(handoff::encode(request));
  CHECK(back.lookup == "bob");
  CHECK(back.brokers == std::vector<std::string>{"mqtt://a:1883"});
  CHECK(back.qos == 2);
  REQUIRE(back.envelopes.size() == 2);
  CHECK(back.envelopes[1].id == "id-2");
  CHECK(back.envelopes[1].text == "ünïcode \"quoted\"");
  CHECK(back.envelopes[1].to == "bob");

  SECTION("success") {
    handoff::Reply ok;
    ok.ok = true;
    ok.acknowledged = 2;
    auto r = handoff::decode_reply(handoff::encode(ok));
    CHECK(r.ok);
    CHECK_FALSE(r.direct);
    CHECK(r.acknowledged == 2);
  }
  SECTION("a failure keeps its exit code, message and warnings") {
    handoff::Reply bad;
    bad.exit = ExitCode::not_found;
    bad.error = "cannot send to 'bob': no such user";
    bad.warnings = {"skipped a record"};
    auto r = handoff::decode_reply(handoff::encode(bad));
    CHECK_FALSE(r.ok);
    CHECK(r.exit == ExitCode::not_found);
    CHECK(r.error == bad.error);
    CHECK(r.warnings == bad.warnings);
  }
  SECTION("'send directly'") {
    handoff::Reply direct;
    direct.direct = true;
    direct.error = "lost the connection";
    auto r = handoff::decode_reply(handoff::encode(direct));
    CHECK(r.direct);
    CHECK(r.error == "lost the connection");
  }
}

TEST_CASE("malformed hand-off requests and replies are refused", "[handoff]") {
  CHECK_THROWS_AS(handoff::decode_request("not json"), DecodeError);
  CHECK_THROWS_AS(handoff::decode_request("[1]"), DecodeError);
  CHECK_THROWS_AS(handoff::decode_request(R"({"v":2,"lookup":"","qos":1,"envelopes":[]})"),
                  DecodeError);
  CHECK_THROWS_AS(handoff::decode_request(R"({"v":1,"lookup":"","qos":1,"envelopes":[]})"),
                  DecodeError);
  CHECK_THROWS_AS(handoff::decode_request(R"({"v":1,"lookup":"","qos":7,"envelopes":[{}]})"),
                  DecodeError);
  CHECK_THROWS_AS(handoff::decode_request(R"({"v":1,"lookup":"","qos":1,"envelopes":[{}]})"),
                  DecodeError);
  CHECK_THROWS_AS(handoff::decode_request(R"({"v":1,"lookup":3,"qos":1,"envelopes":[]})"),
                  DecodeError);
  CHECK_THROWS_AS(handoff::decode_reply(R"({"ok":false,"acknowledged":0,"exit":0,"error":""})"),
                  DecodeError);
  CHECK_THROWS_AS(handoff::decode_reply(R"({"ok":true})"), DecodeError);
}

TEST_CASE("frames are read whole, in pieces, and never beyond their limit", "[handoff]") {
  SocketPair s;
  SECTION("a frame written in two pieces") {
    auto f = handoff::frame("{\"a\":1}");
    REQUIRE(handoff::write_all(s.fd[0], f.substr(0, 3), Millis(100)));
    std::thread later([&] {
      std::this_thread::sleep_for(Millis(20));
      handoff::write_all(s.fd[0], f.substr(3), Millis(100));
    });
    auto body = handoff::read_frame(s.fd[1], Millis(2000));
    later.join();
    REQUIRE(body);
    CHECK(*body == "{\"a\":1}");
  }
  SECTION("a length beyond the limit") {
    std::string head{'\x7f', '\0', '\0', '\0'};
    REQUIRE(handoff::write_all(s.fd[0], head, Millis(100)));
    CHECK_FALSE(handoff::read_frame(s.fd[1], Millis(200)));
  }
  SECTION("a frame cut short times out") {
    REQUIRE(handoff::write_all(s.fd[0], handoff::frame("0123456789").substr(0, 8), Millis(100)));
    CHECK_FALSE(handoff::read_frame(s.fd[1], Millis(50)));
  }
  SECTION("end of stream") {
    ::close(s.fd[0]);
    s.fd[0] = -1;
    CHECK_FALSE(handoff::read_frame(s.fd[1], Millis(200)));
  }
}

TEST_CASE("without a listen behind the socket a send goes direct", "[handoff]") {
  TempDir dir;
  handoff::Request request{"bob", 1, {dm("id-1", "hi")}};
  SECTION("no socket") {
    auto a = handoff::offer(handoff::socket_path(dir.path()), request, Millis(200), Millis(200));
    CHECK_FALSE(a.reply);
    CHECK_THAT(a.why_not, Catch::Contains("No such file"));
  }
  SECTION("a stale socket left by a listen that died") {
    auto path = handoff::socket_path(dir.path());
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, path.c_str());
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    ::close(fd);  // the file stays, nobody listens
    auto a = handoff::offer(path, request, Millis(200), Millis(200));
    CHECK_FALSE(a.reply);
    CHECK_THAT(a.why_not, Catch::Contains("refused"));
  }
  SECTION("a listen that accepts connections but never answers") {
    auto path = handoff::socket_path(dir.path());
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, path.c_str());
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd, 4) == 0);
    auto a = handoff::offer(path, request, Millis(100), Millis(100));
    ::close(fd);
    CHECK_FALSE(a.reply);
    CHECK_THAT(a.why_not, Catch::Contains("did not accept"));
  }
}

TEST_CASE("a running listen publishes a handed-over message on its own connection", "[handoff]") {
  RunningListen listen;
  struct stat st {};
  REQUIRE(::stat(listen.server.socket().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  auto a = handoff::offer(listen.server.socket(),
                          handoff::Request{"bob", 1, {dm("id-1", "one"), dm("id-2", "two")}},
                          Millis(1000), Millis(3000));
  INFO(a.why_not);
  REQUIRE(a.reply);
  CHECK(a.reply->ok);
  CHECK(a.reply->acknowledged == 2);
  auto sent = listen.broker->published_to("mqchat/v1/inbox/bob/alice");
  REQUIRE(sent.size() == 2);
  CHECK(decode_envelope(sent[0].payload).text == "one");
  CHECK(decode_envelope(sent[1].payload).id == "id-2");
  // The lookup's directory entry and marker were the server's, not the listen's.
  listen.end();
  CHECK(listen.unclaimed.empty());
}

TEST_CASE("a handed-over send to an unknown user fails as a direct send does", "[handoff]") {
  RunningListen listen;
  auto a = handoff::offer(listen.server.socket(), handoff::Request{"carol", 1, {dm("id", "x")}},
                          Millis(1000), Millis(3000));
  REQUIRE(a.reply);
  CHECK_FALSE(a.reply->ok);
  CHECK(a.reply->exit == ExitCode::not_found);
  CHECK_THAT(a.reply->error, Catch::Contains("no such user"));
  CHECK(listen.broker->published_to("mqchat/v1/inbox/#").empty());
}

TEST_CASE("a listen whose broker refuses the publish tells the sender to go direct", "[handoff]") {
  RunningListen listen;
  listen.broker->refused_topics = {"mqchat/v1/inbox/#"};
  auto a = handoff::offer(listen.server.socket(), handoff::Request{"", 1, {dm("id", "x")}},
                          Millis(1000), Millis(3000));
  CHECK_FALSE(a.reply);
  CHECK_THAT(a.why_not, Catch::Contains("could not send"));
}

TEST_CASE("a stopped hand-off server removes its socket", "[handoff]") {
  RunningListen listen;
  auto path = listen.server.socket();
  REQUIRE(std::filesystem::exists(path));
  listen.server.stop();
  CHECK_FALSE(std::filesystem::exists(path));
  auto a = handoff::offer(path, handoff::Request{"", 1, {dm("id", "x")}}, Millis(200), Millis(200));
  CHECK_FALSE(a.reply);
}

TEST_CASE("a send meant for another broker is not published by the listen", "[handoff]") {
  RunningListen listen;
  auto elsewhere =
      handoff::offer(listen.server.socket(),
                     handoff::Request{"bob", 1, {dm("id", "x")}, {"mqtt://elsewhere.example:1883"}},
                     Millis(1000), Millis(3000));
  CHECK_FALSE(elsewhere.reply);
  CHECK_THAT(elsewhere.why_not, Catch::Contains("another broker"));
  CHECK(listen.broker->published_to("mqchat/v1/inbox/#").empty());

  auto same = handoff::offer(listen.server.socket(),
                             handoff::Request{"bob", 1, {dm("id", "x")}, {"mqtt://127.0.0.1:1883"}},
                             Millis(1000), Millis(3000));
  REQUIRE(same.reply);
  CHECK(same.reply->ok);
}

TEST_CASE("a recipient found once is sent to again without another lookup", "[handoff]") {
  RunningListen listen;
  for (const char* id : {"id-1", "id-2", "id-3"}) {
    auto a = offer_dm(listen, "bob", id);
    INFO(a.why_not);
    REQUIRE(a.reply);
    CHECK(a.reply->ok);
  }
  CHECK(listen.broker->published_to("mqchat/v1/inbox/bob/alice").size() == 3);
  // One lookup (one sync marker) for three sends.
  CHECK(listen.broker->published_to("mqchat/v1/sync/#").size() == 1);
  listen.end();
  CHECK(listen.unclaimed.empty());  // bob's entry, sent again on the watch, was the server's
}

TEST_CASE("a known recipient whose entry is cleared is looked up again", "[handoff]") {
  RunningListen listen;
  auto first = offer_dm(listen, "bob", "1");
  REQUIRE(first.reply);
  REQUIRE(first.reply->ok);
  // The server subscribes to bob's entry after answering; the clearing reaches it from then on.
  REQUIRE(wait_for([&] { return subscribed(listen, "mqchat/v1/users/bob"); }));
  listen.broker->publish_from_outside("mqchat/v1/users/bob", "", 1, true);
  std::this_thread::sleep_for(Millis(200));  // for the receive loop to pass it to claim()

  auto second = offer_dm(listen, "bob", "2");
  REQUIRE(second.reply);
  CHECK_FALSE(second.reply->ok);
  CHECK(second.reply->exit == ExitCode::not_found);
  CHECK(listen.broker->published_to("mqchat/v1/inbox/bob/alice").size() == 1);
}

TEST_CASE("a stopping listen unsubscribes the recipients it kept", "[handoff]") {
  RunningListen listen;
  auto a = offer_dm(listen, "bob", "1");
  REQUIRE(a.reply);
  REQUIRE(a.reply->ok);
  listen.end();
  CHECK_FALSE(subscribed(listen, "mqchat/v1/users/bob"));
}
