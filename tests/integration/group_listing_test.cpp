// group list and group members: contents, counts, online status, unknown groups, invalid
// group names (exit 2 before any network I/O), and speed with 1,000 groups and 10,000 members.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>

#include "tests/integration/group_steps.hpp"
#include "tests/integration/harness.hpp"

using namespace itest;

namespace {

std::map<std::string, int> group_counts(const User& viewer) {
  auto r = viewer.run({"group", "list", "--json"});
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  std::map<std::string, int> counts;
  for (const auto& g : parse_json_lines(r.out)) {
    INFO(g.dump());
    REQUIRE(g.contains("members"));
    REQUIRE(g["members"].is_number_integer());
    CHECK(counts.count(str(g, "name")) == 0);
    counts[str(g, "name")] = g["members"].get<int>();
  }
  return counts;
}

std::string member_record() { return R"({"joined_at":"2026-11-25T10:00:00.000Z"})"; }

std::string user_record(const std::string& name) {
  return R"({"name":")" + name + R"(","registered_at":"2026-11-25T09:00:00.000Z"})";
}

// A minimal MQTT 3.1.1 publisher over one TCP connection, to seed thousands of retained records
// in a moment (one mosquitto_pub per record would take minutes). QoS 0 publishes, then one QoS 1
// publish whose PUBACK proves the broker has processed everything before it.
class Seeder {
 public:
  explicit Seeder(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string body = str16("MQTT") + '\x04' + '\x02' + '\x00' + '\x3c' + str16("itest-seeder");
    write_all(packet(0x10, body));
    REQUIRE(read_exact(4) == std::string("\x20\x02\x00\x00", 4));
  }
  ~Seeder() {
    if (fd_ >= 0) ::close(fd_);
  }
  Seeder(const Seeder&) = delete;
  Seeder& operator=(const Seeder&) = delete;

  void retain(const std::string& topic, const std::string& payload) {
    buffer_ += packet(0x31, str16(topic) + payload);
    if (buffer_.size() > (1 << 20)) flush();
  }

  /// Sends what is buffered and waits until the broker acknowledged a QoS 1 marker after it.
  void finish() {
    buffer_ += packet(0x32, str16("itest/seeder/done") + std::string("\x00\x01", 2) + "done");
    flush();
    REQUIRE(read_exact(4) == std::string("\x40\x02\x00\x01", 4));
    write_all(std::string("\xe0\x00", 2));
  }

 private:
  static std::string str16(const std::string& s) {
    std::string out;
    out += static_cast<char>((s.size() >> 8) & 0xff);
    out += static_cast<char>(s.size() & 0xff);
    return out + s;
  }
  static std::string packet(unsigned char type, const std::string& body) {
    std::string out(1, static_cast<char>(type));
    std::size_t n = body.size();
    do {
      unsigned char byte = n % 128;
      n /= 128;
      if (n > 0) byte |= 0x80;
      out += static_cast<char>(byte);
    } while (n > 0);
    return out + body;
  }
  void flush() {
    write_all(buffer_);
    buffer_.clear();
  }
  void write_all(const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      REQUIRE(n > 0);
      done += static_cast<std::size_t>(n);
    }
  }
  std::string read_exact(std::size_t count) {
    std::string out;
    char c;
    while (out.size() < count) {
      ssize_t n = ::recv(fd_, &c, 1, 0);
      if (n <= 0) break;
      out += c;
    }
    return out;
  }

  int fd_ = -1;
  std::string buffer_;
};

std::string padded(int i, int width) {
  std::string n = std::to_string(i);
  return std::string(n.size() < static_cast<std::size_t>(width) ? width - n.size() : 0, '0') + n;
}

// The command line for ARGS aimed at SILENT, with a connect timeout far above what we allow.
std::vector<std::string> at(const SilentListener& silent, std::vector<std::string> args) {
  args.insert(args.end(), {"--broker", "mqtt://127.0.0.1:" + std::to_string(silent.port()),
                           "--connect-timeout", "3"});
  return args;
}

}  // namespace

