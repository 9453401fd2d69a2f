// What the seed's Python servers print and answer: the address tuple's repr, and str.upper().
#include <unicode/locid.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <fmt/core.h>

#include "kit/net/echo.hpp"

namespace kit::net {

std::string python_address(const Endpoint& endpoint) {
  const std::string host = endpoint.address.to_string();
  if (endpoint.address.family == Family::v4) return fmt::format("('{}', {})", host, endpoint.port);
  // AF_INET6 gives (host, port, flowinfo, scope_id); kit keeps no flowinfo (always 0 on
  // accepted loopback connections).
  return fmt::format("('{}', {}, 0, {})", host, endpoint.port, endpoint.address.scope_id);
}

namespace {

// The upper case of valid UTF-8 text, by ICU's full case mapping in the root locale, which is
// what Python's str.upper() does (SpecialCasing without language rules: "ß" -> "SS").
void append_upper(std::string& out, std::string_view utf8) {
  bool ascii = true;
  for (const char c : utf8) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) {  // the common case, without a round trip through UTF-16
    for (const char c : utf8) out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    return;
  }
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<std::int32_t>(utf8.size())));
  text.toUpper(icu::Locale::getRoot());
  text.toUTF8String(out);
}

}  // namespace

std::string python_upper(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  // Valid runs are upper-cased; a byte that is not part of valid UTF-8 goes out unchanged.
  std::size_t run = 0, i = 0;
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int32_t>(text.size());
  std::int32_t at = 0;
  while (at < length) {
    const std::int32_t before = at;
    UChar32 c = 0;
    U8_NEXT(s, at, length, c);
    i = static_cast<std::size_t>(before);
    if (c < 0) {
      append_upper(out, text.substr(run, i - run));
      out.append(text.substr(i, static_cast<std::size_t>(at) - i));
      run = static_cast<std::size_t>(at);
    }
  }
  append_upper(out, text.substr(run));
  return out;
}

}  // namespace kit::net
