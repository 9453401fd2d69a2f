// Lines into events: the tutorial's format, JSON Lines and combined access logs; timestamps.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

#include <fast_float/fast_float.h>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "kit/logs.hpp"

namespace kit::logs {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Howard Hinnant's days_from_civil: days since 1970-01-01.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr std::array<unsigned, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

// digits(s, at, n): the n-digit number at s[at], or -1.
int digits(std::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return -1;
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (!is_digit(s[i])) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// two_digits(p): the number p[0] p[1] spell, or -1.
int two_digits(const char* p) {
  const unsigned tens = static_cast<unsigned char>(p[0]) - unsigned{'0'};
  const unsigned ones = static_cast<unsigned char>(p[1]) - unsigned{'0'};
  return tens < 10 && ones < 10 ? static_cast<int>(tens * 10 + ones) : -1;
}

// next_token(line, at): the next run of non-blank characters from `at`, which moves past it.
[[gnu::always_inline]] inline std::string_view next_token(std::string_view line, std::size_t& at) {
  while (at < line.size() && is_space(line[at])) ++at;
  const std::size_t start = at;
  while (at < line.size() && !is_space(line[at])) ++at;
  return {line.data() + start, at - start};  // not substr: its range check is not inlined
}

// has_tab_or_double_space(s): whether the words of s are not joined by single spaces. Eight
// bytes at a time (SWAR): a byte is zero in x ^ 0x2020... where s has a space.
bool has_tab_or_double_space(std::string_view s) {
  constexpr std::uint64_t ones = 0x0101010101010101, highs = 0x8080808080808080;
  auto zero_bytes = [](std::uint64_t x) { return (x - ones) & ~x & highs; };  // exact for 0x00
  std::size_t i = 0;
  // Overlapping steps of 7 so a pair of spaces across two loads is seen by one of them.
  for (; i + 8 <= s.size(); i += 7) {
    std::uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    const std::uint64_t tabs = zero_bytes(x ^ (ones * '\t'));
    const std::uint64_t y = x ^ (ones * ' ');
    // Exact per byte (no borrow false positives): high bit set where the byte is a space.
    const std::uint64_t spaces = ~(((y & ~highs) + ~highs) | y) & highs;
    if (tabs != 0 || (spaces & (spaces >> 8)) != 0) return true;
  }
  for (; i < s.size(); ++i)
    if (s[i] == '\t' || (s[i] == ' ' && i + 1 < s.size() && is_space(s[i + 1]))) return true;
  return false;
}

// parse_duration(token): "145.2", "145.2ms", "1.5s", "850us" in milliseconds.
std::optional<double> parse_duration(std::string_view token) {
  double scale = 1;
  bool micro = false;
  const char* p = token.data();
  const char* end = p + token.size();
  if (token.size() >= 2 && end[-1] == 's') {
    --end;
    if (end[-1] == 'm')
      --end;
    else if (end[-1] == 'u')
      --end, micro = true;
    else
      scale = 1000;
  } else if (token.size() == 1 && *p == 's') {
    return std::nullopt;
  }
  // digits [. digits] or . digits, a loop for each side of the dot; up to 15 digits the value
  // is m / 10^k, which IEEE division rounds exactly as strtod does (both are exact doubles).
  std::uint64_t m = 0;
  const char* const first = p;
  for (; p != end && is_digit(*p); ++p) m = m * 10 + static_cast<unsigned>(*p - '0');
  std::size_t whole = static_cast<std::size_t>(p - first), frac = 0;
  if (p != end) {
    if (*p != '.') return std::nullopt;
    const char* const dot = ++p;
    for (; p != end && is_digit(*p); ++p) m = m * 10 + static_cast<unsigned>(*p - '0');
    frac = static_cast<std::size_t>(p - dot);
    if (p != end || frac == 0) return std::nullopt;
  }
  const std::size_t digits_seen = whole + frac;
  if (digits_seen == 0) return std::nullopt;
  double v;
  if (digits_seen <= 15) {
    static constexpr double pow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    v = static_cast<double>(m) / pow10[frac];
  } else {
    auto [stop, ec] = fast_float::from_chars(first, end, v);
    if (ec != std::errc() || stop != end) return std::nullopt;
  }
  const double ms = micro ? v / 1000 : v * scale;
  // Too large for the float a duration is stored in: a message word.
  if (!std::isfinite(static_cast<float>(ms))) return std::nullopt;
  return ms;
}

bool parse_seed(std::string_view line, Event& e, std::string& scratch, bool message) {
  std::size_t at = 0;
  std::optional<std::int64_t> ts;
  if (line.size() > 19 && line[10] == ' ' && !is_space(line[11])) {
    // "DATE TIME" with one space, the usual case: parsed in place. (A date that is not ten
    // characters has a blank or a non-digit where parse_time wants a digit, and fails there.)
    at = 11;
    while (at < line.size() && !is_space(line[at])) ++at;
    if (at - 11 < 8) return false;
    ts = parse_time({line.data(), at});
  } else {
    const std::string_view first = next_token(line, at);
    if (first.size() > 10 && first[10] == 'T') {
      if (first.size() < 19 || first[16] != ':') return false;  // HH:MM:SS, as the spaced form
      ts = parse_time(first);
    } else {
      const std::string_view time = next_token(line, at);
      if (first.size() != 10 || time.size() < 8) return false;
      char joined[64];
      if (first.size() + 1 + time.size() > sizeof joined) return false;
      std::copy(first.begin(), first.end(), joined);
      joined[10] = ' ';
      std::copy(time.begin(), time.end(), joined + 11);
      ts = parse_time(std::string_view(joined, 11 + time.size()));
    }
  }
  if (!ts) return false;
  auto level = parse_level(next_token(line, at));
  if (!level) return false;
  const std::string_view service = next_token(line, at);
  if (service.empty()) return false;
  e.timestamp_us = *ts;
  e.level = *level;
  e.service = service;
  // The rest: message words, the last of them a duration when it reads as one.
  const char* begin = line.data() + at;
  const char* end = line.data() + line.size();
  while (begin != end && is_space(*begin)) ++begin;
  while (end != begin && is_space(end[-1])) --end;
  const char* last = end;
  while (last != begin && !is_space(last[-1])) --last;
  e.has_duration = false;
  if (auto d = parse_duration({last, static_cast<std::size_t>(end - last)})) {
    e.duration_ms = static_cast<float>(*d);
    e.has_duration = true;
    end = last;
    while (end != begin && is_space(end[-1])) --end;
  }
  if (!message) return true;
  const std::string_view rest(begin, static_cast<std::size_t>(end - begin));
  // Words are joined by single spaces; most messages already are, and stay views.
  if (!has_tab_or_double_space(rest)) {
    e.message = rest;
  } else {
    scratch.clear();
    std::size_t k = 0;
    for (std::string_view word; !(word = next_token(rest, k)).empty();) {
      if (!scratch.empty()) scratch += ' ';
      scratch += word;
    }
    e.message = scratch;
  }
  return true;
}

bool parse_jsonl(std::string_view line, Event& e, std::string& scratch) {
  while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
  if (line.empty() || line.front() != '{') return false;
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return false;
  std::optional<std::int64_t> ts;
  for (const char* key : {"ts", "time", "timestamp"}) {
    auto it = j.find(key);
    if (it == j.end()) continue;
    if (it->is_string() && it->get_ref<const std::string&>().size() > 10)  // a time is needed
      ts = parse_time(it->get_ref<const std::string&>());
    else if (it->is_number() && std::isfinite(it->get<double>()) &&
             std::abs(it->get<double>()) < 1e13)
      ts = static_cast<std::int64_t>(std::llround(it->get<double>() * 1e6));
    break;
  }
  if (!ts) return false;
  e.timestamp_us = *ts;
  e.level = Level::info;
  if (auto it = j.find("level"); it != j.end()) {
    auto level = it->is_string() ? parse_level(it->get_ref<const std::string&>()) : std::nullopt;
    if (!level) return false;
    e.level = *level;
  }
  std::string service = "-", message;
  if (auto it = j.find("service"); it != j.end() && it->is_string())
    service = it->get<std::string>();
  for (const char* key : {"msg", "message"})
    if (auto it = j.find(key); it != j.end() && it->is_string()) {
      message = it->get<std::string>();
      break;
    }
  e.has_duration = false;
  if (auto it = j.find("duration_ms"); it != j.end() && it->is_number()) {
    e.duration_ms = it->get<float>();
    e.has_duration = std::isfinite(e.duration_ms);
  }
  scratch = service + message;  // one buffer: the views below stay valid together
  e.service = std::string_view(scratch).substr(0, service.size());
  e.message = std::string_view(scratch).substr(service.size());
  return true;
}

// combined: IP IDENT USER [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.1" 200 2326 "ref" "ua" [rt]
bool parse_combined(std::string_view line, Event& e, std::string& scratch) {
  const std::size_t open = line.find(" [");
  if (open == std::string_view::npos || open + 29 > line.size()) return false;
  const std::string_view when = line.substr(open + 2, 26);  // 10/Oct/2000:13:55:36 -0700
  static constexpr std::string_view months = "JanFebMarAprMayJunJulAugSepOctNovDec";
  const std::size_t month = months.find(when.substr(3, 3));
  const int day = digits(when, 0, 2), year = digits(when, 7, 4), hour = digits(when, 12, 2),
            minute = digits(when, 15, 2), second = digits(when, 18, 2), zh = digits(when, 22, 2),
            zm = digits(when, 24, 2);
  if (month == std::string_view::npos || month % 3 != 0 || day < 1 || year < 0 || hour < 0 ||
      hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || zh < 0 || zm < 0 ||
      when[2] != '/' || when[6] != '/' || when[11] != ':' || when[20] != ' ' ||
      (when[21] != '+' && when[21] != '-') || line[open + 28] != ']')
    return false;
  const auto m = static_cast<unsigned>(month / 3 + 1);
  if (static_cast<unsigned>(day) > days_in_month(year, m)) return false;
  const std::int64_t offset = (when[21] == '-' ? -1 : 1) * (zh * 3600 + zm * 60);
  e.timestamp_us = (days_from_civil(year, m, static_cast<unsigned>(day)) * 86400 + hour * 3600 +
                    minute * 60 + second - offset) *
                   1000000;
  std::size_t at = open + 29;
  if (at + 1 >= line.size() || line[at] != ' ' || line[at + 1] != '"') return false;
  const std::size_t req_end = line.find('"', at + 2);
  if (req_end == std::string_view::npos) return false;
  const std::string_view request = line.substr(at + 2, req_end - at - 2);
  std::size_t k = 0;
  const std::string_view method = next_token(request, k), path = next_token(request, k),
                         protocol = next_token(request, k);
  if (method.empty() || path.empty() || path.front() != '/' || protocol.empty()) return false;
  // The referer and user agent are quoted: a line cut inside them is not a whole record.
  std::size_t quotes = 0;
  for (std::size_t q = req_end + 1; q < line.size(); ++q)
    if (line[q] == '"' && line[q - 1] != '\\') ++quotes;
  if (quotes % 2 != 0) return false;
  at = req_end + 1;
  const std::string_view status = next_token(line, at);
  if (status.size() != 3 || digits(status, 0, 3) < 100) return false;
  if (next_token(line, at).empty()) return false;  // bytes sent
  // What follows the quoted referer and user agent, if anything, is the request time.
  e.has_duration = false;
  std::string_view tail = line.substr(at);
  while (!tail.empty() && (is_space(tail.back()) || tail.back() == '\r')) tail.remove_suffix(1);
  std::size_t last = tail.size();
  while (last > 0 && !is_space(tail[last - 1])) --last;
  if (last > 0 && tail.substr(0, last).find('"') != std::string_view::npos) {
    if (auto seconds = parse_duration(tail.substr(last));
        seconds && tail.substr(last).find_first_not_of("0123456789.") == std::string_view::npos) {
      e.duration_ms = static_cast<float>(*seconds * 1000);  // in double, then stored
      // Seconds past the float a duration is stored in (in ms): no request time, as the
      // tutorial's format treats such a number as a message word.
      e.has_duration = std::isfinite(e.duration_ms);
    }
  }
  e.level = status[0] == '5' ? Level::error : status[0] == '4' ? Level::warning : Level::info;
  std::string_view segment = path.substr(1);
  segment = segment.substr(0, std::min(segment.find('/'), segment.find('?')));
  if (segment.empty()) segment = "/";
  scratch.clear();
  scratch.append(segment).append(method).append(" ").append(path).append(" ").append(status);
  e.service = std::string_view(scratch).substr(0, segment.size());
  e.message = std::string_view(scratch).substr(segment.size());
  return true;
}

}  // namespace

std::string_view level_name(Level level) {
  static constexpr std::array<std::string_view, level_count> names{"DEBUG", "INFO", "WARNING",
                                                                   "ERROR", "CRITICAL"};
  return names[static_cast<std::size_t>(level)];
}

std::optional<Level> parse_level(std::string_view text) {
  // Upper case as written (most logs): one comparison by length, no copy.
  switch (text.size()) {
    case 4:
      if (text == "INFO") return Level::info;
      if (text == "WARN") return Level::warning;
      break;
    case 5:
      if (text == "ERROR") return Level::error;
      if (text == "DEBUG") return Level::debug;
      if (text == "FATAL") return Level::critical;
      break;
    case 7:
      if (text == "WARNING") return Level::warning;
      break;
    case 8:
      if (text == "CRITICAL") return Level::critical;
      break;
    default:
      return std::nullopt;
  }
  char upper[9];
  if (text.empty() || text.size() > sizeof upper) return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i)
    upper[i] = static_cast<char>(text[i] >= 'a' && text[i] <= 'z' ? text[i] - 32 : text[i]);
  const std::string_view u(upper, text.size());
  if (u == "DEBUG") return Level::debug;
  if (u == "INFO") return Level::info;
  if (u == "WARNING" || u == "WARN") return Level::warning;
  if (u == "ERROR") return Level::error;
  if (u == "CRITICAL" || u == "FATAL") return Level::critical;
  return std::nullopt;
}

