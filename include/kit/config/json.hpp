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

}  // namespace kit::config
