#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "core/chat/batch_outbox.hpp"
#include "core/delivery/sender.hpp"

namespace mqchat {

/// Where deliver_batch reads its input from, one line at a time.
class LineSource {
 public:
  virtual ~LineSource() = default;
  /// The next line without its newline, waiting for it if need be; nullopt at the end.
  virtual std::optional<std::string> next() = 0;
  /// True when next() would return without waiting.
  virtual bool ready() = 0;
};

/// What deliver_batch tells its caller, all on the calling thread; any may be empty.
struct BatchEvents {
  std::function<void()> connected;  ///< the connection is up: the input is read from now on
  BatchOutbox::Report outcome;      ///< each message's outcome, in input order; item: its line
};

/// send --batch: each line of LINES is one JSON object, {"to": USER, "text": ...} or {"group":
/// GROUP, "text": ...}, sent as it is read over a connection of its own, at most kSendWindow
/// unacknowledged. A bad line (not such an object, a bad name or text, a user nobody
/// registered, a group SENDER's profile is not a member of) gets its error outcome and the rest
/// go on; blank lines are counted but are no messages. Before a read that may block, every
/// line read so far is answered, so a co-process that writes a line and waits gets its result.
/// A lost connection is ridden out for SENDER's retry_for (a lookup it broke is asked again);
/// acknowledged envelopes go to the profile's history. Returns how many messages (non-blank
/// lines) there were.
std::size_t deliver_batch(const Sender& sender, LineSource& lines, const BatchEvents& events);

}  // namespace mqchat
