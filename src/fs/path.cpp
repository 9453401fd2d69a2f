// PurePath: pathlib's _PosixFlavour/_WindowsFlavour and PurePath of CPython 3.11, on UTF-8
// bytes. Every separator, drive letter and dot is ASCII, and UTF-8 never hides an ASCII byte
// inside a multi-byte character, so the byte searches below find what Python's code-point
// searches find.
#include "kit/fs/path.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include <fmt/core.h>

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

// decode(text, i): the code point at byte i and its length; a byte that does not start a
// well-formed UTF-8 sequence is returned as length 0 (kept as it is by the caller).
std::pair<std::uint32_t, std::size_t> decode(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  if (b < 0x80) return {b, 1};
  std::size_t len = 0;
  std::uint32_t c = 0, min = 0;
  if ((b & 0xE0) == 0xC0) {
    len = 2, c = b & 0x1Fu, min = 0x80;
  } else if ((b & 0xF0) == 0xE0) {
    len = 3, c = b & 0x0Fu, min = 0x800;
  } else if ((b & 0xF8) == 0xF0) {
    len = 4, c = b & 0x07u, min = 0x10000;
  } else {
    return {b, 0};
  }
  if (i + len > s.size()) return {b, 0};
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {b, 0};
    c = (c << 6) | (byte(i + k) & 0x3Fu);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c < 0xE000)) return {b, 0};
  return {c, len};
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

char sep_of(PathFlavour f) {
  return f == PathFlavour::windows ? '\\' : '/';
}

bool is_drive_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// What splitroot returns: drive, root, and the rest.
struct Split {
  std::string drive;
  std::string root;
  std::string rest;
};

// _PosixFlavour.splitroot: two leading slashes are kept (POSIX leaves their meaning to the
// system), one or three and more are one.
Split split_posix(std::string_view part) {
  if (part.empty() || part[0] != '/') return {{}, {}, std::string(part)};
  const std::size_t n = std::min(part.find_first_not_of('/'), part.size());
  return {{}, n == 2 ? "//" : "/", std::string(part.substr(n))};
}

// _WindowsFlavour.splitroot, on a part whose "/" are already "\": the \\?\ and \\?\UNC\ prefixes
// (extended paths), \\server\share, a drive letter, and the root.
Split split_windows(std::string_view text) {
  std::string part(text);
  const auto at = [&](std::size_t i) { return i < part.size() ? part[i] : '\0'; };
  std::string prefix;
  if (part.starts_with("\\\\?\\")) {  // _split_extended_path
    prefix = part.substr(0, 4);
    part.erase(0, 4);
    if (part.starts_with("UNC\\")) {
      prefix += "UNC";
      part.replace(0, 3, "\\");  // "UNC\srv" -> "\\srv"
    }
  }
  if (at(0) == '\\' && at(1) == '\\' && at(2) != '\\') {
    const std::size_t index = part.find('\\', 2);
    if (index != std::string::npos) {
      std::size_t index2 = part.find('\\', index + 1);
      if (index2 != index + 1) {  // "\\server\\share" is not UNC
        if (index2 == std::string::npos) index2 = part.size();
        std::string drive =
            prefix.empty() ? part.substr(0, index2) : prefix + part.substr(1, index2 - 1);
        std::string rest = index2 + 1 < part.size() ? part.substr(index2 + 1) : std::string();
        return {std::move(drive), "\\", std::move(rest)};
      }
    }
  }
  std::size_t from = 0;
  std::string drive;
  if (at(1) == ':' && is_drive_letter(at(0))) {
    drive = part.substr(0, 2);
    from = 2;
  }
  std::string root;
  if (at(from) == '\\') {
    root = "\\";
    from = std::min(part.find_first_not_of('\\', from), part.size());
  }
  return {prefix + drive, std::move(root), part.substr(from)};
}

Split split_root(PathFlavour f, std::string_view part) {
  return f == PathFlavour::windows ? split_windows(part) : split_posix(part);
}

std::string casefold(PathFlavour f, std::string_view s) {
  return f == PathFlavour::windows ? lower_case(s) : std::string(s);
}

