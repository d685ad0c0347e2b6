#pragma once

#include <filesystem>
#include <string>
#include <vector>

// The accounts of an auth broker run by `mqchat broker start --auth`: the password file and the
// ACL in its data directory, and telling a running broker to reread them.
namespace mqchat {

/// What happened to a running broker after its accounts changed.
enum class BrokerReload {
  not_running,  ///< no `broker start` holds the data dir: it reads the files when it starts
  signalled,    ///< the running broker was sent SIGHUP and rereads the files now
  failed,       ///< a broker runs but could not be signalled (e.g. another user's process)
};

/// Writes the ACL file and creates an empty password file when there is none, both 0600 in a
/// 0700 DATA_DIR; what `broker start --auth` needs before mosquitto starts.
void prepare_auth_files(const std::filesystem::path& data_dir);

/// Adds NAME with PASSWORD to DATA_DIR's password file, or changes its password; the password is
/// hashed in-process (mosquitto's $7$ format). Returns true when NAME was new.
bool add_broker_account(const std::filesystem::path& data_dir, const std::string& name,
                        const std::string& password);

/// Removes NAME from DATA_DIR's password file; throws exit 3 when there is no such account.
void remove_broker_account(const std::filesystem::path& data_dir, const std::string& name);

/// The account names in DATA_DIR's password file (none when it does not exist).
std::vector<std::string> broker_accounts(const std::filesystem::path& data_dir);

/// Makes a `broker start` running on DATA_DIR reread its password and ACL files (SIGHUP to the
/// pid recorded in its lock file; mqchat passes it on to mosquitto).
BrokerReload reload_running_broker(const std::filesystem::path& data_dir);

/// The lock file a running `broker start` holds, with its pid inside: DATA_DIR/broker.lock.
std::filesystem::path broker_lock_path(const std::filesystem::path& data_dir);

}  // namespace mqchat
