// Fuzz target: the parsers of names and topics (received topics come from the broker, names and
// broker URLs from the command line, the environment and state files).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/wire/broker_url.hpp"
#include "core/wire/error.hpp"
#include "core/wire/names.hpp"
#include "core/wire/topics.hpp"

namespace {

void require(bool condition) {
  if (!condition) __builtin_trap();
}

// A valid name must come back out of every topic built from it.
void check_topics_of(const std::string& name) {
  using Kind = mqchat::topics::ParsedTopic::Kind;
  const auto user = mqchat::topics::parse(mqchat::topics::user(name));
  require(user.kind == Kind::user && user.name == name);
  const auto inbox = mqchat::topics::parse(mqchat::topics::inbox(name, name));
  require(inbox.kind == Kind::inbox && inbox.name == name && inbox.from == name);
  const auto member = mqchat::topics::parse(mqchat::topics::group_member(name, name));
  require(member.kind == Kind::group_member && member.name == name && member.from == name);
}

template <typename Call>
void allow_mqchat_error(Call call) {
  try {
    call();
  } catch (const mqchat::Error&) {
    // A one-line error for the user: the expected answer to bad input.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto parsed = mqchat::topics::parse(input);
  // A recognised topic carries valid names (a sync marker's owner and nonce are only ever
  // compared with the reader's own, so they are not names).
  using Kind = mqchat::topics::ParsedTopic::Kind;
  if (parsed.kind != Kind::unknown && parsed.kind != Kind::sync) {
    require(mqchat::is_valid_name(parsed.name));
  }
  if (mqchat::is_valid_name(input)) check_topics_of(input);
  allow_mqchat_error([&] { mqchat::validate_name(input, "name"); });
  allow_mqchat_error([&] { mqchat::validate_text(input); });
  allow_mqchat_error([&] { mqchat::normalize_phone(input); });
  allow_mqchat_error([&] {
    for (const auto& url : mqchat::parse_broker_list(input)) mqchat::to_paho_uri(url);
  });
  return 0;
}
