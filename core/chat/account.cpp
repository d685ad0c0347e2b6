#include "core/chat/account.hpp"

#include "core/chat/groups.hpp"
#include "core/chat/session.hpp"
#include "core/wire/clock.hpp"
#include "core/wire/error.hpp"
#include "core/wire/topics.hpp"

namespace mqchat {

void ensure_name_free(const DirectoryReader& reader, const std::string& name) {
  if (auto existing = find_user(reader, name)) {
    throw failure("the name '" + name + "' is taken: registered at " + existing->registered_at +
                  " (choose another name, or sign in with 'mqchat login " + name + "')");
  }
}

void publish_user_record(const DirectoryReader& reader, const UserRecord& record) {
  reader.transport.publish(topics::user(record.name), encode(record), 1, true);
  // MQTT has no compare-and-set: two registers racing for one name both see it free. Reading
  // back tells the loser (the last writer wins and keeps the name).
  auto now = find_user(reader, record.name);
  if (!now || now->registered_at != record.registered_at || now->phone != record.phone ||
      now->key != record.key) {
    throw failure("the name '" + record.name + "' was taken by someone else at the same moment" +
                  (now ? " (registered at " + now->registered_at + ")" : std::string()) +
                  ": choose another name");
  }
}

UserRecord check_login(const DirectoryReader& reader, const std::string& name,
                       const std::optional<std::string>& phone) {
  auto record = find_user(reader, name);
  if (!record) {
    throw not_found_error("no user '" + name + "' is registered on this broker (register with " +
                          "'mqchat register " + name + "')");
  }
  if (!record->phone.empty()) {
    if (!phone) {
      throw not_found_error("'" + name +
                            "' is registered with a phone number: give it with --phone");
    }
    if (*phone != record->phone) {
      throw not_found_error("the phone number does not match the one '" + name +
                            "' registered with");
    }
  }
  return *record;
}

void open_inbox(Transport& session, const std::string& name) {
  session.subscribe({topics::inbox_of(name)}, 1, true);
}

namespace {

// Everything still queued on the connection after DISCONNECT: paho acknowledged it already.
void drain(Transport& session, std::vector<IncomingMessage>& into) {
  while (auto msg = session.next_message(Millis(0))) into.push_back(std::move(*msg));
}

}  // namespace

UserRecord publish_identity(const DirectoryReader& reader, UserRecord record,
                            const Identity& identity) {
  auto key = identity.public_base64();
  if (record.key == key) return record;
  record.key = key;
  publish_user_record(reader, record);
  return record;
}

Enrolment register_user(Transport& session, const Settings& settings, const std::string& name,
                        const std::string& phone, const Identity& identity,
                        const WarningSink& warn) {
  Enrolment result;
  result.profile = Profile{name, phone, now_rfc3339(), new_session_client_id(name), {}, {}};
  result.profile.identity = identity.secret_base64();
  result.profile.pinned_keys[name] = identity.public_base64();
  auto keep = [&result](IncomingMessage m) { result.early_messages.push_back(std::move(m)); };
  DirectoryReader reader{session, name, settings.connect_timeout, warn, keep};
  // A brand-new client id: the session has nothing queued, and the inbox is subscribed before
  // the directory entry exists, so whoever can find the name can already reach the inbox.
  session.connect(session_options(settings, result.profile.client_id));
  ensure_name_free(reader, name);
  open_inbox(session, name);
  try {
    publish_user_record(
        reader, UserRecord{name, phone, result.profile.registered_at, identity.public_base64()});
  } catch (const Error&) {
    // Lost the race for the name: stop queueing for a session nobody will read; the broker
    // expires it later.
    try {
      session.unsubscribe({topics::inbox_of(name)});
      session.disconnect();
    } catch (const Error&) {
    }
    throw;
  }
  session.disconnect();
  drain(session, result.early_messages);
  return result;
}

Enrolment login_user(Transport& session, const Settings& settings, const std::string& name,
                     const std::optional<std::string>& phone, const Identity& identity,
                     const WarningSink& warn) {
  Enrolment result;
  auto keep = [&result](IncomingMessage m) { result.early_messages.push_back(std::move(m)); };
  DirectoryReader reader{session, name, settings.connect_timeout, warn, keep};
  auto client_id = new_session_client_id(name);
  session.connect(session_options(settings, client_id));
  auto record = check_login(reader, name, phone);
  // The groups the user joined elsewhere follow them to this machine.
  auto memberships = memberships_of(reader, name);
  std::vector<std::string> groups;
  std::vector<std::string> filters{topics::inbox_of(name)};
  for (const auto& [g, member] : memberships) {
    groups.push_back(g);
    filters.push_back(group_filter(g));
  }
  session.subscribe(filters, 1, true);
  // Subscribed first: the keys the other members grant this machine then reach it.
  for (const auto& [g, member] : memberships) announce_new_device(session, g, name, member);
  result.previous_key = record.key;
  record = publish_identity(reader, record, identity);
  session.disconnect();
  drain(session, result.early_messages);
  result.profile = Profile{record.name, record.phone, record.registered_at, client_id, groups, {}};
  result.profile.identity = identity.secret_base64();
  result.profile.pinned_keys[name] = identity.public_base64();
  return result;
}

}  // namespace mqchat
