#include "tests/integration/json_schema.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>

#include "tests/integration/json_lines.hpp"

namespace itest {

std::string json_man_page() { return std::string(MQCHAT_SOURCE_DIR) + "/man/mqchat-json.7"; }

JsonSchema read_schema(const std::string& path) {
  std::ifstream in(path);
  INFO("man page " << path);
  REQUIRE(in);
  static const std::regex field(R"(^\\fB([a-z_]+)\\fR: \\fI([a-z ]+)\\fR(.*)$)");
  JsonSchema schema;
  std::string line, kind, previous;
  while (std::getline(in, line)) {
    if (line.rfind(".SH", 0) == 0) kind.clear();
    if (line.rfind(".SS ", 0) == 0) {
      kind = line.substr(4);
      if (kind.size() >= 2 && kind.front() == '"') kind = kind.substr(1, kind.size() - 2);
      schema[kind];
    }
    std::smatch m;
    if (!kind.empty() && previous == ".TP" && std::regex_match(line, m, field)) {
      FieldSpec f{m[1].str(), m[2].str(), {}, false};
      std::string rest = m[3].str();
      const std::string opt = " (optional)";
      if (rest.size() >= opt.size() &&
          rest.compare(rest.size() - opt.size(), opt.size(), opt) == 0) {
        f.optional = true;
        rest.erase(rest.size() - opt.size());
      }
      if (f.type == "one of") {
        INFO("field line: " << line);
        REQUIRE(rest.size() > 1);
        std::string values = rest.substr(1);
        std::size_t start = 0;
        while (start <= values.size()) {
          auto bar = values.find('|', start);
          if (bar == std::string::npos) bar = values.size();
          f.values.push_back(values.substr(start, bar - start));
          start = bar + 1;
        }
      } else {
        INFO("field line: " << line);
        REQUIRE(rest.empty());
      }
      schema[kind].push_back(f);
    }
    previous = line;
  }
  return schema;
}

namespace {

std::optional<std::string> type_problem(const FieldSpec& f, const nlohmann::json& v) {
  std::string type = f.type;
  const std::string or_null = " or null";
  if (type.size() > or_null.size() &&
      type.compare(type.size() - or_null.size(), or_null.size(), or_null) == 0) {
    if (v.is_null()) return std::nullopt;
    type.erase(type.size() - or_null.size());
  }
  bool ok = false;
  if (type == "string") ok = v.is_string();
  if (type == "timestamp") ok = v.is_string() && is_rfc3339_utc(v.get<std::string>());
  if (type == "integer") ok = v.is_number_integer();
  if (type == "boolean") ok = v.is_boolean();
  if (type == "object") ok = v.is_object();
  if (type == "array of integers") {
    ok = v.is_array();
    for (const auto& e : v) ok = ok && e.is_number_integer();
  }
  if (type == "array of strings") {
    ok = v.is_array();
    for (const auto& e : v) ok = ok && e.is_string();
  }
  if (type == "one of") {
    ok = v.is_string() &&
         std::find(f.values.begin(), f.values.end(), v.get<std::string>()) != f.values.end();
  }
  if (ok) return std::nullopt;
  return "field '" + f.name + "' is " + v.dump() + ", not " + f.type;
}

}  // namespace

std::vector<std::string> schema_problems(const JsonSchema& schema, const std::string& kind,
                                         const nlohmann::json& object) {
  auto it = schema.find(kind);
  if (it == schema.end()) return {"mqchat-json(7) documents no object '" + kind + "'"};
  if (!object.is_object()) return {"not a JSON object: " + object.dump()};
  std::vector<std::string> problems;
  for (const auto& f : it->second) {
    auto v = object.find(f.name);
    if (v == object.end()) {
      if (!f.optional) problems.push_back("field '" + f.name + "' is missing");
      continue;
    }
    if (auto p = type_problem(f, *v)) problems.push_back(*p);
  }
  for (const auto& [key, value] : object.items()) {
    bool documented = false;
    for (const auto& f : it->second) documented = documented || f.name == key;
    if (!documented) problems.push_back("field '" + key + "' is not in mqchat-json(7)");
  }
  return problems;
}

}  // namespace itest
