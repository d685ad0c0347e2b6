#include "core/store/name_cache.hpp"

#include <algorithm>
#include <set>

#include "core/store/files.hpp"
#include "core/wire/error.hpp"
#include "core/wire/names.hpp"

namespace mqchat {

namespace {

constexpr std::size_t kMaxNames = 50000;  // keeps a TAB press fast on a huge directory

// True when TEXT (the cache file, one name a line) has a line for each valid name of NAMES:
// found without parsing the whole file, which send would pay on every run once `who` has
// filled the cache.
bool lists_all(const std::string& text, const std::vector<std::string>& names) {
  return std::all_of(names.begin(), names.end(), [&text](const std::string& n) {
    if (!is_valid_name(n)) return true;
    const bool first = text.compare(0, n.size() + 1, n + "\n") == 0;
    return first || text.find("\n" + n + "\n") != std::string::npos;
  });
}

}  // namespace

std::filesystem::path NameCache::file(Kind kind) const {
  return dir_ / "cache" / (kind == Kind::users ? "users" : "groups");
}

std::vector<std::string> NameCache::names(Kind kind) const {
  std::set<std::string> out;
  try {
    auto text = read_file(file(kind)).value_or("");
    std::size_t start = 0;
    while (start < text.size() && out.size() < kMaxNames) {
      auto end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      auto name = text.substr(start, end - start);
      if (is_valid_name(name)) out.insert(name);
      start = end + 1;
    }
  } catch (const Error&) {
    // Unreadable cache: complete nothing rather than fail.
  }
  return {out.begin(), out.end()};
}

void NameCache::remember(Kind kind, const std::vector<std::string>& names, bool replace) const {
  if (!replace) {
    try {
      if (lists_all(read_file(file(kind)).value_or(""), names)) return;
    } catch (const Error&) {
      // Unreadable: the full path below treats it as empty.
    }
  }
  auto old = this->names(kind);
  std::set<std::string> all;
  if (!replace) all.insert(old.begin(), old.end());
  for (const auto& n : names) {
    if (is_valid_name(n) && all.size() < kMaxNames) all.insert(n);
  }
  // Nothing new (the usual case for send and who): no write at all.
  if (all.size() == old.size() && std::equal(all.begin(), all.end(), old.begin())) return;
  std::string text;
  for (const auto& n : all) {
    text += n;
    text += '\n';
  }
  try {
    write_file_atomic(file(kind), text);
  } catch (const Error&) {
    // The cache only serves completion; a read-only home must not fail the command.
  }
}

}  // namespace mqchat
