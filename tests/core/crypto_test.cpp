#include "core/crypto/crypto.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "core/crypto/identity.hpp"
#include "core/wire/error.hpp"

namespace crypto = mqchat::crypto;

namespace {

std::string unhex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

}  // namespace

// RFC 8032, section 7.1, test 1.
TEST_CASE("Ed25519 keys and signatures match RFC 8032's first vector", "[crypto]") {
  auto keys = crypto::signing_keys_from_seed(
      unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  CHECK(hex(keys.public_key) == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  auto sig = crypto::sign("", keys.secret_key);
  CHECK(hex(sig) ==
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e3970"
        "1cf9b46bd25bf5f0595bbe24655141438e7a100b");
  CHECK(crypto::verify(sig, "", keys.public_key));
  CHECK_FALSE(crypto::verify(sig, "x", keys.public_key));
  auto bad = sig;
  bad[0] ^= 1;
  CHECK_FALSE(crypto::verify(bad, "", keys.public_key));
  CHECK_FALSE(crypto::verify(sig.substr(1), "", keys.public_key));
}

// RFC 7748, section 6.1 (X25519), through crypto_box's HSalsa20 step as in NaCl's own tests.
TEST_CASE("crypto_box shared keys match the RFC 7748 / NaCl vector", "[crypto]") {
  auto alice_secret = unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  auto bob_public = unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  auto shared = crypto::box_shared_key(bob_public, alice_secret);
  REQUIRE(shared);
  CHECK(hex(*shared) == "1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
  CHECK_FALSE(crypto::box_shared_key(bob_public.substr(1), alice_secret));
}

TEST_CASE("a box opens only with the same key and nonce, unchanged", "[crypto]") {
  auto key = crypto::random_bytes(32);
  auto nonce = crypto::random_bytes(24);
  auto box = crypto::box_seal("hello", nonce, key);
  CHECK(box.size() == 5 + 16);
  CHECK(crypto::box_open(box, nonce, key) == std::optional<std::string>("hello"));
  auto changed = box;
  changed[3] ^= 0x40;
  CHECK_FALSE(crypto::box_open(changed, nonce, key));
  CHECK_FALSE(crypto::box_open(box, crypto::random_bytes(24), key));
  CHECK_FALSE(crypto::box_open(box, nonce, crypto::random_bytes(32)));
  CHECK_FALSE(crypto::box_open(box.substr(0, 15), nonce, key));  // shorter than the tag
  CHECK_FALSE(crypto::box_open(box, nonce.substr(1), key));
}

TEST_CASE("AEAD binds the associated data", "[crypto]") {
  auto key = crypto::random_bytes(32);
  auto nonce = crypto::random_bytes(24);
  const std::string ad("group\0alice", 11);
  auto sealed = crypto::aead_seal("text", ad, nonce, key);
  CHECK(crypto::aead_open(sealed, ad, nonce, key) == std::optional<std::string>("text"));
  CHECK_FALSE(crypto::aead_open(sealed, std::string("group\0mallory", 13), nonce, key));
  CHECK_FALSE(crypto::aead_open(sealed, "group", nonce, key));
  CHECK_FALSE(crypto::aead_open(sealed.substr(2), ad, nonce, key));
}

TEST_CASE("base64 is strict and sized", "[crypto]") {
  CHECK(crypto::to_base64("") == "");
  CHECK(crypto::to_base64("f") == "Zg==");
  CHECK(crypto::to_base64("foobar") == "Zm9vYmFy");
  CHECK(crypto::from_base64("Zm9vYg==") == std::optional<std::string>("foob"));
  CHECK_FALSE(crypto::from_base64("Zm9vYg"));     // padding missing
  CHECK_FALSE(crypto::from_base64("Zm9v!mFy"));   // not the alphabet
  CHECK_FALSE(crypto::from_base64(" Zm9vYmFy"));  // white space
  CHECK_FALSE(crypto::from_base64("Zm9vYmF\n"));
  CHECK_FALSE(crypto::from_base64("Zg=a"));  // '=' inside
  CHECK_FALSE(crypto::from_base64("Z==="));
  CHECK(crypto::from_base64("") == std::optional<std::string>(""));
  CHECK(crypto::from_base64("Zg==") == std::optional<std::string>("f"));
  CHECK(crypto::from_base64("Zm8=") == std::optional<std::string>("fo"));
  CHECK_FALSE(crypto::from_base64("Zm9vYmFy", 5));
  CHECK(crypto::from_base64("Zm9vYmFy", 6) == std::optional<std::string>("foobar"));
}

TEST_CASE("an identity survives its base64 form, a damaged one is refused", "[crypto]") {
  auto id = mqchat::Identity::generate();
  auto back = mqchat::Identity::from_secret(id.secret_base64(), "test");
  CHECK(back.public_key == id.public_key);
  CHECK(back.fingerprint() == id.fingerprint());
  CHECK_THAT(id.fingerprint(), Catch::Matches("([0-9a-f]{4} ){7}[0-9a-f]{4}"));
  auto secret = id.secret_key;
  secret[40] ^= 1;  // the public half no longer matches the seed
  CHECK_THROWS_AS(mqchat::Identity::from_secret(crypto::to_base64(secret), "test"), mqchat::Error);
  CHECK_THROWS_AS(mqchat::Identity::from_secret("not base64", "test"), mqchat::Error);
}

TEST_CASE("an exported identity imports only for its own user", "[crypto]") {
  auto id = mqchat::Identity::generate();
  auto text = mqchat::export_identity("alice", id);
  CHECK(mqchat::import_identity(text, "alice").identity.public_key == id.public_key);
  CHECK_THROWS_AS(mqchat::import_identity(text, "bob"), mqchat::Error);
  CHECK_THROWS_AS(mqchat::import_identity("{}", "alice"), mqchat::Error);
  CHECK_THROWS_AS(mqchat::import_identity("garbage", "alice"), mqchat::Error);
}
