#include "core/store/pending_inbox.hpp"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/store/files.hpp"
#include "core/wire/ids.hpp"
#include "core/wire/names.hpp"

namespace mqchat {

namespace {

// Appends TEXT (valid UTF-8) as a JSON string. Written out by hand because it runs in paho's
// arrival callback for every message a listen receives, where building a JSON object and
// dumping it was the largest part of mqchat's own work on that thread.
void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += kHex[(c >> 4) & 0xF];
          out += kHex[c & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

std::optional<std::string> from_hex(const std::string& hex) {
  if (hex.size() % 2) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

}  // namespace

std::string PendingInbox::line_for(const IncomingMessage& message) {
  if (!is_valid_utf8(message.topic)) return {};  // cannot be one of our topics
  std::string line;
  line.reserve(message.topic.size() + message.payload.size() + 64);
  line += "{\"topic\":";
  append_json_string(line, message.topic);
  if (is_valid_utf8(message.payload)) {
    line += ",\"payload\":";
    append_json_string(line, message.payload);
  } else {
    line += ",\"payload_hex\":\"";
    line += to_hex(message.payload);
    line += '"';
  }
  line += "}\n";
  return line;
}

void PendingInbox::stash(const std::vector<IncomingMessage>& messages) {
  if (messages.empty()) return;
  std::string batch;
  for (const auto& m : messages) batch += line_for(m);
  append_line_locked(file_, batch);
}

std::vector<IncomingMessage> PendingInbox::read() const {
  std::vector<IncomingMessage> out;
  auto text = read_file(file_);
  if (!text) return out;
  std::size_t start = 0;
  while (start < text->size()) {
    auto end = text->find('\n', start);
    if (end == std::string::npos) break;
    auto j = nlohmann::json::parse(text->begin() + static_cast<long>(start),
                                   text->begin() + static_cast<long>(end), nullptr, false);
    start = end + 1;
    if (!j.is_object() || !j.contains("topic") || !j["topic"].is_string()) continue;
    IncomingMessage m{j["topic"].get<std::string>(), {}, false};
    if (j.contains("payload") && j["payload"].is_string()) {
      m.payload = j["payload"].get<std::string>();
    } else if (j.contains("payload_hex") && j["payload_hex"].is_string()) {
      auto bytes = from_hex(j["payload_hex"].get<std::string>());
      if (!bytes) continue;
      m.payload = *bytes;
    } else {
      continue;
    }
    out.push_back(std::move(m));
  }
  return out;
}

void PendingInbox::clear() { ::unlink(file_.c_str()); }

}  // namespace mqchat
