// Python 3.11's posixpath and ntpath string functions and the str methods they need, on UTF-8
// bytes. Every separator, colon and drive-letter test is ASCII, and UTF-8 never hides an ASCII
// byte inside a multi-byte character, so byte searches find what Python's code-point searches
// find; only "the second character" (splitdrive) needs the length of the first.
#include "kit/fs/ospath.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <iterator>

namespace kit::fs {

namespace {

// Python's str.lower() for every code point whose lower case is one code point, as runs:
// code points first, first + stride, ... (count of them) map to themselves + delta. Made from
// CPython 3.11 (Unicode 14.0) by tests/diff/fs_path_vs_python.py --lower-table; U+0130 (İ,
// lower "i̇", two code points) is handled apart.
struct LowerRun {
  std::uint32_t first;
  std::uint16_t count;
  std::int32_t delta;
  std::uint8_t stride;
};
constexpr LowerRun kLowerRuns[] = {
    {0x41, 26, 32, 1},      {0xC0, 23, 32, 1},      {0xD8, 7, 32, 1},       {0x100, 24, 1, 2},
    {0x132, 3, 1, 2},       {0x139, 8, 1, 2},       {0x14A, 23, 1, 2},      {0x178, 1, -121, 1},
    {0x179, 3, 1, 2},       {0x181, 1, 210, 1},     {0x182, 2, 1, 2},       {0x186, 1, 206, 1},
    {0x187, 1, 1, 1},       {0x189, 2, 205, 1},     {0x18B, 1, 1, 1},       {0x18E, 1, 79, 1},
    {0x18F, 1, 202, 1},     {0x190, 1, 203, 1},     {0x191, 1, 1, 1},       {0x193, 1, 205, 1},
    {0x194, 1, 207, 1},     {0x196, 1, 211, 1},     {0x197, 1, 209, 1},     {0x198, 1, 1, 1},
    {0x19C, 1, 211, 1},     {0x19D, 1, 213, 1},     {0x19F, 1, 214, 1},     {0x1A0, 3, 1, 2},
    {0x1A6, 1, 218, 1},     {0x1A7, 1, 1, 1},       {0x1A9, 1, 218, 1},     {0x1AC, 1, 1, 1},
    {0x1AE, 1, 218, 1},     {0x1AF, 1, 1, 1},       {0x1B1, 2, 217, 1},     {0x1B3, 2, 1, 2},
    {0x1B7, 1, 219, 1},     {0x1B8, 1, 1, 1},       {0x1BC, 1, 1, 1},       {0x1C4, 1, 2, 1},
    {0x1C5, 1, 1, 1},       {0x1C7, 1, 2, 1},       {0x1C8, 1, 1, 1},       {0x1CA, 1, 2, 1},
    {0x1CB, 9, 1, 2},       {0x1DE, 9, 1, 2},       {0x1F1, 1, 2, 1},       {0x1F2, 2, 1, 2},
    {0x1F6, 1, -97, 1},     {0x1F7, 1, -56, 1},     {0x1F8, 20, 1, 2},      {0x220, 1, -130, 1},
    {0x222, 9, 1, 2},       {0x23A, 1, 10795, 1},   {0x23B, 1, 1, 1},       {0x23D, 1, -163, 1},
    {0x23E, 1, 10792, 1},   {0x241, 1, 1, 1},       {0x243, 1, -195, 1},    {0x244, 1, 69, 1},
    {0x245, 1, 71, 1},      {0x246, 5, 1, 2},       {0x370, 2, 1, 2},       {0x376, 1, 1, 1},
    {0x37F, 1, 116, 1},     {0x386, 1, 38, 1},      {0x388, 3, 37, 1},      {0x38C, 1, 64, 1},
    {0x38E, 2, 63, 1},      {0x391, 17, 32, 1},     {0x3A3, 9, 32, 1},      {0x3CF, 1, 8, 1},
    {0x3D8, 12, 1, 2},      {0x3F4, 1, -60, 1},     {0x3F7, 1, 1, 1},       {0x3F9, 1, -7, 1},
    {0x3FA, 1, 1, 1},       {0x3FD, 3, -130, 1},    {0x400, 16, 80, 1},     {0x410, 32, 32, 1},
    {0x460, 17, 1, 2},      {0x48A, 27, 1, 2},      {0x4C0, 1, 15, 1},      {0x4C1, 7, 1, 2},
    {0x4D0, 48, 1, 2},      {0x531, 38, 48, 1},     {0x10A0, 38, 7264, 1},  {0x10C7, 1, 7264, 1},
    {0x10CD, 1, 7264, 1},   {0x13A0, 80, 38864, 1}, {0x13F0, 6, 8, 1},      {0x1C90, 43, -3008, 1},
    {0x1CBD, 3, -3008, 1},  {0x1E00, 75, 1, 2},     {0x1E9E, 1, -7615, 1},  {0x1EA0, 48, 1, 2},
    {0x1F08, 8, -8, 1},     {0x1F18, 6, -8, 1},     {0x1F28, 8, -8, 1},     {0x1F38, 8, -8, 1},
    {0x1F48, 6, -8, 1},     {0x1F59, 4, -8, 2},     {0x1F68, 8, -8, 1},     {0x1F88, 8, -8, 1},
    {0x1F98, 8, -8, 1},     {0x1FA8, 8, -8, 1},     {0x1FB8, 2, -8, 1},     {0x1FBA, 2, -74, 1},
    {0x1FBC, 1, -9, 1},     {0x1FC8, 4, -86, 1},    {0x1FCC, 1, -9, 1},     {0x1FD8, 2, -8, 1},
    {0x1FDA, 2, -100, 1},   {0x1FE8, 2, -8, 1},     {0x1FEA, 2, -112, 1},   {0x1FEC, 1, -7, 1},
    {0x1FF8, 2, -128, 1},   {0x1FFA, 2, -126, 1},   {0x1FFC, 1, -9, 1},     {0x2126, 1, -7517, 1},
    {0x212A, 1, -8383, 1},  {0x212B, 1, -8262, 1},  {0x2132, 1, 28, 1},     {0x2160, 16, 16, 1},
    {0x2183, 1, 1, 1},      {0x24B6, 26, 26, 1},    {0x2C00, 48, 48, 1},    {0x2C60, 1, 1, 1},
    {0x2C62, 1, -10743, 1}, {0x2C63, 1, -3814, 1},  {0x2C64, 1, -10727, 1}, {0x2C67, 3, 1, 2},
    {0x2C6D, 1, -10780, 1}, {0x2C6E, 1, -10749, 1}, {0x2C6F, 1, -10783, 1}, {0x2C70, 1, -10782, 1},
    {0x2C72, 1, 1, 1},      {0x2C75, 1, 1, 1},      {0x2C7E, 2, -10815, 1}, {0x2C80, 50, 1, 2},
    {0x2CEB, 2, 1, 2},      {0x2CF2, 1, 1, 1},      {0xA640, 23, 1, 2},     {0xA680, 14, 1, 2},
    {0xA722, 7, 1, 2},      {0xA732, 31, 1, 2},     {0xA779, 2, 1, 2},      {0xA77D, 1, -35332, 1},
    {0xA77E, 5, 1, 2},      {0xA78B, 1, 1, 1},      {0xA78D, 1, -42280, 1}, {0xA790, 2, 1, 2},
    {0xA796, 10, 1, 2},     {0xA7AA, 1, -42308, 1}, {0xA7AB, 1, -42319, 1}, {0xA7AC, 1, -42315, 1},
    {0xA7AD, 1, -42305, 1}, {0xA7AE, 1, -42308, 1}, {0xA7B0, 1, -42258, 1}, {0xA7B1, 1, -42282, 1},
    {0xA7B2, 1, -42261, 1}, {0xA7B3, 1, 928, 1},    {0xA7B4, 8, 1, 2},      {0xA7C4, 1, -48, 1},
    {0xA7C5, 1, -42307, 1}, {0xA7C6, 1, -35384, 1}, {0xA7C7, 2, 1, 2},      {0xA7D0, 1, 1, 1},
    {0xA7D6, 2, 1, 2},      {0xA7F5, 1, 1, 1},      {0xFF21, 26, 32, 1},    {0x10400, 40, 40, 1},
    {0x104B0, 36, 40, 1},   {0x10570, 11, 39, 1},   {0x1057C, 15, 39, 1},   {0x1058C, 7, 39, 1},
    {0x10594, 2, 39, 1},    {0x10C80, 51, 64, 1},   {0x118A0, 32, 32, 1},   {0x16E40, 32, 32, 1},
    {0x1E900, 34, 34, 1},
};

std::uint32_t lower_code_point(std::uint32_t c) {
  // The last run starting at or before c.
  const auto* it = std::upper_bound(std::begin(kLowerRuns), std::end(kLowerRuns), c,
                                    [](std::uint32_t v, const LowerRun& r) { return v < r.first; });
  if (it == std::begin(kLowerRuns)) return c;
  const LowerRun& r = *(it - 1);
  const std::uint32_t offset = c - r.first;
  if (offset % r.stride != 0 || offset / r.stride >= r.count) return c;
  return static_cast<std::uint32_t>(static_cast<std::int64_t>(c) + r.delta);
}

void encode(std::string& out, std::uint32_t c) {
  const auto put = [&](std::uint32_t v) {
    out += static_cast<char>(static_cast<unsigned char>(v));
  };
  if (c < 0x80) {
    put(c);
  } else if (c < 0x800) {
    put(0xC0 | (c >> 6)), put(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    put(0xE0 | (c >> 12)), put(0x80 | ((c >> 6) & 0x3F)), put(0x80 | (c & 0x3F));
  } else {
    put(0xF0 | (c >> 18)), put(0x80 | ((c >> 12) & 0x3F)), put(0x80 | ((c >> 6) & 0x3F)),
        put(0x80 | (c & 0x3F));
  }
}

}  // namespace

std::string lower_case(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const ospath::Utf8Char c = ospath::char_at(text, i);
    if (!c.valid || c.code < 0x80) {
      const char b = text[i];
      out += (b >= 'A' && b <= 'Z') ? static_cast<char>(b + 32) : b;
    } else if (c.code == 0x130) {
      out += "i\xCC\x87";  // İ -> i + COMBINING DOT ABOVE
    } else {
      encode(out, lower_code_point(c.code));
    }
    i += c.length;
  }
  return out;
}

namespace ospath {

// ----- the str methods

Utf8Char char_at(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  if (b < 0x80) return {b, 1, true};
  const Utf8Char bad{b, 1, false};
  std::size_t len = 0;
  char32_t c = 0, min = 0;
  if ((b & 0xE0) == 0xC0) {
    len = 2, c = b & 0x1Fu, min = 0x80;
  } else if ((b & 0xF0) == 0xE0) {
    len = 3, c = b & 0x0Fu, min = 0x800;
  } else if ((b & 0xF8) == 0xF0) {
    len = 4, c = b & 0x07u, min = 0x10000;
  } else {
    return bad;
  }
  if (i + len > s.size()) return bad;
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return bad;
    c = (c << 6) | (byte(i + k) & 0x3Fu);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c < 0xE000)) return bad;
  return {c, len, true};
}

