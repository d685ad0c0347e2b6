#include "core/wire/format.hpp"

#include <ctime>

#include "core/wire/clock.hpp"

namespace mqchat {

namespace {

std::string bold(const std::string& s, bool colour) {
  return colour ? "\033[1;36m" + s + "\033[0m" : s;
}

}  // namespace

std::string sanitize_for_terminal(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      out += "\xEF\xBF\xBD";
    } else if (c == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      out += "\xEF\xBF\xBD";  // C1 controls (U+0080-U+009F), e.g. CSI
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string local_time_text(const std::string& rfc3339) {
  auto t = parse_rfc3339(rfc3339);
  if (!t) return rfc3339;
  std::time_t secs = std::chrono::system_clock::to_time_t(*t);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

std::string format_message(const Envelope& e, const MessageStyle& style) {
  std::string head = "[" + local_time_text(e.sent_at) + "] ";
  std::string from = bold(sanitize_for_terminal(e.from), style.colour);
  // Nothing proves a plain or wrongly sealed message is from the name it shows.
  if (style.mark_unverified && !e.verified) from += " [unverified]";
  switch (e.type) {
    case MessageType::join:
      return head + from + " has joined " + e.group;
    case MessageType::leave:
      return head + from + " has left " + e.group;
    case MessageType::group:
      head += from + " @ " + e.group + ": ";
      break;
    case MessageType::dm:
      head += from + (style.show_recipient ? " \u2192 " + e.to : std::string()) + ": ";
      break;
  }
  std::string text = sanitize_for_terminal(e.text);
  std::string out = head;
  for (char c : text) {
    out += c;
    if (c == '\n') out += "    ";
  }
  return out;
}

}  // namespace mqchat
