#pragma once

#include <functional>
#include <optional>

#include "cmd/context.hpp"
#include "cmd/exec_hook.hpp"
#include "cmd/listen_output.hpp"
#include "core/chat/inbox.hpp"
#include "core/store/deferred_messages.hpp"

namespace mqchat {

/// Where listen puts each new message: shown (printed, or handed to --exec) when it passes the
/// filters, otherwise set aside in the deferred messages for a later listen. Either way it is
/// then recorded (history, seen ids), so a redelivery is not taken again.
class ListenDelivery {
 public:
  ListenDelivery(Context& ctx, Inbox& inbox, DeferredMessages& deferred, MessageFilter filter,
                 MessagePrinter printer, std::optional<ExecHook> hook)
      : ctx_(ctx),
        inbox_(inbox),
        deferred_(deferred),
        filter_(std::move(filter)),
        printer_(std::move(printer)),
        hook_(std::move(hook)) {}

  /// Takes a message the inbox accepted. False when the output is gone (a closed pipe); the
  /// message is then left unmarked.
  bool deliver(const Envelope& envelope);

  /// Keeps ENVELOPE for the next listen without showing it (it arrived after listen was done)
  /// and marks it handled.
  void set_aside(const Envelope& envelope);

  /// Shows the deferred messages of earlier listens that pass the filters, until DONE says
  /// stop; keeps the rest for later. False when the output is gone.
  bool offer_deferred(const std::function<bool()>& done);

  /// How many messages were shown (printed or run through --exec).
  int shown() const { return shown_; }

 private:
  bool show(const Envelope& envelope);

  Context& ctx_;
  Inbox& inbox_;
  DeferredMessages& deferred_;
  MessageFilter filter_;
  MessagePrinter printer_;
  std::optional<ExecHook> hook_;
  int shown_ = 0;
};

}  // namespace mqchat
