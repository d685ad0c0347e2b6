#pragma once

// The JSON Lines schema as documented in man/mqchat-json.7, read from the page itself, so the
// test that checks every command's --json output against it keeps page and output together.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace itest {

/// One documented field: "\fBNAME\fR: \fITYPE\fR[ VALUES][ (optional)]" in the page.
struct FieldSpec {
  std::string name;
  std::string type;                 ///< string, timestamp, integer, boolean, array of strings,
                                    ///< one of; each may end in " or null"
  std::vector<std::string> values;  ///< for "one of"
  bool optional = false;
};

/// Object kinds (the .SS headings) and their fields, in page order.
using JsonSchema = std::map<std::string, std::vector<FieldSpec>>;

/// Parses the man page at PATH; the test fails when it cannot be read or a field line is malformed.
JsonSchema read_schema(const std::string& path);

/// What is wrong with OBJECT as an object of KIND (empty when nothing): undocumented fields,
/// missing fields, wrong types, values outside "one of".
std::vector<std::string> schema_problems(const JsonSchema& schema, const std::string& kind,
                                         const nlohmann::json& object);

/// The man page of the source tree under test.
std::string json_man_page();

}  // namespace itest