bool same_parts(PathFlavour f, std::span<const std::string> a, std::span<const std::string> b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i]) continue;
    if (f == PathFlavour::posix || lower_case(a[i]) != lower_case(b[i])) return false;
  }
  return true;
}

// pathlib's repr of a path in its error messages, without Python's escaping.
std::string repr(const PurePath& p) {
  return fmt::format("{}('{}')",
                     p.flavour() == PathFlavour::windows ? "PureWindowsPath" : "PurePosixPath",
                     p.as_posix());
}

}  // namespace

std::string lower_case(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto [c, len] = decode(text, i);
    if (len == 0) {
      out += text[i++];
      continue;
    }
    i += len;
    if (c < 0x80) {
      out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    } else if (c == 0x130) {
      out += "i\xCC\x87";  // İ -> i + COMBINING DOT ABOVE
    } else {
      encode(out, lower_code_point(c));
    }
  }
  return out;
}

namespace detail {
void add_segment(std::vector<std::string_view>& out, const PurePath& p) {
  for (const std::string& part : p.parts()) out.push_back(part);
}
}  // namespace detail

PurePath::PurePath(PathFlavour flavour, std::string_view path)
    : PurePath(flavour, std::span<const std::string_view>(&path, 1)) {}

// _Flavour.parse_parts: read the segments from the last one back, stopping at the first that
// has a drive or a root; a root without a drive takes the drive of an earlier segment.
PurePath::PurePath(PathFlavour flavour, std::span<const std::string_view> segments)
    : flavour_(flavour) {
  const char sep = sep_of(flavour);
  std::vector<std::string> reversed;
  std::string drive, root;
  std::string buffer;
  const auto normalised = [&](std::string_view part) -> std::string_view {
    if (flavour != PathFlavour::windows || part.find('/') == std::string_view::npos) return part;
    buffer.assign(part);
    std::replace(buffer.begin(), buffer.end(), '/', '\\');
    return buffer;
  };
  for (std::size_t i = segments.size(); i-- > 0;) {
    if (segments[i].empty()) continue;
    Split split = split_root(flavour, normalised(segments[i]));
    // Names from the last back; empty ones and "." go.
    const std::string_view rest = split.rest;
    std::size_t end = rest.size();
    while (true) {
      const std::size_t cut = end == 0 ? std::string_view::npos : rest.rfind(sep, end - 1);
      const std::size_t begin = cut == std::string_view::npos ? 0 : cut + 1;
      const std::string_view name = rest.substr(begin, end - begin);
      if (!name.empty() && name != ".") reversed.emplace_back(name);
      if (cut == std::string_view::npos) break;
      end = cut;
    }
    drive = std::move(split.drive);
    root = std::move(split.root);
    if (!drive.empty() || !root.empty()) {
      if (drive.empty()) {
        for (std::size_t j = i; j-- > 0;) {
          if (segments[j].empty()) continue;
          drive = split_root(flavour, normalised(segments[j])).drive;
          if (!drive.empty()) break;
        }
      }
      break;
    }
  }
  if (!drive.empty() || !root.empty()) reversed.push_back(drive + root);
  parts_.assign(std::make_move_iterator(reversed.rbegin()),
                std::make_move_iterator(reversed.rend()));
  drive_ = std::move(drive);
  root_ = std::move(root);
}

PurePath::PurePath(PathFlavour flavour, std::string drive, std::string root,
                   std::vector<std::string> parts)
    : flavour_(flavour),
      drive_(std::move(drive)),
      root_(std::move(root)),
      parts_(std::move(parts)) {}

std::string PurePath::str() const {
  const char sep = sep_of(flavour_);
  std::string out;
  std::size_t i = 0;
  if (anchored()) {
    out = drive_ + root_;
    i = 1;
  }
  for (std::size_t k = i; k < parts_.size(); ++k) {
    if (k > i) out += sep;
    out += parts_[k];
  }
  return out.empty() ? std::string(".") : out;
}

std::string PurePath::as_posix() const {
  std::string s = str();
  if (flavour_ == PathFlavour::windows) std::replace(s.begin(), s.end(), '\\', '/');
  return s;
}

