#include "core/broker/broker_accounts.hpp"

#include <signal.h>

#include <algorithm>
#include <cerrno>

#include "core/broker/broker_config.hpp"
#include "core/broker/mosquitto_password.hpp"
#include "core/store/files.hpp"
#include "core/wire/error.hpp"
#include "core/wire/names.hpp"

namespace mqchat {

namespace fs = std::filesystem;

namespace {

// Serialises changes to the password file between concurrent adduser/deluser runs.
FileLock lock_accounts(const fs::path& data_dir) {
  return FileLock::acquire(data_dir / "passwd.lock");
}

std::string current_accounts(const fs::path& data_dir) {
  return read_file(password_file_path(data_dir)).value_or("");
}

}  // namespace

fs::path broker_lock_path(const fs::path& data_dir) { return data_dir / "broker.lock"; }

void prepare_auth_files(const fs::path& data_dir) {
  ensure_private_dir(data_dir);
  auto lock = lock_accounts(data_dir);
  // Regenerated every time, like the config: the rules follow the mqchat version.
  write_file_atomic(acl_file_path(data_dir), render_acl());
  if (!read_file(password_file_path(data_dir))) {
    write_file_atomic(password_file_path(data_dir), "");
  }
}

bool add_broker_account(const fs::path& data_dir, const std::string& name,
                        const std::string& password) {
  validate_name(name, "user");
  validate_password(password);
  prepare_auth_files(data_dir);
  auto lock = lock_accounts(data_dir);
  const std::string before = current_accounts(data_dir);
  const auto names = password_entry_names(before);
  const bool is_new = std::find(names.begin(), names.end(), name) == names.end();
  write_file_atomic(password_file_path(data_dir),
                    with_password_entry(before, name, mosquitto_password_hash(password)));
  return is_new;
}

void remove_broker_account(const fs::path& data_dir, const std::string& name) {
  validate_name(name, "user");
  ensure_private_dir(data_dir);
  auto lock = lock_accounts(data_dir);
  bool found = false;
  const std::string after = without_password_entry(current_accounts(data_dir), name, found);
  if (!found) {
    throw not_found_error("no account '" + name + "' on the broker in '" + data_dir.string() +
                          "' (add one with 'mqchat broker adduser " + name + "')");
  }
  write_file_atomic(password_file_path(data_dir), after);
}

std::vector<std::string> broker_accounts(const fs::path& data_dir) {
  return password_entry_names(current_accounts(data_dir));
}

BrokerReload reload_running_broker(const fs::path& data_dir) {
  const fs::path lock_path = broker_lock_path(data_dir);
  if (!fs::exists(lock_path)) return BrokerReload::not_running;
  // Free lock: nobody runs a broker here. (Held only for this instant.)
  if (FileLock::try_acquire(lock_path)) return BrokerReload::not_running;
  const std::string note = read_file(lock_path).value_or("");
  long pid = 0;
  try {
    pid = std::stol(note);
  } catch (const std::exception&) {
    // Just started, pid not written yet: it reads the files we wrote when mosquitto starts.
    return BrokerReload::not_running;
  }
  if (pid <= 1) return BrokerReload::failed;
  return ::kill(static_cast<pid_t>(pid), SIGHUP) == 0 ? BrokerReload::signalled
                                                      : BrokerReload::failed;
}

}  // namespace mqchat
