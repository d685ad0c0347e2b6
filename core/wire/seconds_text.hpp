#pragma once

#include <string>

#include "core/wire/transport.hpp"

namespace mqchat {

/// A timeout as people read it in an error line: "5 s", "0.2 s" (rounded to tenths). Inline:
/// the paho module uses it too and links no more of core/wire than it must.
inline std::string seconds_text(Millis m) {
  auto tenths = (m.count() + 50) / 100;
  return std::to_string(tenths / 10) + (tenths % 10 ? "." + std::to_string(tenths % 10) : "") +
         " s";
}

}  // namespace mqchat