std::string PurePath::name() const {
  if (parts_.size() == (anchored() ? 1u : 0u)) return {};
  return parts_.back();
}

// A suffix needs a dot that is neither the first nor the last character of the name.
std::string PurePath::suffix() const {
  const std::string n = name();
  const std::size_t i = n.rfind('.');
  if (i != std::string::npos && i > 0 && i + 1 < n.size()) return n.substr(i);
  return {};
}

std::string PurePath::stem() const {
  const std::string n = name();
  const std::size_t i = n.rfind('.');
  if (i != std::string::npos && i > 0 && i + 1 < n.size()) return n.substr(0, i);
  return n;
}

std::vector<std::string> PurePath::suffixes() const {
  const std::string n = name();
  std::vector<std::string> out;
  if (n.ends_with('.')) return out;
  const std::string_view rest =
      std::string_view(n).substr(std::min(n.find_first_not_of('.'), n.size()));
  std::size_t dot = rest.find('.');
  while (dot != std::string_view::npos) {
    const std::size_t next = rest.find('.', dot + 1);
    out.emplace_back(rest.substr(dot, next == std::string_view::npos ? next : next - dot));
    dot = next;
  }
  return out;
}

PurePath PurePath::parent() const {
  if (parts_.size() == 1 && anchored()) return *this;
  std::vector<std::string> up(parts_.begin(), parts_.end() - (parts_.empty() ? 0 : 1));
  return PurePath(flavour_, drive_, root_, std::move(up));
}

std::vector<PurePath> PurePath::parents() const {
  std::vector<PurePath> out;
  const std::size_t count = parts_.size() - (anchored() ? 1 : 0);
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    out.push_back(PurePath(flavour_, drive_, root_,
                           std::vector<std::string>(
                               parts_.begin(), parts_.end() - static_cast<std::ptrdiff_t>(i + 1))));
  return out;
}

// _Flavour.join_parsed_parts.
PurePath PurePath::join(const PurePath& other) const {
  const auto tail = [](const std::vector<std::string>& parts) {
    return std::vector<std::string>(parts.begin() + (parts.empty() ? 0 : 1), parts.end());
  };
  if (!other.root_.empty()) {
    if (other.drive_.empty() && !drive_.empty()) {
      std::vector<std::string> parts{drive_ + other.root_};
      const auto rest = tail(other.parts_);
      parts.insert(parts.end(), rest.begin(), rest.end());
      return PurePath(flavour_, drive_, other.root_, std::move(parts));
    }
  } else if (!other.drive_.empty()) {
    if (other.drive_ == drive_ || casefold(flavour_, other.drive_) == casefold(flavour_, drive_)) {
      std::vector<std::string> parts = parts_;
      const auto rest = tail(other.parts_);
      parts.insert(parts.end(), rest.begin(), rest.end());
      return PurePath(flavour_, drive_, root_, std::move(parts));
    }
  } else {
    std::vector<std::string> parts = parts_;
    parts.insert(parts.end(), other.parts_.begin(), other.parts_.end());
    return PurePath(flavour_, drive_, root_, std::move(parts));
  }
  return PurePath(flavour_, other.drive_, other.root_, other.parts_);
}

Result<PurePath> PurePath::with_name(std::string_view new_name) const {
  if (name().empty())
    return fail(ErrorKind::invalid_argument, "fs.empty_name",
                fmt::format("{} has an empty name", repr(*this)));
  const PurePath parsed(flavour_, new_name);
  const bool ends_in_sep =
      !new_name.empty() && (new_name.back() == sep_of(flavour_) ||
                            (flavour_ == PathFlavour::windows && new_name.back() == '/'));
  if (new_name.empty() || ends_in_sep || parsed.anchored() || parsed.parts_.size() != 1)
    return fail(ErrorKind::invalid_argument, "fs.bad_name",
                fmt::format("Invalid name '{}'", new_name));
  std::vector<std::string> parts = parts_;
  parts.back() = std::string(new_name);
  return PurePath(flavour_, drive_, root_, std::move(parts));
}

Result<PurePath> PurePath::with_stem(std::string_view new_stem) const {
  return with_name(std::string(new_stem) + suffix());
}

