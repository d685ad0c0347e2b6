#include "cmd/send_retry.hpp"

#include <string>

namespace mqchat {

void add_retry_option(CLI::App& sub, RetryOption& option) {
  sub.add_option("--retry-for", option.seconds,
                 "When the connection is lost mid-send, reconnect and resend for up to SEC "
                 "seconds (default 30; 0: fail at once)")
      ->type_name("SEC")
      ->check(CLI::Range(0.0, 86400.0));
}

void fail_partial_send(const PartialSendError& error, std::size_t skipped) {
  // A count to resume from only where something was sent: not for bad options or empty input.
  if (error.acknowledged() == 0) throw error;
  throw PartialSendError(error,
                         std::string(error.what()) + "; send the rest with --skip " +
                             std::to_string(skipped + error.acknowledged()),
                         error.acknowledged());
}

}  // namespace mqchat
