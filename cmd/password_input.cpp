#include "cmd/password_input.hpp"

#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <ostream>

#include "core/wire/error.hpp"

namespace mqchat {

namespace {

void strip_line_end(std::string& s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
}

// Turns terminal echo off for its lifetime; restores it however the read ends.
class NoEcho {
 public:
  NoEcho() {
    if (::tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    active_ = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
  }
  ~NoEcho() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
  }
  NoEcho(const NoEcho&) = delete;
  NoEcho& operator=(const NoEcho&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

std::optional<std::string> ask_once(Context& ctx, const std::string& question) {
  ctx.err << question << std::flush;
  std::string answer;
  {
    NoEcho quiet;
    if (!std::getline(ctx.in, answer)) return std::nullopt;
  }
  strip_line_end(answer);
  return answer;
}

}  // namespace

std::string read_password_file(Context& ctx, const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw usage_error("cannot read the password file '" + file +
                      "': check that it exists and is readable");
  }
  std::string password;
  std::getline(in, password);
  strip_line_end(password);
  if (password.empty()) {
    throw usage_error("the password file '" + file + "' is empty: put the password on its first " +
                      "line");
  }
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    ctx.warn("the password file '" + file + "' can be read by other users: chmod 600 it");
  }
  return password;
}

std::optional<std::string> given_password(Context& ctx) {
  if (ctx.global.password_file) return read_password_file(ctx, *ctx.global.password_file);
  auto from_env = ctx.env("MQCHAT_PASSWORD");
  if (from_env && !from_env->empty()) return from_env;
  return std::nullopt;
}

std::optional<std::string> prompt_password(Context& ctx, const std::string& question,
                                           bool confirm) {
  if (!ctx.in_is_terminal) return std::nullopt;
  auto first = ask_once(ctx, question);
  if (!first || first->empty()) return std::nullopt;
  if (confirm) {
    auto again = ask_once(ctx, "Again: ");
    if (!again || *again != *first) throw usage_error("the passwords do not match: try again");
  }
  return first;
}

void use_credentials(Context& ctx, Settings& settings, const std::string& name,
                     const Profile* profile) {
  settings.username = name;
  if (auto given = given_password(ctx)) {
    settings.password = *given;
  } else if (profile) {
    auto saved = profile->settings.find(kSavedPasswordKey);
    if (saved != profile->settings.end()) settings.password = saved->second;
  }
  settings.ask_password = [&ctx](const std::string& user) {
    return prompt_password(ctx, "Password for '" + user + "' on the broker: ");
  };
}

void remember_connection(Context& ctx, Profile& profile, const Settings& settings,
                         bool save_password) {
  // Only what was given on the command line: environment and config apply anyway.
  auto keep_path = [&profile](const char* key, const std::optional<std::string>& given) {
    if (given && !given->empty()) profile.settings[key] = fs::absolute(*given).string();
  };
  keep_path("cafile", ctx.global.cafile);
  keep_path("cert", ctx.global.cert);
  keep_path("key", ctx.global.key);
  if (ctx.global.insecure) profile.settings["insecure"] = "true";
  if (save_password && !settings.password.empty()) {
    profile.settings[kSavedPasswordKey] = settings.password;
  }
}

void require_password(Context& ctx, Settings& settings) {
  if (!settings.password.empty()) return;
  if (auto typed = prompt_password(ctx, "Password for '" + settings.username + "': ")) {
    settings.password = *typed;
    return;
  }
  throw usage_error("no password to save: give it with MQCHAT_PASSWORD or --password-file");
}

}  // namespace mqchat
