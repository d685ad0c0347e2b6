#include "core/broker/broker_config.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "core/broker/mosquitto_runner.hpp"
#include "core/store/files.hpp"
#include "core/wire/error.hpp"
#include "tests/fakes/loopback_listener.hpp"

namespace fs = std::filesystem;
using mqchat::BrokerOptions;
using mqchat::Error;
using mqchat::ExitCode;

namespace {

// A fresh directory under /tmp, removed with everything in it at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "mqchat-broker-test.XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

using Listener = mqchat::fakes::LoopbackListener;

int free_port() { return Listener().port; }

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_script(const fs::path& p, const std::string& body) {
  std::ofstream(p) << "#!/bin/sh\n" << body;
  fs::permissions(p, fs::perms::owner_all);
}

int mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

ExitCode code_of(const BrokerOptions& opts) {
  try {
    mqchat::render_mosquitto_config(opts);
  } catch (const Error& e) {
    return e.code();
  }
  return ExitCode::ok;
}

BrokerOptions options_in(const fs::path& dir) {
  BrokerOptions opts;
  opts.data_dir = dir;
  return opts;
}

}  // namespace

TEST_CASE("broker config listens on loopback port 1883 by default", "[broker]") {
  const std::string conf = mqchat::render_mosquitto_config(options_in("/srv/mq"));
  CHECK(has_line(conf, "listener 1883 127.0.0.1"));
  CHECK(has_line(conf, "allow_anonymous true"));
  CHECK_FALSE(has_line(conf, "user root"));
}

TEST_CASE("broker config uses the given port, bind address and data dir", "[broker]") {
  BrokerOptions opts = options_in("/var/lib/mqchat broker");
  opts.port = 18830;
  opts.bind = "0.0.0.0";
  const std::string conf = mqchat::render_mosquitto_config(opts);
  CHECK(has_line(conf, "listener 18830 0.0.0.0"));
  CHECK(has_line(conf, "persistence true"));
  CHECK(has_line(conf, "persistence_location /var/lib/mqchat broker/"));
  CHECK(mqchat::mosquitto_config_path(opts) == fs::path("/var/lib/mqchat broker/mosquitto.conf"));

  SECTION("a trailing slash is not doubled") {
    opts.data_dir = "/srv/mq/";
    CHECK(has_line(mqchat::render_mosquitto_config(opts), "persistence_location /srv/mq/"));
  }
  SECTION("IPv6 and host names are accepted") {
    opts.bind = "::1";
    CHECK(has_line(mqchat::render_mosquitto_config(opts), "listener 18830 ::1"));
    opts.bind = "chat-host.example";
    CHECK(has_line(mqchat::render_mosquitto_config(opts), "listener 18830 chat-host.example"));
  }
}

TEST_CASE("broker config queues enough for offline users", "[broker]") {
  const std::string conf = mqchat::render_mosquitto_config(options_in("/srv/mq"));
  CHECK(has_line(conf, "max_queued_messages 1000000"));
  CHECK(has_line(conf, "max_queued_bytes 0"));
  CHECK(has_line(conf, "persistent_client_expiration 90d"));
  CHECK(has_line(conf, "max_packet_size 1048576"));
  CHECK(has_line(conf, "log_dest stderr"));
}

TEST_CASE("broker config sends small packets without Nagle's delay", "[broker]") {
  CHECK(has_line(mqchat::render_mosquitto_config(options_in("/srv/mq")), "set_tcp_nodelay true"));
}

TEST_CASE("broker config keeps mosquitto root only when started as root", "[broker]") {
  BrokerOptions opts = options_in("/srv/mq");
  opts.run_as_root = true;
  CHECK(has_line(mqchat::render_mosquitto_config(opts), "user root"));
}

TEST_CASE("broker config refuses bad options with a usage error", "[broker]") {
  BrokerOptions opts = options_in("/srv/mq");
  SECTION("port out of range") {
    opts.port = 0;
    CHECK(code_of(opts) == ExitCode::usage);
    opts.port = 65536;
    CHECK(code_of(opts) == ExitCode::usage);
    opts.port = 65535;
    CHECK(code_of(opts) == ExitCode::ok);
  }
  SECTION("bind address with spaces or extra config lines") {
    for (const char* bind : {"", "127.0.0.1 1884", "127.0.0.1\nallow_anonymous true", "a#b"}) {
      opts.bind = bind;
      CHECK(code_of(opts) == ExitCode::usage);
    }
  }
  SECTION("data dir missing or spanning lines") {
    opts.data_dir = "";
    CHECK(code_of(opts) == ExitCode::usage);
    opts.data_dir = "/srv/mq\nuser root";
    CHECK(code_of(opts) == ExitCode::usage);
  }
}

TEST_CASE("find_mosquitto searches PATH, then the fallback dirs", "[broker]") {
  TempDir bin;
  TempDir sbin;
  write_script(sbin.path / "mosquitto", "exit 0\n");

  SECTION("fallback dir") {
    CHECK(mqchat::find_mosquitto(std::string("/nonexistent"), {sbin.path}) ==
          sbin.path / "mosquitto");
  }
  SECTION("PATH first") {
    write_script(bin.path / "mosquitto", "exit 0\n");
    const std::string path = "/nonexistent::" + bin.path.string();
    CHECK(mqchat::find_mosquitto(path, {sbin.path}) == bin.path / "mosquitto");
  }
  SECTION("missing: says how to install it") {
    try {
      mqchat::find_mosquitto(bin.path.string(), {});
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::failure);
      CHECK(std::string(e.what()) ==
            "mosquitto not found: install it with 'apt-get install mosquitto'");
    }
  }
}