// CPython's _PyUnicode_IsWhitespace (bidirectional class WS, B or S, or category Zs).
bool is_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000;
}

bool is_blank(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const Utf8Char c = char_at(text, i);
    if (!c.valid || !is_space(c.code)) return false;  // an escaped byte is no space
    i += c.length;
  }
  return true;
}

std::vector<std::string_view> split_list(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  for (std::size_t start = 0;;) {
    const std::size_t end = text.find(sep, start);
    out.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

// ----- posixpath

std::string posix_join(std::string_view first, std::span<const std::string_view> parts) {
  std::string path(first);
  for (std::string_view b : parts) {
    if (b.starts_with('/')) {
      path = b;
    } else if (path.empty() || path.back() == '/') {
      path += b;
    } else {
      path += '/';
      path += b;
    }
  }
  return path;
}

std::string posix_join(std::string_view path, std::initializer_list<std::string_view> parts) {
  return posix_join(path, std::span<const std::string_view>(parts.begin(), parts.size()));
}

std::optional<std::string> password_home(std::string_view user) {
  if (user.find('\0') != std::string_view::npos) return std::nullopt;  // Python: ValueError
  const std::string name(user);
  const long hint = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::string buffer(hint > 0 ? static_cast<std::size_t>(hint) : 16384, '\0');
  for (;;) {
    passwd entry{};
    passwd* found = nullptr;
    const int rc = ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (rc == ERANGE && buffer.size() < (1u << 20)) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    if (rc != 0 || found == nullptr || entry.pw_dir == nullptr) return std::nullopt;
    return std::string(entry.pw_dir);
  }
}

std::string expand_user(std::string_view path, std::string_view home, HomeLookup lookup) {
  if (!path.starts_with('~')) return std::string(path);
  const std::size_t i = std::min(path.find('/', 1), path.size());
  std::string user_home;
  if (i == 1) {
    user_home = home;
  } else {
    std::optional<std::string> found = lookup ? lookup(path.substr(1, i - 1)) : std::nullopt;
    if (!found) return std::string(path);  // an unknown user: unchanged, as Python
    user_home = std::move(*found);
  }
  while (!user_home.empty() && user_home.back() == '/') user_home.pop_back();
  std::string result = user_home + std::string(path.substr(i));
  return result.empty() ? "/" : result;
}

// ----- ntpath

namespace {

bool is_nt_sep(char c) {
  return c == '\\' || c == '/';
}

}  // namespace

std::pair<std::string_view, std::string_view> nt_splitdrive(std::string_view p) {
  // len(p) >= 2 in characters: something after the first one.
  if (p.empty()) return {p.substr(0, 0), p};
  const std::size_t first = char_at(p, 0).length;
  if (first >= p.size()) return {p.substr(0, 0), p};
  if (is_nt_sep(p[0]) && is_nt_sep(p[1])) {
    // normp[:8].upper() == "\\?\UNC\": only ASCII upper-cases into those letters (the dotless
    // ı of str.upper() is an I, no U, N or C).
    std::string head(p.substr(0, 8));
    for (char& c : head) {
      if (c == '/') c = '\\';
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    }
    const std::size_t start = head == "\\\\?\\UNC\\" ? 8 : 2;
    const std::size_t index = p.find_first_of("\\/", start);
    if (index == std::string_view::npos) return {p, p.substr(p.size())};
    const std::size_t index2 = p.find_first_of("\\/", index + 1);
    if (index2 == std::string_view::npos) return {p, p.substr(p.size())};
    return {p.substr(0, index2), p.substr(index2)};
  }
  if (p[first] == ':') return {p.substr(0, first + 1), p.substr(first + 1)};
  return {p.substr(0, 0), p};
}

std::string nt_join(std::string_view path, std::span<const std::string_view> parts) {
  const auto [drive, rest] = nt_splitdrive(path);
  std::string result_drive(drive), result_path(rest);
  for (std::string_view p : parts) {
    const auto [p_drive, p_path] = nt_splitdrive(p);
    if (!p_path.empty() && is_nt_sep(p_path.front())) {
      // An absolute second path replaces the first (its drive too, when it has one).
      if (!p_drive.empty() || result_drive.empty()) result_drive = p_drive;
      result_path = p_path;
      continue;
    }
    if (!p_drive.empty() && p_drive != result_drive) {
      if (lower_case(p_drive) != lower_case(result_drive)) {
        result_drive = p_drive;  // another drive: the first path goes
        result_path = p_path;
        continue;
      }
      result_drive = p_drive;  // the same drive in another case
    }
    if (!result_path.empty() && !is_nt_sep(result_path.back())) result_path += '\\';
    result_path += p_path;
  }
  // A separator between a UNC drive and a relative path.
  if (!result_path.empty() && !is_nt_sep(result_path.front()) && !result_drive.empty() &&
      result_drive.back() != ':')
    return result_drive + "\\" + result_path;
  return result_drive + result_path;
}

std::string nt_join(std::string_view path, std::initializer_list<std::string_view> parts) {
  return nt_join(path, std::span<const std::string_view>(parts.begin(), parts.size()));
}

std::string nt_normpath(std::string_view input) {
  std::string path(input);
  std::replace(path.begin(), path.end(), '/', '\\');
  const auto [drive, after] = nt_splitdrive(path);
  std::string prefix(drive);
  std::string_view rest = after;
  if (rest.starts_with('\\')) {  // initial separators collapse into one
    prefix += '\\';
    rest.remove_prefix(std::min(rest.find_first_not_of('\\'), rest.size()));
  }
  std::vector<std::string_view> comps = split_list(rest, '\\');
  for (std::size_t i = 0; i < comps.size();) {
    const auto at = comps.begin() + static_cast<std::ptrdiff_t>(i);
    if (comps[i].empty() || comps[i] == ".") {
      comps.erase(at);
    } else if (comps[i] != "..") {
      ++i;
    } else if (i > 0 && comps[i - 1] != "..") {
      comps.erase(at - 1, at + 1);
      --i;
    } else if (i == 0 && prefix.ends_with('\\')) {
      comps.erase(at);  // ".." above the root
    } else {
      ++i;
    }
  }
  if (prefix.empty() && comps.empty()) return ".";
  std::string out = std::move(prefix);
  for (std::size_t i = 0; i < comps.size(); ++i) {
    if (i > 0) out += '\\';
    out += comps[i];
  }
  return out;
}

std::string nt_normcase(std::string_view path) {
  std::string out(path);
  std::replace(out.begin(), out.end(), '/', '\\');
  return lower_case(out);
}

}  // namespace ospath
}  // namespace kit::fs
