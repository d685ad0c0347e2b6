#include "core/broker/mosquitto_password.hpp"

#include <sys/random.h>

#include <sstream>

#include "core/module/paho_module.hpp"
#include "core/wire/error.hpp"

namespace mqchat {

namespace {

// What mosquitto_passwd 2.0 writes for "$7$" (see docs/mqtt-notes.md: checked against it).
constexpr int kIterations = 101;
constexpr int kSaltBytes = 12;
constexpr int kHashBytes = 64;
constexpr std::size_t kMaxPasswordBytes = 1024;

// Standard base64 with padding, as mosquitto_passwd writes it.
std::string base64(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve(4 * ((size + 2) / 3));
  for (std::size_t i = 0; i < size; i += 3) {
    const std::size_t left = size - i;
    const unsigned bits = (unsigned{data[i]} << 16) | (left > 1 ? unsigned{data[i + 1]} << 8 : 0) |
                          (left > 2 ? unsigned{data[i + 2]} : 0);
    out += kDigits[(bits >> 18) & 63];
    out += kDigits[(bits >> 12) & 63];
    out += left > 1 ? kDigits[(bits >> 6) & 63] : '=';
    out += left > 2 ? kDigits[bits & 63] : '=';
  }
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
  if (!paho_module().pbkdf2_hmac_sha512(password, salt, kIterations, hash, kHashBytes)) {
    throw failure("cannot hash the password: OpenSSL's PBKDF2 failed");
  }
  return "$7$" + std::to_string(kIterations) + "$" +
         base64(reinterpret_cast<const unsigned char*>(salt.data()), salt.size()) + "$" +
         base64(hash, kHashBytes);
}

std::string mosquitto_password_hash(std::string_view password) {
  std::string salt(kSaltBytes, '\0');
  if (::getrandom(salt.data(), salt.size(), 0) != static_cast<ssize_t>(salt.size())) {
    throw failure("cannot hash the password: the kernel gave no random bytes (getrandom)");
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
