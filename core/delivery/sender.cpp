#include "core/delivery/sender.hpp"

#include "core/chat/session.hpp"

namespace mqchat {

OwnConnection::OwnConnection(const Sender& sender)
    : sender_(sender),
      transport_(sender.make_transport()),
      options_(oneshot_options(sender.settings, sender.profile.name)) {
  transport_->connect(options_);
}

DirectoryReader OwnConnection::directory() {
  return DirectoryReader{
      *transport_, sender_.profile.name, sender_.settings.connect_timeout, sender_.warn, {}};
}

Reconnection OwnConnection::reconnection() {
  Reconnection r;
  r.retry_for = sender_.retry_for;
  r.connect = [&transport = *transport_, options = options_] { transport.connect(options); };
  r.notify = sender_.notice ? sender_.notice : sender_.warn;
  return r;
}

Sealer sealer_of(const Sender& sender) {
  return Sealer(sender.store, sender.profile, encryption_policy(sender.settings), sender.warn);
}

std::optional<UserRecord> registered(const DirectoryReader& reader, const Recipient& to) {
  if (to.user.empty()) return std::nullopt;
  auto record = find_user(reader, to.user);
  if (!record) throw no_such_recipient_error(to.user);
  return record;
}

void admit(Sealer& sealer, const DirectoryReader& reader, const Recipient& to,
           const std::optional<UserRecord>& record) {
  if (record) sealer.admit_user(*record);
  // Members who join or leave while a stream flows get the key of the next send; this one
  // keeps the key it started with.
  if (!to.group.empty()) sealer.admit_group(reader, to.group);
}

}  // namespace mqchat