Result<PurePath> PurePath::with_suffix(std::string_view new_suffix) const {
  const bool has_sep =
      new_suffix.find(sep_of(flavour_)) != std::string_view::npos ||
      (flavour_ == PathFlavour::windows && new_suffix.find('/') != std::string_view::npos);
  if (has_sep || (!new_suffix.empty() && new_suffix[0] != '.') || new_suffix == ".")
    return fail(ErrorKind::invalid_argument, "fs.bad_suffix",
                fmt::format("Invalid suffix '{}'", new_suffix));
  std::string n = name();
  if (n.empty())
    return fail(ErrorKind::invalid_argument, "fs.empty_name",
                fmt::format("{} has an empty name", repr(*this)));
  const std::string old = suffix();
  n.resize(n.size() - old.size());
  n += new_suffix;
  std::vector<std::string> parts = parts_;
  parts.back() = std::move(n);
  return PurePath(flavour_, drive_, root_, std::move(parts));
}

// PurePath.relative_to of Python 3.11: drive and root are separate parts, so "c:/" relative to
// "c:" is "\", and relative to "/" is an error.
Result<PurePath> PurePath::relative_to_path(const PurePath& other) const {
  const auto absolute_parts = [](const PurePath& p) {
    if (p.root_.empty()) return p.parts_;
    std::vector<std::string> out{p.drive_, p.root_};
    out.insert(out.end(), p.parts_.begin() + 1, p.parts_.end());
    return out;
  };
  const std::vector<std::string> mine = absolute_parts(*this);
  const std::vector<std::string> theirs = absolute_parts(other);
  const std::size_t n = theirs.size();
  const bool fails = n == 0 ? anchored()
                            : (n > mine.size() ||
                               !same_parts(flavour_, std::span(mine).first(n), std::span(theirs)));
  if (fails)
    return fail(ErrorKind::invalid_argument, "fs.not_relative",
                fmt::format("'{}' is not in the subpath of '{}' OR one path is relative and the "
                            "other is absolute.",
                            str(), other.str()));
  return PurePath(
      flavour_, {}, n == 1 ? root_ : std::string(),
      std::vector<std::string>(mine.begin() + static_cast<std::ptrdiff_t>(n), mine.end()));
}

bool PurePath::is_absolute() const {
  if (root_.empty()) return false;
  return flavour_ == PathFlavour::posix || !drive_.empty();
}

// _WindowsFlavour.is_reserved: the last part up to its first dot and first colon, trailing
// spaces dropped, upper-cased, among the device names.
bool PurePath::is_reserved() const {
  if (flavour_ != PathFlavour::windows || parts_.empty()) return false;
  if (parts_.front().starts_with("\\\\")) return false;  // UNC paths never are
  std::string_view n = parts_.back();
  n = n.substr(0, n.find('.'));
  n = n.substr(0, n.find(':'));
  while (n.ends_with(' ')) n.remove_suffix(1);
  // str.upper(): ASCII letters, and the dotless ı is I; no other character upper-cases into
  // the letters, digits, $ and superscript digits of the device names.
  std::string up;
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (n.substr(i).starts_with("\xC4\xB1")) {
      up += 'I';
      ++i;
    } else {
      up += (n[i] >= 'a' && n[i] <= 'z') ? static_cast<char>(n[i] - 32) : n[i];
    }
  }
  static constexpr std::string_view kDevices[] = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"};
  for (std::string_view d : kDevices)
    if (up == d) return true;
  for (std::string_view stem : {"COM", "LPT"}) {
    if (!std::string_view(up).starts_with(stem)) continue;
    const std::string_view digit = std::string_view(up).substr(3);
    if (digit.size() == 1 && digit[0] >= '1' && digit[0] <= '9') return true;
    if (digit == "\xC2\xB9" || digit == "\xC2\xB2" || digit == "\xC2\xB3") return true;
  }
  return false;
}

bool operator==(const PurePath& a, const PurePath& b) {
  return a.flavour_ == b.flavour_ && same_parts(a.flavour_, a.parts_, b.parts_);
}

}  // namespace kit::fs
