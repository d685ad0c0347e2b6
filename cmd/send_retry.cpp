#include "cmd/send_retry.hpp"

#include "cmd/message_input.hpp"

namespace mqchat {

void add_retry_option(CLI::App& sub, RetryOption& option) {
  sub.add_option("--retry-for", option.seconds,
                 "When the connection is lost mid-send, reconnect and resend for up to SEC "
                 "seconds (default 30; 0: fail at once)")
      ->type_name("SEC")
      ->check(CLI::Range(0.0, 86400.0));
}

Reconnection reconnection_for(Context& ctx, Transport& transport, const ConnectOptions& options,
                              const RetryOption& option) {
  Reconnection r;
  r.retry_for = Millis(static_cast<long long>(option.seconds * 1000));
  r.connect = [&transport, options] { transport.connect(options); };
  r.notify = [&ctx](const std::string& m) { ctx.warn(m); };
  return r;
}

void fail_partial_send(Context& ctx, const std::vector<Envelope>& acknowledged,
                       const PartialSendError& error, std::size_t skipped, bool lines) {
  print_sent_json(ctx, acknowledged);
  // A count to resume from only where something was sent: not for bad options or empty input.
  if (!lines || error.acknowledged() == 0) throw error;
  throw PartialSendError(error,
                         std::string(error.what()) + "; send the rest with --skip " +
                             std::to_string(skipped + error.acknowledged()),
                         error.acknowledged());
}

}  // namespace mqchat
