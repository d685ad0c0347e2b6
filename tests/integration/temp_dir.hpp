#pragma once

#include <filesystem>
#include <string>

namespace itest {

/// A fresh directory (mode 0700) under $TMPDIR or /tmp, removed with everything in it.
class TempDir {
 public:
  /// Creates PREFIX-XXXXXX.
  explicit TempDir(const std::string& prefix = "mqchat-it");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// The directory.
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// The whole content of PATH (binary), or "" when it cannot be read.
std::string file_contents(const std::filesystem::path& path);

}  // namespace itest
