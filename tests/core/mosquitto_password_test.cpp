#include "core/broker/mosquitto_password.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "core/wire/error.hpp"

using mqchat::mosquitto_password_hash;

TEST_CASE("password hashes are what mosquitto_passwd writes", "[broker][password]") {
  // Made by Debian's mosquitto_passwd 2.0.11 -U for "alice:secret"; its salt decodes to the
  // twelve bytes below.
  const std::string salt("\x38\xc8\x4b\xe0\x20\x41\xbf\xe6\x9f\x3b\x40\xc6", 12);
  CHECK(mosquitto_password_hash("secret", salt) ==
        "$7$101$OMhL4CBBv+afO0DG$RkC4zNSPRcqVDCo984RXrIj2i2bjlpOTUsvtlkgTbgd3CcBXVyBFiHtQuq1D+"
        "fAPHkmprf141lEykitmAt70uQ==");
}

TEST_CASE("salts of any length are encoded with base64 padding", "[broker][password]") {
  // 14 bytes leave a remainder of 2 (one '='), the 64-byte hash a remainder of 1 ('=='); the
  // expected value is Python's hashlib.pbkdf2_hmac and base64.b64encode.
  CHECK(
      mosquitto_password_hash("secret", "abcdefghijklmn") ==
      "$7$101$YWJjZGVmZ2hpamtsbW4=$jQTfW4HsSStqtHalEo7whlW9g/b7mCAkxahADSnvEb8Q5ICs8jsW00bOLGPGD6yY"
      "upKDL4NjeBSD7vwzx3a/Bg==");
}

TEST_CASE("each hash has a fresh salt", "[broker][password]") {
  auto a = mosquitto_password_hash("secret");
  auto b = mosquitto_password_hash("secret");
  CHECK(a != b);
  CHECK(a.rfind("$7$101$", 0) == 0);
  CHECK(a.find("secret") == std::string::npos);
}

TEST_CASE("password file entries are added, replaced and removed by name", "[broker][password]") {
  std::string file = mqchat::with_password_entry("", "alice", "H1");
  file = mqchat::with_password_entry(file, "bob", "H2");
  CHECK(file == "alice:H1\nbob:H2\n");
  file = mqchat::with_password_entry(file, "alice", "H3");
  CHECK(file == "alice:H3\nbob:H2\n");
  // "al" is a prefix of "alice", not the same account.
  file = mqchat::with_password_entry(file, "al", "H4");
  CHECK(mqchat::password_entry_names(file) == std::vector<std::string>{"alice", "bob", "al"});
  bool found = false;
  file = mqchat::without_password_entry(file, "alice", found);
  CHECK(found);
  CHECK(file == "bob:H2\nal:H4\n");
  file = mqchat::without_password_entry(file, "carol", found);
  CHECK_FALSE(found);
  CHECK(file == "bob:H2\nal:H4\n");
}

TEST_CASE("passwords that a password file or MQTT cannot carry are refused", "[broker][password]") {
  CHECK_NOTHROW(mqchat::validate_password("correct horse"));
  for (std::string bad : {std::string(), std::string("a\nb"), std::string("a\rb"),
                          std::string("a\0b", 3), std::string(1025, 'x')}) {
    try {
      mqchat::validate_password(bad);
      FAIL("accepted a bad password of " << bad.size() << " bytes");
    } catch (const mqchat::Error& e) {
      CHECK(e.code() == mqchat::ExitCode::usage);
    }
  }
}
