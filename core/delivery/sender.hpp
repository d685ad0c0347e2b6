#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "core/chat/connection_recovery.hpp"
#include "core/chat/directory.hpp"
#include "core/chat/encryption.hpp"
#include "core/store/settings.hpp"
#include "core/store/state_store.hpp"
#include "core/wire/records.hpp"
#include "core/wire/transport.hpp"

namespace mqchat {

/// Unacknowledged publishes in flight on one connection, in every kind of send.
constexpr std::size_t kSendWindow = 128;

/// What a caller of the delivery entries supplies: who sends, with which settings, through
/// what, and where the lines for the user go. Everything referenced must outlive the call.
struct Sender {
  StateStore& store;
  const Profile& profile;
  const Settings& settings;
  TransportFactory make_transport;  ///< a connection of its own, for a send no listen took
  WarningSink warn;                 ///< skipped directory entries, plain-text recipients, ...
  WarningSink note = {};            ///< which way a send went (--verbose); empty: nothing
  Millis retry_for{30000};          ///< how long a connection lost mid-send is made again
  WarningSink notice = {};          ///< "lost the connection", "reconnected"; empty: WARN
};

/// Whom a list or a stream of envelopes is for: one user, or one group.
struct Recipient {
  std::string user;   ///< direct messages: looked up first, exit 3 when not registered
  std::string group;  ///< group messages: admitted with its members as they are now
};

/// The sender's own connection, for a send that no listen took: made and connected at once
/// with the one-shot options, closed by disconnect() (a failed send leaves that to the
/// destructor, as it always has).
class OwnConnection {
 public:
  explicit OwnConnection(const Sender& sender);

  Transport& transport() { return *transport_; }
  /// The directory, read over this connection.
  DirectoryReader directory();
  /// Connecting again for up to the sender's retry_for, told to its notice sink.
  Reconnection reconnection();
  void disconnect() { transport_->disconnect(); }

 private:
  const Sender& sender_;
  std::unique_ptr<Transport> transport_;
  ConnectOptions options_;
};

/// The Sealer of SENDER's profile under its settings' encryption policy.
Sealer sealer_of(const Sender& sender);

/// The directory entry of TO's user read through READER (exit 3 when nobody of that name is
/// registered); nullopt for a group.
std::optional<UserRecord> registered(const DirectoryReader& reader, const Recipient& to);

/// Admits TO into SEALER: its user, whose entry is RECORD, or its group with its members.
void admit(Sealer& sealer, const DirectoryReader& reader, const Recipient& to,
           const std::optional<UserRecord>& record);

}  // namespace mqchat
