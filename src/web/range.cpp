// Range, HTTP-date and ETag list parsing for static files (see range.hpp).
#include "range.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <limits>

namespace kit::web::detail {
namespace {

constexpr std::uint64_t kSaturated = std::numeric_limits<std::uint64_t>::max();

bool is_ows(char c) {
  return c == ' ' || c == '\t';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// Digits at the front of s, consumed; saturates at 2^64-1. nullopt when there is none.
std::optional<std::uint64_t> take_number(std::string_view& s) {
  std::size_t i = 0;
  std::uint64_t value = 0;
  while (i < s.size() && is_digit(s[i])) {
    const auto d = static_cast<std::uint64_t>(s[i] - '0');
    value = value > (kSaturated - d) / 10 ? kSaturated : value * 10 + d;
    ++i;
  }
  if (i == 0) return std::nullopt;
  s.remove_prefix(i);
  return value;
}

struct Spec {
  std::optional<std::uint64_t> first;  // absent: a suffix range
  std::optional<std::uint64_t> last;
};

std::optional<Spec> parse_spec(std::string_view s) {
  Spec spec;
  spec.first = take_number(s);
  if (s.empty() || s.front() != '-') return std::nullopt;
  s.remove_prefix(1);
  spec.last = take_number(s);
  if (!s.empty()) return std::nullopt;
  if (!spec.first && !spec.last) return std::nullopt;                            // "-"
  if (spec.first && spec.last && *spec.last < *spec.first) return std::nullopt;  // invalid
  return spec;
}

constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// A cursor over date text: each take_* consumes exactly what it expects or fails.
struct Cursor {
  std::string_view s;
  bool ok = true;

  bool literal(std::string_view lit) {
    if (!ok || s.substr(0, lit.size()) != lit) return ok = false;
    s.remove_prefix(lit.size());
    return true;
  }
  int digits(std::size_t n) {
    if (!ok || s.size() < n) return ok = false, 0;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!is_digit(s[i])) return ok = false, 0;
      v = v * 10 + (s[i] - '0');
    }
    s.remove_prefix(n);
    return v;
  }
  template <std::size_t N>
  int name(const std::array<std::string_view, N>& names) {
    if (!ok) return 0;
    for (std::size_t i = 0; i < N; ++i) {
      if (s.substr(0, names[i].size()) == names[i]) {
        s.remove_prefix(names[i].size());
        return static_cast<int>(i);
      }
    }
    return ok = false, 0;
  }
  int time_of_day() {  // hh:mm:ss as seconds
    const int h = digits(2);
    literal(":");
    const int m = digits(2);
    literal(":");
    const int sec = digits(2);
    if (h > 23 || m > 59 || sec > 60) ok = false;
    return h * 3600 + m * 60 + sec;
  }
};

std::optional<std::int64_t> to_epoch(int year, int month_index, int day, int seconds) {
  using namespace std::chrono;
  const year_month_day ymd{std::chrono::year{year},
                           std::chrono::month{static_cast<unsigned>(month_index + 1)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  const auto days = sys_days{ymd}.time_since_epoch().count();
  return static_cast<std::int64_t>(days) * 86400 + seconds;
}

}  // namespace

ByteRange parse_range(std::string_view header, std::uint64_t size) {
  header = trim_ows(header);
  const auto eq = header.find('=');
  if (eq == std::string_view::npos || !iequals(trim_ows(header.substr(0, eq)), "bytes")) return {};
  std::string_view set = header.substr(eq + 1);
  std::optional<Spec> only;
  std::size_t count = 0;
  while (true) {
    const auto comma = set.find(',');
    const std::string_view element = trim_ows(set.substr(0, comma));
    if (!element.empty()) {  // the list rule allows empty elements ("0-1,,")
      auto spec = parse_spec(element);
      if (!spec) return {};
      if (++count == 1) only = spec;
    }
    if (comma == std::string_view::npos) break;
    set.remove_prefix(comma + 1);
  }
  if (count == 0) return {};
  if (count > 1) return {RangeKind::multiple, 0, 0};
  const Spec& spec = *only;
  if (!spec.first) {  // the last n bytes
    if (*spec.last == 0 || size == 0) return {RangeKind::unsatisfiable, 0, 0};
    const std::uint64_t n = *spec.last;
    return {RangeKind::single, n >= size ? 0 : size - n, size - 1};
  }
  if (*spec.first >= size) return {RangeKind::unsatisfiable, 0, 0};
  const std::uint64_t last = spec.last && *spec.last < size ? *spec.last : size - 1;
  return {RangeKind::single, *spec.first, last};
}

std::string format_http_date(std::int64_t seconds_since_epoch) {
  const auto t = static_cast<std::time_t>(seconds_since_epoch);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return {};
  char buffer[64];
  const int n = std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                              kDays[static_cast<std::size_t>(tm.tm_wday)].data(), tm.tm_mday,
                              kMonths[static_cast<std::size_t>(tm.tm_mon)].data(),
                              tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

std::optional<std::int64_t> parse_http_date(std::string_view text) {
  text = trim_ows(text);
  {  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
    Cursor c{text};
    c.name(kDays);
    c.literal(", ");
    const int day = c.digits(2);
    c.literal(" ");
    const int month = c.name(kMonths);
    c.literal(" ");
    const int year = c.digits(4);
    c.literal(" ");
    const int secs = c.time_of_day();
    c.literal(" GMT");
    if (c.ok && c.s.empty()) return to_epoch(year, month, day, secs);
  }
  {  // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT (two-digit years as Python's parsedate)
    Cursor c{text};
    c.name(kLongDays);
    c.literal(", ");
    const int day = c.digits(2);
    c.literal("-");
    const int month = c.name(kMonths);
    c.literal("-");
    int year = c.digits(2);
    c.literal(" ");
    const int secs = c.time_of_day();
    c.literal(" GMT");
    year += year > 68 ? 1900 : 2000;
    if (c.ok && c.s.empty()) return to_epoch(year, month, day, secs);
  }
  {  // asctime: Sun Nov  6 08:49:37 1994 (the day padded with a space)
    Cursor c{text};
    c.name(kDays);
    c.literal(" ");
    const int month = c.name(kMonths);
    c.literal(" ");
    int day = 0;
    if (c.ok && !c.s.empty() && c.s.front() == ' ') {
      c.s.remove_prefix(1);
      day = c.digits(1);
    } else {
      day = c.digits(2);
    }
    c.literal(" ");
    const int secs = c.time_of_day();
    c.literal(" ");
    const int year = c.digits(4);
    if (c.ok && c.s.empty()) return to_epoch(year, month, day, secs);
  }
  return std::nullopt;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  if (etag.substr(0, 2) == "W/") etag.remove_prefix(2);
  std::string_view s = if_none_match;
  while (true) {
    while (!s.empty() && (is_ows(s.front()) || s.front() == ',')) s.remove_prefix(1);
    if (s.empty()) return false;
    if (s.front() == '*') return true;
    std::string_view tag = s;
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    if (!tag.empty() && tag.front() == '"') {
      const auto close = tag.find('"', 1);
      if (close != std::string_view::npos) {
        if (tag.substr(0, close + 1) == etag) return true;
        s = tag.substr(close + 1);
        continue;
      }
    }
    // Not an entity-tag: skip to the next element.
    const auto comma = s.find(',');
    if (comma == std::string_view::npos) return false;
    s.remove_prefix(comma + 1);
  }
}

}  // namespace kit::web::detail
