// web/range.hpp — the Range and date headers of static files, as functions of text alone, so
// that they can be fuzzed (tests/fuzz/web_range_fuzz.cpp) and tested without a file.
//
// Example:
//   auto r = kit::web::detail::parse_range("bytes=-500", 10'000);
//   // r.kind == RangeKind::single, r.first == 9500, r.last == 9999
//   kit::web::detail::format_http_date(784111777);   // "Sun, 06 Nov 1994 08:49:37 GMT"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kit::web::detail {

enum class RangeKind {
  none,           // no usable Range (absent, another unit, bad syntax): the whole file, 200
  single,         // one satisfiable range: 206 with [first, last]
  multiple,       // more than one range: kit answers 200 with the whole file (no multipart)
  unsatisfiable,  // 416 with Content-Range: bytes */size
};

struct ByteRange {
  RangeKind kind = RangeKind::none;
  std::uint64_t first = 0;  // inclusive; first <= last < size when kind == single
  std::uint64_t last = 0;
};

// parse_range(header, size): RFC 9110 §14 byte ranges of a file of `size` bytes. `bytes=a-b`
// (b clamped to size-1), `bytes=a-`, `bytes=-n` (the last n; n > size: the whole file). A
// syntactically bad header is ignored (none), as RFC 9110 lets a server do; a first byte at or
// past the end, or a suffix of 0, is unsatisfiable. Numbers too long for 64 bits saturate.
[[nodiscard]] ByteRange parse_range(std::string_view header, std::uint64_t size);

// format_http_date(seconds): RFC 9110's IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT".
[[nodiscard]] std::string format_http_date(std::int64_t seconds_since_epoch);

// parse_http_date(text): seconds since the epoch of an IMF-fixdate, an RFC 850 date
// ("Sunday, 06-Nov-94 08:49:37 GMT") or an asctime date ("Sun Nov  6 08:49:37 1994"), the
// three forms RFC 9110 §5.6.7 asks a recipient to accept; nullopt for anything else.
[[nodiscard]] std::optional<std::int64_t> parse_http_date(std::string_view text);

// etag_matches(if_none_match, etag): whether an If-None-Match list names etag, compared
// weakly (W/ ignored) as RFC 9110 §13.1.2 asks; "*" matches any.
[[nodiscard]] bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace kit::web::detail
