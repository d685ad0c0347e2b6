// Fuzz target: the loaders of the state directory. A state file may be truncated by a full disk,
// edited by hand or damaged; loading it must give a checked value or an mqchat::Error that names
// the file (exit 1 with a repair hint), never a crash or an exception from a parsing library.
// The first input byte picks the file, the rest is its content.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/store/history.hpp"
#include "core/store/pending_inbox.hpp"
#include "core/store/seen_ids.hpp"
#include "core/store/settings.hpp"
#include "core/store/state_store.hpp"
#include "core/wire/error.hpp"

namespace fs = std::filesystem;

namespace {

// One private directory per fuzzing process, removed at exit.
const fs::path& home() {
  static const fs::path dir = [] {
    std::string tmpl = (fs::temp_directory_path() / "mqchat-fuzz-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    fs::create_directories(fs::path(tmpl) / "profiles");
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(home(), ec);
    });
    return fs::path(tmpl);
  }();
  return dir;
}

void write(const fs::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

void load_config(const mqchat::StateStore& store) {
  const mqchat::Config config = store.load_config();
  mqchat::resolve_settings({{"config", [&](const std::string& key) -> std::optional<std::string> {
                               const auto it = config.settings.find(key);
                               if (it == config.settings.end()) return std::nullopt;
                               return it->second;
                             }}});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string content(reinterpret_cast<const char*>(data) + 1, size - 1);
  const mqchat::StateStore store({home(), home()});
  try {
    switch (data[0] % 5) {
      case 0:
        write(home() / "config.yaml", content);
        load_config(store);
        break;
      case 1:
        write(home() / "profiles" / "alice.yaml", content);
        store.load_profile("alice");
        break;
      case 2:
        write(home() / "history.jsonl", content);
        mqchat::History(home() / "history.jsonl").read();
        break;
      case 3:
        write(home() / "seen_ids", content);
        mqchat::SeenIds(home() / "seen_ids", 8);
        break;
      default:
        write(home() / "pending.jsonl", content);
        mqchat::PendingInbox(home() / "pending.jsonl").read();
        break;
    }
  } catch (const mqchat::Error&) {
    // The documented answer to a damaged file.
  }
  return 0;
}
