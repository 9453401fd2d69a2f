// kit/config/json.hpp — the JSON document type of kit::config, and reading one from user text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kit/core/error.hpp"

namespace kit::config {

// Objects keep their keys in insertion order (a file's order survives a set).
using Json = nlohmann::ordered_json;

// Documents nested deeper than this are refused (Python's json stops near 1,000, by recursion).
inline constexpr std::size_t max_depth = 512;

// parse_document(text, source): a JSON document from a user's file (CRLF and a UTF-8 byte
// order mark accepted). Errors: config.corrupt (malformed_input) naming `source` with the
// line:column of the problem, or nested deeper than max_depth.
[[nodiscard]] Result<Json> parse_document(std::string_view text, std::string_view source);

// to_text(value): 2-space indent, LF line ends, a final newline (how the store writes).
[[nodiscard]] std::string to_text(const Json& value);

// A value given as text, on the command line or in a variable.
enum class ValueType { loose, string, integer, number, boolean, json };

// parse_value_type("int"): string, int, float, bool or json (`kit config set --type`).
[[nodiscard]] Result<ValueType> parse_value_type(std::string_view name);

// loose_value(text): the JSON value when `text` parses as JSON, else `text` as a string (how
// variables, overrides and `kit config set` read a value).
[[nodiscard]] Json loose_value(std::string_view text);

// parse_value(text, type): `text` as that type: integer (64-bit), number (finite), boolean
// (git's spellings: true/false, yes/no, on/off, 1/0, any case), json (must parse), string (as
// is), loose (loose_value). config.bad_value when it is not.
[[nodiscard]] Result<Json> parse_value(std::string_view text, ValueType type);

}  // namespace kit::config
