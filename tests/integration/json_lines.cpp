#include "tests/integration/json_lines.hpp"

#include <catch2/catch.hpp>
#include <regex>
#include <sstream>

namespace itest {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::vector<nlohmann::json> parse_json_lines(const std::string& text) {
  std::vector<nlohmann::json> values;
  for (const auto& line : lines_of(text)) {
    auto value = nlohmann::json::parse(line, nullptr, false);
    if (value.is_discarded() || !value.is_object()) {
      FAIL("not a JSON object line: " << line << "\nwhole output:\n" << text);
    }
    values.push_back(std::move(value));
  }
  return values;
}

std::string str(const nlohmann::json& j, const std::string& key) {
  auto it = j.find(key);
  return (it != j.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

bool is_rfc3339_utc(const std::string& text) {
  static const std::regex pattern(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z)");
  return std::regex_match(text, pattern);
}

}  // namespace itest
