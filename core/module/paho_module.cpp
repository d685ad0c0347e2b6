#include "core/module/paho_module.hpp"

#include <dlfcn.h>

#include <mutex>
#include <optional>
#include <system_error>
#include <vector>

#include "core/module/library_versions.hpp"
#include "core/wire/error.hpp"

#ifndef MQCHAT_MODULE_RELATIVE_DIR
#define MQCHAT_MODULE_RELATIVE_DIR "../lib/mqchat"
#endif

namespace mqchat {

namespace {

std::optional<std::filesystem::path>& path_override() {
  static std::optional<std::filesystem::path> path;
  return path;
}

// Beside the binary (a build tree), then where `cmake --install` puts it relative to the
// binary, so that an installed tree can be moved as a whole.
std::vector<std::filesystem::path> candidate_paths() {
  if (path_override()) return {*path_override()};
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {kPahoModuleFile};  // no /proc: let the dynamic loader's search path decide
  auto dir = exe.parent_path();
  return {dir / kPahoModuleFile, (dir / MQCHAT_MODULE_RELATIVE_DIR / kPahoModuleFile)};
}

const PahoModule& load() {
  std::string reasons;
  for (const auto& path : candidate_paths()) {
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = ::dlerror();
      std::error_code ec;
      // A missing file is expected for all but one candidate; anything else is worth saying.
      if (std::filesystem::exists(path, ec) && why) reasons += std::string("; ") + why;
      continue;
    }
    auto entry = reinterpret_cast<MqchatPahoModuleEntry>(::dlsym(handle, "mqchat_paho_module"));
    const PahoModule* module = entry ? entry() : nullptr;
    if (!module || module->abi != kPahoModuleAbi ||
        std::string_view(module->version) != MQCHAT_VERSION) {
      throw failure(path.string() + " is not the MQTT module of this mqchat " MQCHAT_VERSION
                                    ": reinstall mqchat");
    }
    return *module;  // never unloaded: its threads and parked clients live until exit
  }
  auto paths = candidate_paths();
  std::string where = paths.front().lexically_normal().string();
  for (std::size_t i = 1; i < paths.size(); ++i)
    where += " or " + paths[i].lexically_normal().string();
  throw failure("cannot load mqchat's MQTT module " + std::string(kPahoModuleFile) + " from " +
                where + reasons + ": reinstall mqchat (the module must stay with the binary)");
}

}  // namespace

const PahoModule& paho_module() {
  // A function-local static: loaded once, thread-safe, and a failed load is tried again.
  static const PahoModule& module = load();
  return module;
}

void set_paho_module_path(std::filesystem::path path) { path_override() = std::move(path); }

std::unique_ptr<Transport> make_paho_transport() { return paho_module().make_transport(); }

std::string paho_c_version() { return paho_module().paho_c_version(); }

std::string paho_cpp_version() { return paho_module().paho_cpp_version(); }

}  // namespace mqchat
