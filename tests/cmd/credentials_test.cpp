// Which user name, password and TLS files reach the broker, and where they are (not) kept.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <string>

#include "core/store/files.hpp"
#include "tests/fakes/fake_transport.hpp"

using mqchat::fakes::FakeBroker;
using mqchat::fakes::Machine;

namespace {

std::string profile_text(const Machine& m, const std::string& name) {
  return mqchat::read_file(m.home() / "profiles" / (name + ".yaml")).value_or("");
}

}  // namespace

TEST_CASE("the MQTT user name is the mqchat name and the password comes from MQCHAT_PASSWORD",
          "[credentials]") {
  auto broker = std::make_shared<FakeBroker>();
  Machine m(broker);
  m.env["MQCHAT_PASSWORD"] = "pw-of-alice";
  REQUIRE(m.run({"register", "alice"}).code == 0);
  REQUIRE(m.run({"send", "alice", "note to self"}).code == 0);
  auto connects = broker->connects();
  REQUIRE(connects.size() >= 2);
  for (const auto& c : connects) {
    CHECK(c.username == "alice");
    CHECK(c.password == "pw-of-alice");
  }
  // Without --save-password it is kept nowhere.
  CHECK(profile_text(m, "alice").find("pw-of-alice") == std::string::npos);

  SECTION("a later command without the variable connects without a password") {
    m.env.erase("MQCHAT_PASSWORD");
    REQUIRE(m.run({"send", "alice", "again"}).code == 0);
    CHECK(broker->connects().back().username == "alice");
    CHECK(broker->connects().back().password.empty());
  }
}

TEST_CASE("a password file beats MQCHAT_PASSWORD and --save-password keeps it in the profile",
          "[credentials]") {
  auto broker = std::make_shared<FakeBroker>();
  Machine m(broker);
  auto file = m.home() / "pw.txt";
  std::ofstream(file) << "from-the-file\n";
  ::chmod(file.c_str(), 0600);
  m.env["MQCHAT_PASSWORD"] = "from-the-env";
  auto r = m.run({"register", "bob", "--password-file", file.string(), "--save-password"});
  REQUIRE(r.code == 0);
  CHECK(r.err.empty());
  CHECK(broker->connects().back().password == "from-the-file");
  CHECK_THAT(profile_text(m, "bob"), Catch::Contains("from-the-file"));
  struct stat st {};
  REQUIRE(::stat((m.home() / "profiles" / "bob.yaml").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  m.env.erase("MQCHAT_PASSWORD");
  REQUIRE(m.run({"send", "bob", "saved"}).code == 0);
  CHECK(broker->connects().back().password == "from-the-file");
}

TEST_CASE("saving a password without one says where to give it", "[credentials]") {
  auto broker = std::make_shared<FakeBroker>();
  Machine m(broker);
  auto r = m.run({"register", "carol", "--save-password"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("MQCHAT_PASSWORD"));
  CHECK(broker->connects().empty());
}

TEST_CASE("a password file others can read gets a warning, a missing one is a usage error",
          "[credentials]") {
  auto broker = std::make_shared<FakeBroker>();
  Machine m(broker);
  auto file = m.home() / "pw.txt";
  std::ofstream(file) << "open-secret\n";
  ::chmod(file.c_str(), 0644);
  auto r = m.run({"register", "dave", "--password-file", file.string()});
  CHECK(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("chmod 600"));
  auto missing = m.run({"register", "erin", "--password-file", (m.home() / "nope").string()});
  CHECK(missing.code == 2);
  CHECK_THAT(missing.err, Catch::Contains("cannot read the password file"));
}

TEST_CASE("TLS files given at register are kept for the profile's later commands",
          "[credentials]") {
  auto broker = std::make_shared<FakeBroker>();
  Machine m(broker);
  REQUIRE(m.run({"register", "frank", "--cafile", "/etc/mq/ca.pem", "--cert", "/etc/mq/c.pem",
                 "--key", "/etc/mq/c.key"})
              .code == 0);
  REQUIRE(m.run({"send", "frank", "hi"}).code == 0);
  auto tls = broker->connects().back().tls;
  CHECK(tls.cafile == "/etc/mq/ca.pem");
  CHECK(tls.cert == "/etc/mq/c.pem");
  CHECK(tls.key == "/etc/mq/c.key");
  CHECK_FALSE(tls.insecure);

  SECTION("MQCHAT_CAFILE and --insecure") {
    m.env["MQCHAT_CAFILE"] = "/other/ca.pem";
    REQUIRE(m.run({"send", "frank", "hi", "--insecure"}).code == 0);
    // flag > environment > profile: MQCHAT_CAFILE beats what register kept.
    CHECK(broker->connects().back().tls.cafile == "/other/ca.pem");
    CHECK(broker->connects().back().tls.insecure);
  }
  SECTION("a certificate needs its key") {
    auto r = m.run({"send", "frank", "hi", "--key", ""});
    CHECK(r.code == 2);
  }
}
