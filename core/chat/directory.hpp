#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/wire/error.hpp"
#include "core/wire/records.hpp"
#include "core/wire/transport.hpp"

namespace mqchat {

/// Receives one human-readable warning line (a dropped record, a dropped message).
using WarningSink = std::function<void(const std::string&)>;

/// Receives a message that arrived on the connection but is not part of what was asked for
/// (on a user's persistent session: a direct message that must not be lost).
using MessageSink = std::function<void(IncomingMessage)>;

/// A connection used to read the retained directory, and what to do with the unexpected.
struct DirectoryReader {
  Transport& transport;
  std::string owner;  ///< names the private sync-marker topic: mqchat/v1/sync/OWNER/...
  Millis timeout;     ///< of the broker's silence while it sends the directory
  WarningSink warn;
  MessageSink other;  ///< non-retained messages; dropped when empty
};

/// Every retained message on FILTERS, complete and without a fixed quiet period: subscribes,
/// then publishes a marker to a private topic (mqchat/v1/sync/OWNER/NONCE) and stops when the
/// marker comes back, since the broker sends the retained messages of a subscription before
/// anything published after it. Unsubscribes again before returning, where the session outlives
/// the connection (Transport::keeps_session).
std::vector<IncomingMessage> read_retained(const DirectoryReader& reader,
                                           const std::vector<std::string>& filters);

/// The same, handing each retained message to ON_RETAINED as it arrives, so that the work on
/// one overlaps the receipt of the next (decoding 20,000 records after the last one arrived
/// added a fifth to `who`).
void read_retained(const DirectoryReader& reader, const std::vector<std::string>& filters,
                   const std::function<void(IncomingMessage&&)>& on_retained);

/// NAME's directory entry, or nullopt when NAME is not registered.
std::optional<UserRecord> find_user(const DirectoryReader& reader, const std::string& name);

/// The error of a send to NAME when NAME is not registered (exit 3).
Error no_such_recipient_error(const std::string& name);

/// A registered user with what is known of their presence.
struct UserListing {
  UserRecord user;
  std::optional<PresenceRecord> presence;
};

/// Every registered user, sorted by name; malformed records are skipped with a warning.
std::vector<UserListing> list_users(const DirectoryReader& reader);

}  // namespace mqchat
