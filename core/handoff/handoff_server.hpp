#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/chat/encryption.hpp"
#include "core/handoff/handoff.hpp"
#include "core/wire/records.hpp"
#include "core/wire/transport.hpp"

namespace mqchat {

/// The listen's end of the send hand-off (core/handoff/handoff.hpp): a thread that accepts requests
/// on state/NAME/listen.sock, looks the recipient up (once: a recipient found stays subscribed) and
/// publishes on the listen's own connection, and answers with the broker's verdict. The listen's
/// receive loop stays the only reader of the connection: it passes what belongs to a lookup here
/// through claim().
class HandoffServer {
 public:
  /// Makes the Sealer of one request: the listen's profile with the sender's policy. WARN
  /// collects warnings for the sender. Empty: requests are published in plain text.
  using SealerFactory =
      std::function<std::unique_ptr<Sealer>(const handoff::Request&, const WarningSink& warn)>;

  /// Serves OWNER's sends on TRANSPORT (connected to BROKERS, and outliving this object);
  /// TIMEOUT bounds a lookup and each acknowledgement, as on a direct connection. A send meant
  /// for other brokers is told to connect itself.
  HandoffServer(std::filesystem::path state_dir, std::string owner, Transport& transport,
                Millis timeout, std::vector<std::string> brokers);
  /// Stops serving (see stop()).
  ~HandoffServer();
  HandoffServer(const HandoffServer&) = delete;
  HandoffServer& operator=(const HandoffServer&) = delete;

  /// Seals what requests send (call before start()).
  void set_sealer_factory(SealerFactory factory) { make_sealer_ = std::move(factory); }

  /// Replaces any stale socket with a fresh one (0600) and starts serving. Call while holding
  /// the listen lock, so no other listen serves the same socket. Throws Error when the socket
  /// cannot be made; sends then simply connect themselves.
  void start();

  /// Stops accepting, ends a request in progress without a verdict (its sender then sends
  /// directly), joins the thread, unsubscribes the known recipients and removes the socket.
  /// Call before the connection closes.
  void stop();

  /// True when MSG is a directory entry (of a lookup or of a known recipient) or our own sync
  /// marker: it is taken, and the receive loop must not treat it as a message.
  bool claim(const IncomingMessage& msg);

  /// The socket's path.
  const std::filesystem::path& socket() const { return socket_; }

 private:
  class Borrowed;

  void serve();
  void handle(int client);
  /// The verdict on REQUEST; WATCH is set to a recipient that a lookup found and that is now
  /// known, to subscribe to once the sender has its verdict.
  handoff::Reply execute(const handoff::Request& request, std::optional<UserRecord>& watch);
  std::optional<UserRecord> known_record(const std::string& name);
  void keep_watching(const UserRecord& record);
  void forget_known();

  std::filesystem::path socket_;
  std::string owner_;
  Transport& transport_;
  Millis timeout_;
  std::vector<std::string> brokers_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  std::thread thread_;
  std::atomic<bool> stopping_{false};

  // Messages claimed for the lookup in progress.
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<IncomingMessage> claimed_;
  bool looking_up_ = false;
  SealerFactory make_sealer_;

  // Recipients a lookup found stay subscribed (QoS 0), so that later sends to them need no
  // lookup: a lookup costs three round trips to the broker, more than the send itself. Their
  // entries arrive through claim() whenever they change; one that is cleared or malformed is
  // forgotten. Valid for one connection (QoS 0 changes are not kept for us while we are
  // away); at most kKnownLimit, the least recently used dropped. Guarded by mutex_.
  struct Known {
    std::uint64_t used = 0;  // when last used (a counter)
    UserRecord record;       // its entry as last received (the key sends are sealed for)
  };
  std::map<std::string, Known> known_;
  std::uint64_t uses_ = 0;
  std::uint64_t known_connection_ = 0;  // transport_.connection_count() they were found on
};

}  // namespace mqchat