std::optional<Format> parse_format(std::string_view text) {
  if (text == "seed") return Format::seed;
  if (text == "jsonl") return Format::jsonl;
  if (text == "combined") return Format::combined;
  return std::nullopt;
}

std::optional<std::int64_t> parse_time(std::string_view s) {
  if (s.size() < 10) return std::nullopt;
  // Lines of a log mostly share their date: the last one read on this thread is remembered.
  thread_local char last_date[10] = {};
  thread_local std::int64_t last_date_us = 0;
  thread_local bool have_date = false;
  std::int64_t us = last_date_us;
  if (!have_date || std::memcmp(s.data(), last_date, 10) != 0) {
    const int year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
    if (year < 1 || month < 1 || month > 12 || day < 1 || s[4] != '-' || s[7] != '-' ||
        static_cast<unsigned>(day) > days_in_month(year, static_cast<unsigned>(month)))
      return std::nullopt;
    us = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 *
         1000000;
    std::memcpy(last_date, s.data(), 10);
    last_date_us = us;
    have_date = true;
  }
  if (s.size() == 10) return us;
  if (s[10] != ' ' && s[10] != 'T') return std::nullopt;
  if (s.size() < 16 || s[13] != ':') return std::nullopt;
  const int hour = two_digits(s.data() + 11), minute = two_digits(s.data() + 14);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return std::nullopt;
  us += (hour * 3600LL + minute * 60LL) * 1000000;
  std::size_t at = 16;
  if (at < s.size() && s[at] == ':') {
    const int second = at + 3 <= s.size() ? two_digits(s.data() + at + 1) : -1;
    if (second < 0 || second > 59) return std::nullopt;
    us += second * 1000000LL;
    at += 3;
    if (at < s.size() && (s[at] == '.' || s[at] == ',')) {
      std::size_t n = 0;
      std::int64_t frac = 0;
      while (at + 1 + n < s.size() && is_digit(s[at + 1 + n])) {
        if (n < 6) frac = frac * 10 + (s[at + 1 + n] - '0');
        ++n;
      }
      if (n == 0 || n > 9) return std::nullopt;
      for (std::size_t k = n; k < 6; ++k) frac *= 10;
      us += frac;
      at += 1 + n;
    }
  }
  if (at == s.size()) return us;
  if (s[at] == 'Z' && at + 1 == s.size()) return us;
  if ((s[at] == '+' || s[at] == '-') && s.size() == at + 6 && s[at + 3] == ':') {
    const int zh = digits(s, at + 1, 2), zm = digits(s, at + 4, 2);
    if (zh < 0 || zh > 23 || zm < 0 || zm > 59) return std::nullopt;
    return us - (s[at] == '-' ? -1 : 1) * (zh * 3600LL + zm * 60LL) * 1000000;
  }
  return std::nullopt;
}