TEST_CASE("group list --json shows every group that has members with member counts", "[group]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  User carol("carol", broker);
  alice.register_user();
  bob.register_user();
  carol.register_user();
  join(alice, "Alpha");
  join(alice, "Beta");
  join(alice, "Gamma");
  join(bob, "Beta");
  join(bob, "Gamma");
  join(carol, "Gamma");

  // Some more groups, with 1 to 4 members each, written by a foreign client.
  std::map<std::string, int> expected = {{"Alpha", 1}, {"Beta", 2}, {"Gamma", 3}};
  {
    Seeder seed(broker.port());
    for (int g = 0; g < 47; ++g) {
      std::string group = "seeded_" + padded(g, 2);
      int members = 1 + g % 4;
      for (int m = 0; m < members; ++m) {
        seed.retain("mqchat/v1/groups/" + group + "/members/user" + std::to_string(m),
                    member_record());
      }
      expected[group] = members;
    }
    seed.finish();
  }
  CHECK(group_counts(alice) == expected);

  // Leaving lowers the count; the last member leaving removes the group from the list.
  REQUIRE_EXIT(bob.run({"group", "leave", "Beta"}), 0);
  REQUIRE_EXIT(alice.run({"group", "leave", "Alpha"}), 0);
  expected["Beta"] = 1;
  expected.erase("Alpha");
  CHECK(group_counts(carol) == expected);

  auto human = carol.run({"group", "list"});
  REQUIRE_EXIT(human, 0);
  CHECK(human.out.find("Gamma") != std::string::npos);
  CHECK(human.out.find("seeded_46") != std::string::npos);
  CHECK(human.out.find("Alpha") == std::string::npos);
}

TEST_CASE("group list on a broker without groups prints nothing and exits 0", "[group]") {
  Broker broker;
  User alice("alice", broker);
  alice.register_user();
  auto r = alice.run({"group", "list", "--json"});
  REQUIRE_EXIT(r, 0);
  CHECK(r.out.empty());
}

TEST_CASE("group members --json shows the members with their online status", "[group]") {
  Broker broker;
  User alice("alice", broker);
  User bob("bob", broker);
  User carol("carol", broker);
  alice.register_user();
  bob.register_user("+4915112345678");
  carol.register_user();
  join(alice, "Group_1");
  join(bob, "Group_1");
  join(carol, "Group_1");
  join(carol, "Group_2");

  auto listen = bob.start({"listen", "--json"});
  REQUIRE(wait_until([&] { return contains(online_users(alice), "bob"); }, 10s));

  auto r = alice.run({"group", "members", "Group_1", "--json"});
  REQUIRE_EXIT(r, 0);
  auto members = parse_json_lines(r.out);
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& m : members) by_name[str(m, "name")] = m;
  REQUIRE(members.size() == 3);
  REQUIRE(by_name.size() == 3);
  for (const auto& [name, m] : by_name) {
    INFO(m.dump());
    CHECK((name == "alice" || name == "bob" || name == "carol"));
    REQUIRE(m.contains("online"));
    CHECK(m["online"].is_boolean());
    CHECK(m["online"] == (name == "bob"));
    CHECK(is_rfc3339_utc(str(m, "registered_at")));
    CHECK(is_rfc3339_utc(str(m, "joined_at")));
  }
  CHECK(str(by_name["bob"], "phone") == "+4915112345678");

  auto human = alice.run({"group", "members", "Group_1"});
  REQUIRE_EXIT(human, 0);
  for (const auto& line : lines_of(human.out)) {
    if (line.find("bob") != std::string::npos) CHECK(line.find("online") != std::string::npos);
    if (line.find("carol") != std::string::npos) {
      CHECK(line.find("offline") != std::string::npos);
    }
  }

  listen->signal(SIGINT);
  REQUIRE(listen->wait_exit(10s).has_value());
  REQUIRE(wait_until([&] { return !contains(online_users(alice), "bob"); }, 10s));
  auto after = alice.run({"group", "members", "Group_1", "--json"});
  REQUIRE_EXIT(after, 0);
  for (const auto& m : parse_json_lines(after.out)) {
    INFO(m.dump());
    CHECK(m.value("online", true) == false);
  }

  // Group_2 has only carol.
  auto other = alice.run({"group", "members", "Group_2", "--json"});
  REQUIRE_EXIT(other, 0);
  auto others = parse_json_lines(other.out);
  REQUIRE(others.size() == 1);
  CHECK(str(others[0], "name") == "carol");
}

TEST_CASE("group members of an unknown or emptied group exits 3", "[group]") {
  Broker broker;
  User alice("alice", broker);
  alice.register_user();

  auto unknown = alice.run({"group", "members", "NoSuchGroup"});
  CHECK_EXIT(unknown, 3);
  CHECK(lines_of(unknown.err).size() == 1);
  CHECK(unknown.err.find("NoSuchGroup") != std::string::npos);
  CHECK(unknown.out.empty());

  join(alice, "Group_1");
  REQUIRE_EXIT(alice.run({"group", "members", "Group_1"}), 0);
  REQUIRE_EXIT(alice.run({"group", "leave", "Group_1"}), 0);
  auto emptied = alice.run({"group", "members", "Group_1", "--json"});
  CHECK_EXIT(emptied, 3);
  CHECK(lines_of(emptied.err).size() == 1);
  CHECK(emptied.out.empty());
}

