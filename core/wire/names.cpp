#include "core/wire/names.hpp"

#include <cstdint>

#include "core/wire/error.hpp"

namespace mqchat {

namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Shows a refused name safely on one terminal line, whatever bytes it holds.
std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) {
    auto u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f) ? c : '?';
  }
  if (s.size() > 40) out += "...";
  return out;
}

}  // namespace

bool is_valid_name(std::string_view name) {
  if (name.empty() || name.size() > 32 || !is_alnum(name.front())) return false;
  for (char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

void validate_name(std::string_view name, std::string_view what) {
  if (is_valid_name(name)) return;
  std::string w(what);
  if (name.empty())
    throw usage_error(w + " name is empty: give 1-32 letters, digits, '_', '.' or '-'");
  throw usage_error(
      "invalid " + w + " name '" + printable(name) +
      "': use 1-32 letters, digits, '_', '.' or '-', starting with a letter or digit");
}

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (int k = 1; k <= extra; ++k) {
      if (i + static_cast<std::size_t>(k) >= n) return false;
      auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr std::uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += static_cast<std::size_t>(extra) + 1;
  }
  return true;
}

void validate_text(std::string_view text, std::size_t max_bytes) {
  if (text.empty()) throw usage_error("message text is empty: give TEXT or pipe it on stdin");
  if (!is_valid_utf8(text)) throw usage_error("message text is not valid UTF-8");
  if (text.size() > max_bytes) {
    throw usage_error("message text has " + std::to_string(text.size()) + " bytes, more than the " +
                      std::to_string(max_bytes) + " allowed (config key max_text_bytes)");
  }
}

std::string normalize_phone(std::string_view phone) {
  std::string out;
  for (std::size_t i = 0; i < phone.size(); ++i) {
    char c = phone[i];
    if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') continue;
    if (c == '+' && out.empty()) {
      out += c;
      continue;
    }
    if (c < '0' || c > '9') {
      throw usage_error("invalid phone number '" + printable(phone) +
                        "': use digits, optionally with a leading '+'");
    }
    out += c;
  }
  std::size_t digits = out.size() - (!out.empty() && out.front() == '+' ? 1 : 0);
  if (digits < 3 || digits > 20) {
    throw usage_error("invalid phone number '" + printable(phone) + "': give 3 to 20 digits");
  }
  return out;
}

}  // namespace mqchat
