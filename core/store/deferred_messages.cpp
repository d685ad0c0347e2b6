#include "core/store/deferred_messages.hpp"

#include <unistd.h>

#include "core/store/files.hpp"

namespace mqchat {

namespace {

std::string line_of(const Envelope& envelope) {
  return to_json(envelope).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

void DeferredMessages::add(const Envelope& envelope) {
  append_line_locked(file_, line_of(envelope));
}

std::vector<Envelope> DeferredMessages::read() const {
  std::vector<Envelope> out;
  auto text = read_file(file_);
  if (!text) return out;
  std::size_t start = 0;
  while (start < text->size()) {
    auto end = text->find('\n', start);
    if (end == std::string::npos) break;  // a torn last line is skipped
    auto j = nlohmann::json::parse(text->begin() + static_cast<long>(start),
                                   text->begin() + static_cast<long>(end), nullptr, false);
    start = end + 1;
    try {
      out.push_back(envelope_from_json(j));
    } catch (const DecodeError&) {
      // Unreadable line: skip it rather than block every later listen.
    }
  }
  return out;
}

void DeferredMessages::replace(const std::vector<Envelope>& envelopes) {
  if (envelopes.empty()) {
    ::unlink(file_.c_str());
    return;
  }
  std::string text;
  for (const auto& e : envelopes) text += line_of(e);
  write_file_atomic(file_, text);
}

}  // namespace mqchat