TEST_CASE("invalid group names exit 2 before any network I/O", "[group][validation]") {
  Broker broker;
  User alice("alice", broker);
  alice.register_user();
  join(alice, "Group_1");
  SilentListener silent;

  SECTION("control: a valid group command does try to connect") {
    auto r = alice.run(at(silent, {"group", "members", "Group_1"}));
    INFO(describe(r));
    CHECK(r.exit_code != 0);
    CHECK(r.elapsed < 8s);
    CHECK(silent.take_connections() >= 1);
  }
  SECTION("every group command") {
    const std::vector<std::string> invalid = {
        "a/b", "#", "+", std::string(33, 'g'), "Group 1", "_group", "g+", "Group_1/#", ""};
    const std::vector<std::vector<std::string>> commands = {
        {"group", "join"},    {"group", "leave"},    {"group", "send"},
        {"group", "members"}, {"listen", "--group"}, {"history", "--group"},
    };
    for (const auto& name : invalid) {
      for (const auto& command : commands) {
        auto args = command;
        args.push_back(name);
        if (command[1] == "send") args.push_back("hello");
        if (command[0] == "listen") args.insert(args.end(), {"--count", "1", "--timeout", "5"});
        auto r = alice.run(at(silent, args));
        INFO(describe(r));
        CHECK(r.exit_code == 2);
        CHECK(r.elapsed < 1500ms);
        CHECK(silent.take_connections() == 0);
        CHECK(lines_of(r.err).size() == 1);
      }
    }
    // group send --join with an invalid name neither joins nor sends.
    auto r = alice.run(at(silent, {"group", "send", "--join", "a/b", "hello"}));
    CHECK_EXIT(r, 2);
    CHECK(silent.take_connections() == 0);
  }
  SECTION("32 characters is a valid group name") {
    std::string name(32, 'g');
    REQUIRE_EXIT(alice.run({"group", "join", name}), 0);
    auto r = alice.run({"group", "members", name, "--json"});
    REQUIRE_EXIT(r, 0);
    CHECK(parse_json_lines(r.out).size() == 1);
  }
}

TEST_CASE("group list and group members stay fast with 1,000 groups and 10,000 members",
          "[group][scale]") {
  Broker broker;
  User alice("alice", broker);
  alice.register_user();
  join(alice, "g0500");

  // 1,000 groups of 10 members each (10,000 records), every member also in the directory,
  // plus one large group of 2,000 members.
  {
    Seeder seed(broker.port());
    for (int u = 0; u < 10000; ++u) {
      std::string name = "u" + padded(u, 5);
      seed.retain("mqchat/v1/users/" + name, user_record(name));
    }
    for (int u = 0; u < 10000; ++u) {
      std::string group = "g" + padded(u / 10, 4);
      seed.retain("mqchat/v1/groups/" + group + "/members/u" + padded(u, 5), member_record());
    }
    for (int u = 0; u < 2000; ++u) {
      seed.retain("mqchat/v1/groups/crowd/members/u" + padded(u, 5), member_record());
    }
    seed.finish();
  }

  auto list = alice.run({"group", "list", "--json"});
  REQUIRE_EXIT(list, 0);
  auto groups = parse_json_lines(list.out);
  CHECK(groups.size() == 1001);
  std::map<std::string, int> counts;
  for (const auto& g : groups) counts[str(g, "name")] = g.value("members", -1);
  CHECK(counts["g0000"] == 10);
  CHECK(counts["g0500"] == 11);  // and alice
  CHECK(counts["g0999"] == 10);
  CHECK(counts["crowd"] == 2000);
  CHECK(list.elapsed < 5s);

  auto small = alice.run({"group", "members", "g0500", "--json"});
  REQUIRE_EXIT(small, 0);
  auto members = parse_json_lines(small.out);
  CHECK(members.size() == 11);
  for (const auto& m : members) {
    INFO(m.dump());
    CHECK(is_rfc3339_utc(str(m, "registered_at")));
  }
  CHECK(small.elapsed < 3s);

  auto crowd = alice.run({"group", "members", "crowd", "--json"});
  REQUIRE_EXIT(crowd, 0);
  auto crowd_members = parse_json_lines(crowd.out);
  CHECK(crowd_members.size() == 2000);
  if (!crowd_members.empty()) {
    CHECK(str(crowd_members.front(), "name") == "u00000");
    CHECK(str(crowd_members.front(), "registered_at") == "2026-11-25T09:00:00.000Z");
  }
  CHECK(crowd.elapsed < 5s);
}
