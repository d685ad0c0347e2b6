#include "core/broker/broker_config.hpp"

#include <sstream>

#include "core/wire/error.hpp"

namespace mqchat {

namespace {

// DESIGN.md allows 64 KiB of text; JSON escaping can grow it up to six-fold (\u00XX), plus the
// envelope and topic. 1 MiB leaves room while still refusing absurd packets.
constexpr int kMaxPacketBytes = 1024 * 1024;

// Far above mosquitto's default 1000, which silently drops QoS 1 messages for offline users.
constexpr long kMaxQueuedMessages = 1000000;

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == ':';
}

// The bind address ends up on a config line; refusing everything but host-name and IP-address
// characters also rules out smuggling in extra config lines.
bool is_valid_bind(const std::string& bind) {
  if (bind.empty() || bind.size() > 253) return false;
  for (char c : bind) {
    if (!is_host_char(c)) return false;
  }
  return true;
}

bool has_line_break(const std::string& text) {
  return text.find_first_of(std::string("\n\r\0", 3)) != std::string::npos;
}

// A path that ends up on a config line: one line, and absolute so it works from anywhere.
void validate_config_path(const std::filesystem::path& path, const std::string& what,
                          const std::string& option) {
  if (path.empty()) throw usage_error("no " + what + ": give one with " + option);
  if (has_line_break(path.string())) {
    throw usage_error("invalid " + what + " path: it must not contain line breaks");
  }
}

void render_access(std::ostream& os, const BrokerOptions& opts) {
  if (!opts.auth) {
    os << "# Open broker: anyone who can reach the listener may connect and post as anyone.\n"
          "# Keep it on loopback unless everyone who can reach it is trusted; 'mqchat broker\n"
          "# start --auth' gives every user an account and lets nobody post as another.\n"
          "allow_anonymous true\n";
    return;
  }
  os << "# Accounts only ('mqchat broker adduser NAME'; mosquitto rereads both files on\n"
        "# SIGHUP). The ACL lets a user publish only where the sender level is its own name.\n"
        "allow_anonymous false\n"
     << "password_file " << password_file_path(opts.data_dir).string() << "\n"
     << "acl_file " << acl_file_path(opts.data_dir).string() << "\n";
}

void render_tls_listener(std::ostream& os, const BrokerOptions& opts) {
  if (!opts.tls) return;
  os << "# TLS for clients that connect with mqtts://HOST:" << opts.tls->port << ".\n"
     << "listener " << opts.tls->port << ' ' << opts.bind << "\n"
     << "certfile " << opts.tls->cert.string() << "\n"
     << "keyfile " << opts.tls->key.string() << "\n\n";
}

}  // namespace

void validate_broker_options(const BrokerOptions& opts) {
  if (opts.port < 1 || opts.port > 65535) {
    throw usage_error("invalid port " + std::to_string(opts.port) + ": use 1-65535");
  }
  if (!is_valid_bind(opts.bind)) {
    throw usage_error("invalid bind address '" + opts.bind +
                      "': use an IP address or host name, such as 127.0.0.1");
  }
  const std::string dir = opts.data_dir.string();
  if (dir.empty()) throw usage_error("no broker data directory: give one with --data-dir");
  if (has_line_break(dir)) {
    throw usage_error("invalid data directory: it must not contain line breaks");
  }
  if (opts.tls) {
    if (opts.tls->port < 1 || opts.tls->port > 65535) {
      throw usage_error("invalid TLS port " + std::to_string(opts.tls->port) + ": use 1-65535");
    }
    if (opts.tls->port == opts.port) {
      throw usage_error("the TLS port and the plain port are both " + std::to_string(opts.port) +
                        ": choose another with --tls-port");
    }
    validate_config_path(opts.tls->cert, "TLS certificate", "--cert");
    validate_config_path(opts.tls->key, "TLS private key", "--key");
  }
}

std::filesystem::path password_file_path(const std::filesystem::path& data_dir) {
  return data_dir / "passwd";
}

std::filesystem::path acl_file_path(const std::filesystem::path& data_dir) {
  return data_dir / "acl";
}

