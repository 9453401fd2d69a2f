// JSON documents from user files: CRLF and a BOM accepted, errors with line:column.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>

#include <fast_float/fast_float.h>
#include <fmt/core.h>

#include "fast_json.hpp"
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
  // Line ends and a BOM are a file's encoding, not its content: read as Python's text mode does
  // (copied only when there is something to change).
  std::string cleaned;
  if (!detail::plain_text(text)) cleaned = fs::universal_newlines(text);
  const std::string_view clean = detail::plain_text(text) ? text : std::string_view(cleaned);
  // The fast reader first; what it refuses, nlohmann reads (or explains) as before.
  if (detail::FastDoc doc; doc.parse(clean)) return doc.to_json(doc.root());
  if (nesting_depth(clean) > max_depth)
    return fail(ErrorKind::malformed_input, "config.corrupt",
                fmt::format("{}: nested more than {} levels deep", source, max_depth));
  try {
    return Json::parse(clean);
  } catch (const Json::parse_error& e) {
    // nlohmann's byte is 1-based and points one past the offending character.
    const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    const TextPosition where = position_of(clean, offset);
    // nlohmann's what(): "[json.exception.parse_error.101] parse error at line 2, column 1:
    // syntax error while parsing value - unexpected end of input; expected ..."; keep the end.
    std::string what = e.what();
    if (auto dash = what.rfind(" - "); dash != std::string::npos) what = what.substr(dash + 3);
    // "...; last read: '14,<U+000A>  o'; expected ..." repeats the file's bytes: the position says
    // it.
    if (auto last = what.find("; last read: '"); last != std::string::npos)
      if (auto end = what.find("'", last + 14); end != std::string::npos)
        what.erase(last, end + 1 - last);
    return fail_at(
        ErrorKind::malformed_input, "config.corrupt",
        fmt::format("{}:{}:{}: not valid JSON: {}", source, where.line, where.column, what), where);
  } catch (const Json::exception& e) {
    // out_of_range 406: a number past double's range ("1e400"), which Python reads as inf.
    std::string what = e.what();
    if (auto bracket = what.find("] "); bracket != std::string::npos)
      what = what.substr(bracket + 2);
    return fail(ErrorKind::malformed_input, "config.corrupt",
                fmt::format("{}: not valid JSON: {}", source, what));
  }
}

std::string to_text(const Json& value) {
  std::string text = value.dump(2, ' ', /*ensure_ascii=*/false, Json::error_handler_t::strict);
  text += '\n';
  return text;
}

Result<ValueType> parse_value_type(std::string_view name) {
  if (name == "string") return ValueType::string;
  if (name == "int") return ValueType::integer;
  if (name == "float") return ValueType::number;
  if (name == "bool") return ValueType::boolean;
  if (name == "json") return ValueType::json;
  return fail(ErrorKind::invalid_argument, "config.bad_type",
              fmt::format("bad type '{}': string, int, float, bool or json", name));
}

Json loose_value(std::string_view text) {
  Json value = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return Json(std::string(text));
  return value;
}

Result<Json> parse_value(std::string_view text, ValueType type) {
  auto bad = [&](std::string_view want) {
    return fail(ErrorKind::invalid_argument, "config.bad_value",
                fmt::format("'{}' is not {}", text, want));
  };
  switch (type) {
    case ValueType::loose:
      return loose_value(text);
    case ValueType::string:
      return Json(std::string(text));
    case ValueType::integer: {
      std::int64_t n = 0;
      const char* end = text.data() + text.size();
      const char* first = text.starts_with('+') ? text.data() + 1 : text.data();
      auto [stop, ec] = std::from_chars(first, end, n);
      if (text.empty() || ec != std::errc() || stop != end) return bad("a 64-bit integer");
      return Json(n);
    }
    case ValueType::number: {
      double x = 0;
      const char* end = text.data() + text.size();
      const char* first = text.starts_with('+') ? text.data() + 1 : text.data();
      auto [stop, ec] = fast_float::from_chars(first, end, x);
      if (text.empty() || ec != std::errc() || stop != end || !std::isfinite(x))
        return bad("a finite number");
      return Json(x);
    }
    case ValueType::boolean: {
      std::string lower;
      for (const char c : text)
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == "true" || lower == "yes" || lower == "on" || lower == "1") return Json(true);
      if (lower == "false" || lower == "no" || lower == "off" || lower == "0") return Json(false);
      return bad("a boolean (true/false, yes/no, on/off, 1/0)");
    }
    case ValueType::json: {
      Json value = Json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (value.is_discarded()) return bad("JSON");
      return value;
    }
  }
  return bad("a value");
}

}  // namespace kit::config