std::string format_time(std::int64_t us) {
  std::int64_t seconds = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
  const std::int64_t frac = us - seconds * 1000000;
  std::int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  const std::int64_t sod = seconds - days * 86400;
  // civil_from_days
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", y, m, d, sod / 3600,
                                sod / 60 % 60, sod % 60);
  if (frac != 0) {
    std::string f = fmt::format("{:06}", frac);
    while (f.back() == '0') f.pop_back();
    out += '.' + f;
  }
  return out + 'Z';
}

bool parse_line(Format format, std::string_view line, Event& event, std::string& scratch,
                bool message) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  switch (format) {
    case Format::seed:
      return parse_seed(line, event, scratch, message);
    case Format::jsonl:
      return parse_jsonl(line, event, scratch);
    case Format::combined:
      return parse_combined(line, event, scratch);
  }
  return false;
}

Format detect_format(std::string_view text) {
  std::array<int, 3> hits{};
  Event e;
  std::string scratch;
  int seen = 0;
  while (!text.empty() && seen < 100) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    ++seen;
    for (Format f : {Format::seed, Format::jsonl, Format::combined})
      hits[static_cast<std::size_t>(f)] += parse_line(f, line, e, scratch) ? 1 : 0;
  }
  const auto best = std::max_element(hits.begin(), hits.end());  // the first of equals
  return static_cast<Format>(best - hits.begin());
}

}  // namespace kit::logs