TEST_CASE("check_port_free reports a port in use", "[broker]") {
  Listener busy;
  try {
    mqchat::check_port_free("127.0.0.1", busy.port);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::failure);
    CHECK(std::string(e.what()) == "port " + std::to_string(busy.port) +
                                       " on 127.0.0.1 is in use: choose another with --port");
  }
  CHECK_NOTHROW(mqchat::check_port_free("127.0.0.1", free_port()));
}

TEST_CASE("run_mosquitto writes the config and returns the broker's status", "[broker]") {
  TempDir tmp;
  BrokerOptions opts = options_in(tmp.path / "state" / "broker");
  opts.port = free_port();
  const fs::path fake = tmp.path / "mosquitto";

  SECTION("exit status and arguments") {
    write_script(fake, "printf '%s\\n' \"$@\" > \"$(dirname \"$0\")/args\"\nexit 3\n");
    CHECK(mqchat::run_mosquitto(opts, fake) == 3);
    const fs::path conf = opts.data_dir / "mosquitto.conf";
    CHECK(read_file(tmp.path / "args") == "-c\n" + conf.string() + "\n");
    CHECK(read_file(conf) == mqchat::render_mosquitto_config(opts));
    CHECK(mode_of(conf) == 0600);
    CHECK(mode_of(opts.data_dir) == 0700);
  }
  SECTION("SIGTERM is forwarded and a clean stop is 0") {
    write_script(fake, "trap 'exit 0' TERM\nkill -TERM $PPID\nwhile :; do sleep 0.05; done\n");
    CHECK(mqchat::run_mosquitto(opts, fake) == 0);
  }
  SECTION("SIGHUP is forwarded without stopping") {
    write_script(fake, "trap 'exit 7' HUP\nkill -HUP $PPID\nwhile :; do sleep 0.05; done\n");
    CHECK(mqchat::run_mosquitto(opts, fake) == 7);
  }
  SECTION("one broker per data dir") {
    write_script(fake, "exit 0\n");
    auto held = mqchat::FileLock::try_acquire(opts.data_dir / "broker.lock");
    REQUIRE(held);
    CHECK_THROWS_WITH(mqchat::run_mosquitto(opts, fake),
                      Catch::Contains("a broker is already running with data dir"));
  }
  SECTION("an executable that cannot run is a failure") {
    CHECK_THROWS_AS(mqchat::run_mosquitto(opts, tmp.path / "missing"), Error);
  }
}

TEST_CASE("broker config with --auth refuses anonymous clients and names its files", "[broker]") {
  BrokerOptions opts = options_in("/srv/mq");
  opts.auth = true;
  const std::string conf = mqchat::render_mosquitto_config(opts);
  CHECK(has_line(conf, "allow_anonymous false"));
  CHECK_FALSE(has_line(conf, "allow_anonymous true"));
  CHECK(has_line(conf, "password_file /srv/mq/passwd"));
  CHECK(has_line(conf, "acl_file /srv/mq/acl"));
}

TEST_CASE("the ACL lets each user write only where the sender level is its name", "[broker]") {
  const std::string acl = "\n" + mqchat::render_acl();
  for (const char* line :
       {"pattern write mqchat/v1/users/%u", "pattern write mqchat/v1/presence/%u",
        "pattern write mqchat/v1/inbox/+/%u", "pattern read mqchat/v1/inbox/%u/+",
        "pattern write mqchat/v1/groups/+/members/%u", "pattern write mqchat/v1/groups/+/msg/%u",
        "pattern readwrite mqchat/v1/sync/%u/+"}) {
    INFO(line);
    CHECK(has_line(acl, line));
  }
  // No rule grants writing a level that is not %u, and `topic` lines would bind anonymous only.
  std::istringstream lines(acl);
  for (std::string l; std::getline(lines, l);) {
    if (l.empty() || l[0] == '#') continue;
    INFO(l);
    CHECK(l.rfind("pattern ", 0) == 0);
    if (l.find(" write ") != std::string::npos || l.find("readwrite") != std::string::npos) {
      CHECK(l.size() > 3);
      CHECK((l.find("/%u/") != std::string::npos || l.substr(l.size() - 3) == "/%u"));
    }
  }
}

TEST_CASE("broker config with --tls adds a TLS listener on the bind address", "[broker]") {
  BrokerOptions opts = options_in("/srv/mq");
  opts.tls = mqchat::TlsListener{18883, "/etc/mq/server.pem", "/etc/mq/server.key"};
  const std::string conf = mqchat::render_mosquitto_config(opts);
  CHECK(has_line(conf, "listener 1883 127.0.0.1"));
  CHECK(has_line(conf, "listener 18883 127.0.0.1"));
  CHECK(has_line(conf, "certfile /etc/mq/server.pem"));
  CHECK(has_line(conf, "keyfile /etc/mq/server.key"));

  SECTION("the TLS port must differ from the plain one") {
    opts.tls->port = opts.port;
    CHECK(code_of(opts) == ExitCode::usage);
  }
  SECTION("a certificate path must be one line") {
    opts.tls->cert = "/etc/x\nallow_anonymous true";
    CHECK(code_of(opts) == ExitCode::usage);
  }
  SECTION("the key is required") {
    opts.tls->key.clear();
    CHECK(code_of(opts) == ExitCode::usage);
  }
}
