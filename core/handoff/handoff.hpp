#pragma once

// The send hand-off: a one-shot `send` gives its messages to the profile's running `listen`
// over a private Unix socket (state/NAME/listen.sock, 0600 in a 0700 directory), which
// publishes them on its live connection and answers with the broker's verdict. Like ssh's
// ControlMaster, it saves the new connection (and paho's slow connect) of every command.
//
// Protocol, one request per connection; every frame is a 4-byte big-endian length followed by
// that many bytes of JSON:
//   client -> listen  {"v":1,"lookup":"bob","qos":1,"brokers":["mqtt://..."],
//                      "envelopes":[{...wire format v1...}]}
//   listen -> client  {"accepted":true}           as soon as the request was read
//   listen -> client  {"ok":true,"acknowledged":N} or
//                     {"ok":false,"exit":3,"error":"...","acknowledged":0,"warnings":[...]}
//                     {"ok":false,"direct":true,"error":"why","acknowledged":N}
// The listen gives a failing verdict only where a direct send would fail the same way (no such
// user, a malformed request); when its own connection fails it answers "direct". A client that
// gets "direct", no "accepted" in time, or no verdict, sends directly instead: the envelopes
// keep their ids, so a receiver shows a message once even if both paths delivered it.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/wire/envelope.hpp"
#include "core/wire/error.hpp"
#include "core/wire/transport.hpp"

namespace mqchat::handoff {

/// The socket of the listen of the profile whose state directory is STATE_DIR.
std::filesystem::path socket_path(const std::filesystem::path& state_dir);

/// Frames larger than this are refused (a --lines batch beyond it is sent directly).
constexpr std::size_t kMaxFrameBytes = 32 * 1024 * 1024;

/// What a send asks the listen to do: look up a recipient, then publish, in order.
struct Request {
  std::string lookup;  ///< a user that must be registered (exit 3 otherwise); empty: no lookup
  int qos = 1;
  std::vector<Envelope> envelopes;
  std::vector<std::string> brokers{};  ///< where the sender would connect; another: "direct"
  bool encryption = true;              ///< the sender's settings: seal end to end
  bool require_encryption = false;     ///< and never send in plain text
};

/// The listen's verdict.
struct Reply {
  bool ok = false;
  ExitCode exit = ExitCode::ok;       ///< when not ok: the exit code a direct send would give
  std::string error;                  ///< when not ok: the message a direct send would give
  bool direct = false;                ///< the listen could not send: send directly (ERROR: why)
  std::size_t acknowledged = 0;       ///< envelopes the broker acknowledged, from the first
  std::vector<std::string> warnings;  ///< e.g. a malformed directory entry that was skipped
};

/// LENGTH + BODY.
std::string frame(std::string_view body);

std::string encode(const Request& request);
std::string encode(const Reply& reply);
/// Decoders throw DecodeError on anything malformed.
Request decode_request(std::string_view body);
Reply decode_reply(std::string_view body);

/// Reads one frame from the connected socket FD within TIMEOUT; nullopt on timeout, end of
/// stream, a read error or a frame larger than kMaxFrameBytes.
std::optional<std::string> read_frame(int fd, Millis timeout);

/// Writes all of DATA to FD within TIMEOUT; false when it could not.
bool write_all(int fd, std::string_view data, Millis timeout);

/// The outcome of offering a request to a listen.
struct Attempt {
  std::optional<Reply> reply;  ///< the verdict; nullopt: nobody answered, send directly
  std::string why_not;         ///< when no reply: what happened, for --verbose
};

/// Offers REQUEST to the listen behind SOCKET. Waits up to ACCEPT_WAIT for it to take the
/// request and then up to VERDICT_WAIT for the verdict.
Attempt offer(const std::filesystem::path& socket, const Request& request, Millis accept_wait,
              Millis verdict_wait);

}  // namespace mqchat::handoff
