#include "core/mosquitto_password.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <sstream>

#include "core/error.hpp"

namespace mqchat {

namespace {

// What mosquitto_passwd 2.0 writes for "$7$" (see docs/mqtt-notes.md: checked against it).
constexpr int kIterations = 101;
constexpr int kSaltBytes = 12;
constexpr int kHashBytes = 64;
constexpr std::size_t kMaxPasswordBytes = 1024;

std::string base64(const unsigned char* data, int size) {
  std::string out(static_cast<std::size_t>(4 * ((size + 2) / 3)) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, size);
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// The lines of CONTENT, each without its newline; a last line without one counts too.
std::vector<std::string> lines_of(const std::string& content) {
  std::vector<std::string> out;
  std::istringstream in(content);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool is_entry_of(const std::string& line, const std::string& name) {
  return line.size() > name.size() && line.compare(0, name.size(), name) == 0 &&
         line[name.size()] == ':';
}

}  // namespace

void validate_password(std::string_view password) {
  if (password.empty()) throw usage_error("empty password: give one of at least 1 character");
  if (password.size() > kMaxPasswordBytes) {
    throw usage_error("password too long: at most " + std::to_string(kMaxPasswordBytes) + " bytes");
  }
  if (password.find_first_of(std::string_view("\n\r\0", 3)) != std::string_view::npos) {
    throw usage_error("invalid password: it must not contain line breaks or NUL bytes");
  }
}

std::string mosquitto_password_hash(std::string_view password, const std::string& salt) {
  unsigned char hash[kHashBytes];
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), kIterations, EVP_sha512(), kHashBytes,
                        hash) != 1) {
    throw failure("cannot hash the password: OpenSSL's PBKDF2 failed");
  }
  return "$7$" + std::to_string(kIterations) + "$" +
         base64(reinterpret_cast<const unsigned char*>(salt.data()),
                static_cast<int>(salt.size())) +
         "$" + base64(hash, kHashBytes);
}

std::string mosquitto_password_hash(std::string_view password) {
  std::string salt(kSaltBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), kSaltBytes) != 1) {
    throw failure("cannot hash the password: no random bytes from OpenSSL");
  }
  return mosquitto_password_hash(password, salt);
}

std::string with_password_entry(const std::string& content, const std::string& name,
                                const std::string& hash) {
  std::string out;
  bool replaced = false;
  for (const auto& line : lines_of(content)) {
    if (is_entry_of(line, name)) {
      if (replaced) continue;  // a duplicate: keep only the new entry
      out += name + ":" + hash + "\n";
      replaced = true;
    } else {
      out += line + "\n";
    }
  }
  if (!replaced) out += name + ":" + hash + "\n";
  return out;
}

std::string without_password_entry(const std::string& content, const std::string& name,
                                   bool& found) {
  std::string out;
  found = false;
  for (const auto& line : lines_of(content)) {
    if (is_entry_of(line, name)) {
      found = true;
    } else {
      out += line + "\n";
    }
  }
  return out;
}

std::vector<std::string> password_entry_names(const std::string& content) {
  std::vector<std::string> out;
  for (const auto& line : lines_of(content)) {
    auto colon = line.find(':');
    if (colon != std::string::npos && colon > 0) out.push_back(line.substr(0, colon));
  }
  return out;
}

}  // namespace mqchat
