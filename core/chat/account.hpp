#pragma once

#include <optional>
#include <string>

#include "core/chat/directory.hpp"
#include "core/crypto/identity.hpp"
#include "core/store/settings.hpp"
#include "core/store/state_store.hpp"
#include "core/wire/records.hpp"
#include "core/wire/transport.hpp"

namespace mqchat {

/// Throws (exit 1) when NAME already has a directory entry, naming its registration date.
void ensure_name_free(const DirectoryReader& reader, const std::string& name);

/// Publishes RECORD as NAME's retained directory entry, then reads it back: when a concurrent
/// register of the same name won the race, throws (exit 1) instead of claiming success.
void publish_user_record(const DirectoryReader& reader, const UserRecord& record);

/// Checks that NAME is registered and, when the record has a phone number, that PHONE
/// (normalised) matches it; throws exit 3 otherwise. Returns the record.
UserRecord check_login(const DirectoryReader& reader, const std::string& name,
                       const std::optional<std::string>& phone);

/// Subscribes NAME's inbox at QoS 1 on a connection to NAME's persistent session, so that
/// messages queue at the broker from now on, even before the first listen.
void open_inbox(Transport& session, const std::string& name);

/// What register and login hand back: the new profile and any direct messages that reached
/// the session meanwhile (for the pending inbox; see core/store/pending_inbox.hpp).
struct Enrolment {
  Profile profile;
  std::vector<IncomingMessage> early_messages;
  /// The key the directory entry carried before (login): empty when it had none.
  std::string previous_key = {};
};

/// Registers NAME over one connection to a brand-new persistent session: checks that the name
/// is free, subscribes the inbox, publishes the directory entry with IDENTITY's public key and
/// confirms it. The profile keeps IDENTITY and pins its own key.
Enrolment register_user(Transport& session, const Settings& settings, const std::string& name,
                        const std::string& phone, const Identity& identity,
                        const WarningSink& warn);

/// Makes RECORD carry IDENTITY's public key, republishing it when it did not (a login with a
/// new identity, or with an imported one); READER's connection must be allowed to write it.
/// Returns the record as published.
UserRecord publish_identity(const DirectoryReader& reader, UserRecord record,
                            const Identity& identity);

/// Signs NAME in on a state directory that has no profile for it yet: checks the directory
/// entry and phone, and creates a persistent session of this state directory's own, subscribed
/// to the inbox and to every group the broker lists NAME as a member of.
/// The profile keeps IDENTITY, whose public key the directory entry carries afterwards
/// (publish_identity).
Enrolment login_user(Transport& session, const Settings& settings, const std::string& name,
                     const std::optional<std::string>& phone, const Identity& identity,
                     const WarningSink& warn);

}  // namespace mqchat
