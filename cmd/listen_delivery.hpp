#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "cmd/context.hpp"
#include "cmd/exec_hook.hpp"
#include "cmd/listen_output.hpp"
#include "core/deferred_messages.hpp"
#include "core/inbox.hpp"

namespace mqchat {

/// Where listen puts each new message: shown (printed, or handed to --exec) when it passes the
/// filters, otherwise set aside in the deferred messages for a later listen. Either way it is
/// then recorded (history, seen ids), so a redelivery is not taken again.
///
/// New messages form a batch until commit(): their lines are written with one write and
/// flushed, then all of them are recorded with one history append and one seen-ids append. A
/// draining listen thus writes each file once per batch instead of once per message, and the
/// order stays the same: nothing is recorded before it was shown.
class ListenDelivery {
 public:
  /// The most messages in one batch, so that a long drain still streams its output.
  static constexpr std::size_t kMaxBatch = 256;

  ListenDelivery(Context& ctx, Inbox& inbox, DeferredMessages& deferred, MessageFilter filter,
                 MessagePrinter printer, std::optional<ExecHook> hook)
      : ctx_(ctx),
        inbox_(inbox),
        deferred_(deferred),
        filter_(std::move(filter)),
        printer_(std::move(printer)),
        hook_(std::move(hook)) {}

  /// Takes a message the inbox accepted into the batch: to be shown when it passes the
  /// filters, else to be set aside.
  void deliver(const Envelope& envelope);

  /// Keeps ENVELOPE for the next listen without showing it (it arrived after listen was done).
  void set_aside(const Envelope& envelope);

  /// True while the batch holds messages that commit() has yet to show or record.
  bool pending() const { return !batch_.empty(); }

  /// True when the batch should be committed before it takes more.
  bool full() const { return batch_.size() >= kMaxBatch; }

  /// Writes the batch's lines, sets aside what was not shown (filtered out, or all of them
  /// when the output is gone), then records every message of the batch. False when the output
  /// is gone (a closed pipe). Throws Error (naming the file) when the state cannot be written;
  /// the batch is then left unrecorded.
  bool commit();

  /// Shows the deferred messages of earlier listens that pass the filters, until DONE says
  /// stop; keeps the rest for later. False when the output is gone.
  bool offer_deferred(const std::function<bool()>& done);

  /// How many messages were shown (printed or run through --exec), the batch included.
  int shown() const { return shown_; }

 private:
  struct Item {
    Envelope envelope;
    bool printed = false;  ///< its line is in lines_, not yet written
    bool shown = false;    ///< printed or run through --exec
  };

  bool show_now(const Envelope& envelope);

  Context& ctx_;
  Inbox& inbox_;
  DeferredMessages& deferred_;
  MessageFilter filter_;
  MessagePrinter printer_;
  std::optional<ExecHook> hook_;
  std::vector<Item> batch_;
  // The ids in batch_: the inbox knows a message as seen only once it was recorded, so a
  // redelivery within the same batch is caught here.
  std::unordered_set<std::string> batch_ids_;
  std::string lines_;
  int shown_ = 0;
};

}  // namespace mqchat
