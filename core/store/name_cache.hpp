#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mqchat {

/// User and group names seen lately, kept in DIR/cache/{users,groups} for shell completion,
/// which must never wait on the network. Best effort: a failure to write is ignored, and a
/// missing or damaged file reads as empty.
class NameCache {
 public:
  enum class Kind { users, groups };

  explicit NameCache(std::filesystem::path dir) : dir_(std::move(dir)) {}

  /// Adds NAMES (invalid ones are skipped); with REPLACE the list becomes exactly NAMES.
  void remember(Kind kind, const std::vector<std::string>& names, bool replace = false) const;

  /// The cached names, sorted and unique.
  std::vector<std::string> names(Kind kind) const;

 private:
  std::filesystem::path file(Kind kind) const;

  std::filesystem::path dir_;
};

}  // namespace mqchat
