// Fuzz target: the Range, HTTP-date and If-None-Match parsing behind kit::web::static_files.
// The first byte picks the file size (small sizes, edges, 2^64-1), the rest is the header.
// Oracles: a single range lies inside the file and reads back the same when written as
// `bytes=first-last`; a parsed date formats and parses back to the same second; an entity tag
// always matches a list holding only itself.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "../../src/web/range.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace d = kit::web::detail;
  if (size == 0) return 0;
  constexpr std::array<std::uint64_t, 8> kSizes = {
      0, 1, 2, 10, 1000, 4'294'967'296ULL, 9'223'372'036'854'775'807ULL, ~0ULL};
  const std::uint64_t file_size = kSizes[data[0] % kSizes.size()];
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  const d::ByteRange r = d::parse_range(text, file_size);
  if (r.kind == d::RangeKind::single) {
    if (r.first > r.last || r.last >= file_size) std::abort();
    const std::string again = "bytes=" + std::to_string(r.first) + "-" + std::to_string(r.last);
    const d::ByteRange r2 = d::parse_range(again, file_size);
    if (r2.kind != d::RangeKind::single || r2.first != r.first || r2.last != r.last) std::abort();
  } else if (r.first != 0 || r.last != 0) {
    std::abort();
  }
  if (r.kind == d::RangeKind::unsatisfiable && file_size > 0 &&
      d::parse_range("bytes=0-", file_size).kind != d::RangeKind::single)
    std::abort();

  if (auto t = d::parse_http_date(text)) {
    const std::string formatted = d::format_http_date(*t);
    const auto back = d::parse_http_date(formatted);
    if (!back || *back != *t) std::abort();
  }

  (void)d::etag_matches(text, "\"abc\"");
  if (text.size() < 64 && text.find('"') == std::string_view::npos) {
    const std::string tag = "\"" + std::string(text) + "\"";
    if (!d::etag_matches(tag, tag)) std::abort();
  }
  return 0;
}
