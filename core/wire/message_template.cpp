#include "core/wire/message_template.hpp"

#include "core/wire/error.hpp"
#include "core/wire/format.hpp"

namespace mqchat {

namespace {

std::string field_value(const Envelope& e, const std::string& name) {
  if (name == "id") return e.id;
  if (name == "type") return std::string(to_string(e.type));
  if (name == "from") return e.from;
  if (name == "to") return e.to;
  if (name == "group") return e.group;
  if (name == "text") return e.text;
  if (name == "verified") return e.verified ? "true" : "false";
  return e.sent_at;  // parse() admits no other name
}

bool is_field(const std::string& name) {
  for (const auto& known : MessageTemplate::field_names()) {
    if (known == name) return true;
  }
  return false;
}

std::string known_fields() {
  std::string out;
  for (const auto& name : MessageTemplate::field_names())
    out += (out.empty() ? "{" : " {") + name + "}";
  return out;
}

}  // namespace

const std::vector<std::string>& MessageTemplate::field_names() {
  static const std::vector<std::string> names = {"id",    "type", "from",    "to",
                                                 "group", "text", "sent_at", "verified"};
  return names;
}

MessageTemplate MessageTemplate::parse(const std::string& text) {
  MessageTemplate t;
  std::string literal;
  auto flush_literal = [&] {
    if (!literal.empty()) t.parts_.push_back(Part{false, literal});
    literal.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      if (i + 1 == text.size()) throw usage_error("--format ends with a lone '\\' (write '\\\\')");
      char next = text[++i];
      switch (next) {
        case 't':
          literal += '\t';
          break;
        case 'n':
          literal += '\n';
          break;
        case '\\':
        case '{':
        case '}':
          literal += next;
          break;
        default:
          throw usage_error(std::string("unknown escape '\\") + next +
                            "' in --format (use \\t \\n \\\\ \\{ \\})");
      }
    } else if (c == '{') {
      auto close = text.find('}', i);
      if (close == std::string::npos) {
        throw usage_error("unclosed '{' in --format (write '\\{' for a literal brace)");
      }
      std::string name = text.substr(i + 1, close - i - 1);
      if (!is_field(name)) {
        throw usage_error("unknown field '{" + name + "}' in --format (fields: " + known_fields() +
                          ")");
      }
      flush_literal();
      t.parts_.push_back(Part{true, name});
      i = close;
    } else if (c == '}') {
      throw usage_error("unmatched '}' in --format (write '\\}' for a literal brace)");
    } else {
      literal += c;
    }
  }
  flush_literal();
  return t;
}

std::string MessageTemplate::render(const Envelope& envelope) const {
  std::string out;
  for (const auto& part : parts_) {
    out += part.is_field ? escape_field(field_value(envelope, part.text)) : part.text;
  }
  return out;
}

std::string escape_field(const std::string& value) {
  std::string escaped;
  for (char c : value) {
    switch (c) {
      case '\\':
        escaped += "\\\\";
        break;
      case '\t':
        escaped += "\\t";
        break;
      case '\n':
        escaped += "\\n";
        break;
      case '\r':
        escaped += "\\r";
        break;
      default:
        escaped += c;
    }
  }
  // What is left of the control characters could still drive a terminal.
  return sanitize_for_terminal(escaped);
}

}  // namespace mqchat
