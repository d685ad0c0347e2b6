#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/store/settings.hpp"
#include "core/store/state_store.hpp"
#include "core/wire/transport.hpp"

namespace mqchat {

/// Reads an environment variable; injected so tests control the environment.
using EnvLookup = std::function<std::optional<std::string>(const char*)>;

/// The global options of DESIGN.md, as given on the command line.
struct GlobalOptions {
  std::optional<std::string> broker;
  std::optional<std::string> profile;
  std::optional<std::string> home;
  std::optional<int> qos;
  std::optional<double> connect_timeout;
  std::optional<std::string> password_file;  ///< the password, on the file's first line
  std::optional<std::string> cafile;
  std::optional<std::string> cert;
  std::optional<std::string> key;
  bool insecure = false;
  bool require_encryption = false;  ///< send, group send: --require-encryption
  bool verified_only = false;       ///< listen: --verified-only
  bool json = false;
  bool quiet = false;
  bool verbose = false;
};

/// Everything a command may touch. Results go to `out`, warnings and progress to `err`.
struct Context {
  Context(std::istream& in_, std::ostream& out_, std::ostream& err_, EnvLookup env_,
          TransportFactory make_transport_)
      : in(in_),
        out(out_),
        err(err_),
        env(std::move(env_)),
        make_transport(std::move(make_transport_)) {}

  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  EnvLookup env;
  TransportFactory make_transport;
  bool out_is_terminal = false;  ///< human niceties (colour, relative times) only when true
  bool in_is_terminal = false;
  bool err_is_terminal = false;  ///< progress lines only when true
  int out_fd = -1;  ///< the descriptor behind `out`, so listen notices a closed pipe; -1: none
  int in_fd = -1;   ///< the descriptor behind `in`, so send --lines sees when input waits; -1: none
  GlobalOptions global;

  /// The state store under --home / MQCHAT_HOME / XDG dirs, opened on first use.
  StateStore& store();
  /// Settings resolved flag > environment > profile > config > default (PROFILE may be null).
  /// With a PROFILE, its name is the MQTT user name and the password comes from
  /// --password-file, MQCHAT_PASSWORD, the profile (--save-password) or a terminal prompt.
  Settings settings(const Profile* profile = nullptr);
  /// The layers settings() resolves from, first match wins: each named by where it comes from
  /// ("the command line", "the environment", "the profile", "config.yaml").
  std::vector<std::pair<std::string, SettingLayer>> setting_layers(const Profile* profile);
  /// Prints a warning line on `err` unless --quiet (a JSON object {"warning": ...} with --json).
  void warn(const std::string& message);
  /// True when colour escapes may be written to `out`.
  bool colour() const;

 private:
  std::unique_ptr<StateStore> store_;
};

/// The profile to act as: --profile / MQCHAT_PROFILE, else the current one. Throws exit 3 with a
/// hint to register or log in when there is none.
Profile require_profile(Context& ctx);

/// The profile to act as, or nullopt when signed out (for commands that need no account).
std::optional<Profile> optional_profile(Context& ctx);

}  // namespace mqchat
