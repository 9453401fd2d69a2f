// kit/core/text.hpp — the few text chores the C++ standard library lacks.
//
// Example:
//   kit::core::is_valid_utf8("caf\xc3\xa9");      // true
//   kit::core::base64_encode("hi");               // "aGk="
//   kit::core::to_hex("\x01\xab");                // "01ab"
//   auto n = kit::core::parse_int("2026");        // Result<long long>, 2026
//   auto lines = kit::core::split_lines("a\r\nb"); // {"a", "b"}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kit/core/error.hpp"

namespace kit::core {

[[nodiscard]] bool is_valid_utf8(std::string_view s);

// utf8_replace_invalid(s): s with each ill-formed sequence as U+FFFD, as Python's
// bytes.decode("utf-8", "replace") (one U+FFFD per maximal invalid subpart).
[[nodiscard]] std::string utf8_replace_invalid(std::string_view s);

// python_strip(s): UTF-8 text without the leading and trailing characters Python's str.strip()
// removes (str.isspace: ASCII whitespace, \x1c-\x1f, U+0085, U+00A0, U+1680, U+2000-U+200A,
// U+2028, U+2029, U+202F, U+205F, U+3000).
[[nodiscard]] std::string_view python_strip(std::string_view s);

[[nodiscard]] std::string base64_encode(std::string_view bytes);

// to_hex(bytes, separator): two lowercase hex digits a byte, as Python's bytes.hex(sep):
// to_hex("\x01\xab", ":") == "01:ab".
[[nodiscard]] std::string to_hex(std::string_view bytes, std::string_view separator = {});

// parse_int(s): a whole decimal integer, optional leading '-' or '+'; nothing else allowed.
[[nodiscard]] Result<long long> parse_int(std::string_view s);

// parse_byte_size(s): "512", "64k", "1MiB", "2M", "1G": binary multiples (K, KiB = 1024), and
// kB/MB/GB as powers of 1000; error core.bad_size.
[[nodiscard]] Result<unsigned long long> parse_byte_size(std::string_view s);

// split_lines(text): lines without their "\n" or "\r\n"; a final line without "\n" counts.
[[nodiscard]] std::vector<std::string_view> split_lines(std::string_view text);

// trim(s): s without leading and trailing ASCII whitespace.
[[nodiscard]] std::string_view trim(std::string_view s);

// ascii_lower(s): s with A-Z lowered (bytes above 0x7F untouched).
[[nodiscard]] std::string ascii_lower(std::string_view s);

// strip_bom(s): s without a leading UTF-8 byte order mark (Excel and Notepad write one).
[[nodiscard]] std::string_view strip_bom(std::string_view s);

// html_escape(s): &, <, >, " and ' as character references.
[[nodiscard]] std::string html_escape(std::string_view s);

// quote_shell(name, utf8): a file name as GNU tools quote it in messages (gnulib's quotef:
// shell-escape style, ':' quoted too): unchanged when it is safe, else 'a b', "it's", or
// 'nl'$'\n''x' for control bytes. In a UTF-8 locale (utf8 = true) printable multibyte
// characters stay as they are; in the C locale every byte above 0x7F is escaped in octal.
[[nodiscard]] std::string quote_shell(std::string_view name, bool utf8 = false);

// locale_is_utf8(): whether LC_ALL, else LC_CTYPE, else LANG names a UTF-8 locale.
[[nodiscard]] bool locale_is_utf8();

// split_words(command): a command line split into words as a shell splits them, with nothing
// else a shell does (no variables, globs, pipes or redirections): blanks (space, tab, newline)
// separate words, '…' quotes literally, "…" quotes with a backslash escaping only $ ` " \ and
// a newline, a backslash outside quotes escapes the next character. Error core.open_quote
// (invalid_argument) for a quote left open.
[[nodiscard]] Result<std::vector<std::string>> split_words(std::string_view command);

}  // namespace kit::core
