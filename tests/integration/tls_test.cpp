// TLS: `broker start --tls` with a throwaway CA made here with the openssl command line.

#include <fstream>

#include "tests/integration/auth_broker.hpp"
#include "tests/integration/harness.hpp"

using namespace itest;
namespace fs = std::filesystem;

namespace {

void openssl(const std::vector<std::string>& args) {
  auto program = find_program("openssl");
  if (!program) FAIL("openssl not found (apt-get install openssl)");
  auto r = run_process(*program, args, {}, 30s);
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
}

// A CA and a server certificate for 127.0.0.1 signed by it, in DIR.
void make_certificates(const fs::path& dir) {
  const auto p = [&](const char* name) { return (dir / name).string(); };
  openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
           "/CN=mqchat test CA", "-keyout", p("ca.key"), "-out", p("ca.pem")});
  openssl({"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout",
           p("server.key"), "-out", p("server.csr")});
  {
    std::ofstream ext(p("ext"));
    ext << "subjectAltName=IP:127.0.0.1\n";
  }
  openssl({"x509", "-req", "-in", p("server.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"),
           "-CAcreateserial", "-days", "1", "-extfile", p("ext"), "-out", p("server.pem")});
}

}  // namespace

TEST_CASE("mqtts:// to a broker started with --tls: trusted with --cafile, refused without",
          "[tls]") {
  TempDir certs("mqchat-it-certs");
  make_certificates(certs.path());
  AuthBroker broker(true, certs.path() / "server.pem", certs.path() / "server.key");
  broker.adduser("alice", "alice-tls-pw");
  broker.adduser("bob", "bob-tls-pw");
  User alice("alice", broker.tls_url());
  User bob("bob", broker.tls_url());
  alice.set_password("alice-tls-pw");
  bob.set_password("bob-tls-pw");

  SECTION("an untrusted certificate exits 4 and says what to do") {
    auto r = alice.run({"register", "alice"});
    CHECK_EXIT(r, 4);
    CHECK_THAT(r.err, Catch::Contains("--cafile"));
  }
  SECTION("with the CA both chat over TLS; the CA file is kept for later commands") {
    const std::string ca = (certs.path() / "ca.pem").string();
    REQUIRE_EXIT(alice.run({"register", "alice", "--cafile", ca}), 0);
    MqchatOptions o;
    o.env = {{"MQCHAT_CAFILE", ca}};
    REQUIRE_EXIT(bob.run({"register", "bob"}, o), 0);
    REQUIRE_EXIT(alice.run({"send", "bob", "over TLS"}), 0);
    auto r = bob.run({"listen", "--json", "--count", "1", "--timeout", "15"}, o);
    REQUIRE_EXIT(r, 0);
    CHECK(texts_of(parse_json_lines(r.out)) == std::vector<std::string>{"over TLS"});
    SECTION("without the CA, bob's listen is refused, not crashed") {
      auto refused = bob.run({"listen", "--count", "1", "--timeout", "2"});
      CHECK_EXIT(refused, 4);
      CHECK_THAT(refused.err, Catch::Contains("--cafile"));
    }
  }
  SECTION("--insecure accepts the certificate without the CA") {
    REQUIRE_EXIT(alice.run({"register", "alice", "--insecure"}), 0);
  }
}
