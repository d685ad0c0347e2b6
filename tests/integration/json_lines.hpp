#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace itest {

/// The non-empty lines of TEXT, without their newlines.
std::vector<std::string> lines_of(const std::string& text);

/// One JSON value per non-empty line of TEXT (JSON Lines); the test fails on a line that is not
/// a JSON object.
std::vector<nlohmann::json> parse_json_lines(const std::string& text);

/// J[KEY] as a string, or "" when J has no string KEY.
std::string str(const nlohmann::json& j, const std::string& key);

/// True for an RFC 3339 timestamp in UTC, e.g. 2026-11-25T10:00:00.000Z.
bool is_rfc3339_utc(const std::string& text);

}  // namespace itest
