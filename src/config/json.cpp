// JSON documents from user files: CRLF and a BOM accepted, errors with line:column.
#include <algorithm>

#include <fmt/core.h>

#include "kit/config/json.hpp"
#include "kit/fs.hpp"

namespace kit::config {

namespace {

// The 1-based line:column of byte `offset` in `text` (columns count bytes, as json.loads's do
// characters: equal for ASCII, which is where JSON syntax errors sit).
TextPosition position_of(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  TextPosition where{1, 1};
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++where.line;
      where.column = 1;
    } else {
      ++where.column;
    }
  }
  return where;
}

// The deepest nesting of arrays and objects in `text` (strings skipped). nlohmann parses any
// depth, but copying, dumping and destroying recurse: a hostile file must not overflow the stack.
std::size_t nesting_depth(std::string_view text) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

Result<Json> parse_document(std::string_view text, std::string_view source) {
  // Line ends and a BOM are a file's encoding, not its content: read as Python's text mode does.
  const std::string clean = fs::universal_newlines(text);
  if (nesting_depth(clean) > max_depth)
    return fail(ErrorKind::malformed_input, "config.corrupt",
                fmt::format("{}: nested more than {} levels deep", source, max_depth));
  try {
    return Json::parse(clean);
  } catch (const Json::parse_error& e) {
    // nlohmann's byte is 1-based and points one past the offending character.
    const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    const TextPosition where = position_of(clean, offset);
    std::string what = e.what();
    if (auto colon = what.rfind(": "); colon != std::string::npos) what = what.substr(colon + 2);
    return fail_at(
        ErrorKind::malformed_input, "config.corrupt",
        fmt::format("{}:{}:{}: not valid JSON ({})", source, where.line, where.column, what),
        where);
  }
}

std::string to_text(const Json& value) {
  std::string text = value.dump(2, ' ', /*ensure_ascii=*/false, Json::error_handler_t::strict);
  text += '\n';
  return text;
}

}  // namespace kit::config
