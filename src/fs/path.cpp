// PurePath: pathlib's _PosixFlavour/_WindowsFlavour and PurePath of CPython 3.11, on UTF-8
// bytes. Every separator, drive letter and dot is ASCII, and UTF-8 never hides an ASCII byte
// inside a multi-byte character, so the byte searches below find what Python's code-point
// searches find.
//
// Only str.lower() (lower_case) is shared with the os.path ports of kit/fs/ospath.hpp: pathlib
// 3.11 splits a Windows drive by its own rules (the \\?\ prefix apart, ASCII drive letters
// only, no share in "\\a\\b" nor "\\\a"), not ntpath.splitdrive's, so split_windows stays.
#include "kit/fs/path.hpp"

#include <algorithm>
#include <utility>

#include <fmt/core.h>

namespace kit::fs {

namespace {

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
