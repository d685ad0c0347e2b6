#include "cmd/listen_output.hpp"

#include <poll.h>

#include "cmd/output.hpp"
#include "core/wire/error.hpp"
#include "core/wire/format.hpp"

namespace mqchat {

bool MessageFilter::wants(const Envelope& e) const {
  if (from && e.from != *from) return false;
  if (group && e.group != *group) return false;
  return !match || std::regex_search(e.text, *match);
}

std::regex compile_match(const std::string& pattern) {
  try {
#ifdef __GLIBCXX__
    // libstdc++'s default matcher recurses once per character: a 64 KiB text overflows the
    // stack. Its polynomial (breadth-first) matcher does not, but knows no back-references.
    try {
      return std::regex(pattern, std::regex::ECMAScript | std::regex_constants::__polynomial);
    } catch (const std::regex_error&) {
      // A back-reference, or a real error that the plain compile below reports.
    }
#endif
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw usage_error("invalid --match regular expression '" + pattern + "': " + e.what());
  }
}

bool MessagePrinter::print(const Envelope& e) {
  if (ctx_.global.json) {
    print_json_line(ctx_.out, to_json(e));
  } else if (format_) {
    ctx_.out << format_->render(e) << '\n' << std::flush;
  } else {
    ctx_.out << format_message(e, MessageStyle{ctx_.colour(), false}) << '\n' << std::flush;
  }
  return static_cast<bool>(ctx_.out);
}

bool output_closed(int fd) {
  if (fd < 0) return false;
  // Linux reports POLLERR on the write end of a pipe without readers; a terminal or a file
  // never does.
  pollfd p{fd, 0, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0;
}

}  // namespace mqchat