std::string render_acl() {
  // Only `pattern` lines: in mosquitto 2.0 a `topic` line before any `user` line applies to
  // anonymous clients alone. %u is the MQTT user name, which mqchat sets to the mqchat name;
  // names cannot contain '/', '+' or '#', so %u is always exactly one level.
  return "# mosquitto ACL written by 'mqchat broker' for wire format mqchat/v1.\n"
         "# The sender is the last topic level: a user may publish only where it is its own\n"
         "# name, so nobody can post as, or overwrite the records of, somebody else.\n"
         "# Everything not allowed here is denied.\n\n"
         "# Directory entries and presence: everyone reads all, each writes its own.\n"
         "pattern read mqchat/v1/users/+\n"
         "pattern write mqchat/v1/users/%u\n"
         "pattern read mqchat/v1/presence/+\n"
         "pattern write mqchat/v1/presence/%u\n\n"
         "# Direct messages: mqchat/v1/inbox/TO/FROM. Read only your own inbox; write\n"
         "# into anyone's inbox, but only as yourself.\n"
         "pattern read mqchat/v1/inbox/%u/+\n"
         "pattern write mqchat/v1/inbox/+/%u\n\n"
         "# Groups: everyone reads members and traffic; each joins, leaves and posts as itself.\n"
         "pattern read mqchat/v1/groups/+/members/+\n"
         "pattern write mqchat/v1/groups/+/members/%u\n"
         "pattern read mqchat/v1/groups/+/msg/+\n"
         "pattern write mqchat/v1/groups/+/msg/%u\n\n"
         "# Private markers that tell a client the retained replay of the directory is over.\n"
         "pattern readwrite mqchat/v1/sync/%u/+\n";
}

std::filesystem::path mosquitto_config_path(const BrokerOptions& opts) {
  return opts.data_dir / "mosquitto.conf";
}

std::string render_mosquitto_config(const BrokerOptions& opts) {
  validate_broker_options(opts);
  std::ostringstream os;
  os << "# mosquitto configuration written by 'mqchat broker'; regenerated on every start,\n"
        "# so edit the command line, not this file.\n\n";

  if (opts.run_as_root) {
    os << "# Started as root, mosquitto would switch to user 'mosquitto', which cannot write\n"
          "# the private (0700, root-owned) data directory. Stay root instead.\n"
          "user root\n\n";
  }

  os << "# Loopback by default: an open broker must not be reachable from the network by "
        "accident.\n"
     << "listener " << opts.port << ' ' << opts.bind << "\n\n";
  render_tls_listener(os, opts);

  render_access(os, opts);

  os << "\n# Users, presence, group members and queued messages for offline users must survive\n"
        "# a broker restart. (The trailing slash is for mosquitto before 2.0, which needs it.)\n"
        "persistence true\n"
     << "persistence_location " << (opts.data_dir / "").string() << "\n"
     << "# Save at most a minute's worth of changes to lose on a crash, without writing the\n"
        "# database on every message.\n"
        "autosave_interval 60\n\n";

  os << "# Offline users receive what was sent meanwhile: mosquitto's default of 1000 queued\n"
        "# messages per client silently drops the rest. Queue by count only, not by size.\n"
     << "max_queued_messages " << kMaxQueuedMessages << "\n"
     << "max_queued_bytes 0\n"
        "# A session nobody resumed for 90 days is abandoned; drop it and its queue.\n"
        "persistent_client_expiration 90d\n"
        "# Room for a 64 KiB message after JSON escaping, plus envelope and topic.\n"
     << "max_packet_size " << kMaxPacketBytes << "\n\n";

  os << "# Send small packets at once: with Nagle's algorithm (mosquitto's default) the second\n"
        "# of two back-to-back packets waits for the client's delayed ACK, 40 ms, unless the\n"
        "# client acknowledges at once (mqchat does; many clients do not).\n"
        "set_tcp_nodelay true\n\n";

  os << "# 'broker start' runs in the foreground: log to its stderr, with timestamps and\n"
        "# connects/disconnects, so the operator sees who comes and goes.\n"
        "log_dest stderr\n"
        "log_type error\n"
        "log_type warning\n"
        "log_type notice\n"
        "log_type information\n"
        "connection_messages true\n"
        "log_timestamp true\n"
        "log_timestamp_format %Y-%m-%dT%H:%M:%S\n";
  return os.str();
}

}  // namespace mqchat
