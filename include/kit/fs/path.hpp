// kit/fs/path.hpp — PurePath: POSIX and Windows paths computed as text, never touching the
// filesystem, as Python 3.11's pathlib.PurePosixPath and PureWindowsPath compute them.
//
// A path is a drive ("C:", "\\server\share", "\\?\C:"; always empty for POSIX), a root ("/",
// "//" or "\") and parts. Construction normalises: separators collapse, "." components go
// (".." stays: without the filesystem, "a/../b" cannot be resolved), a Windows path uses
// backslashes and reads "/" as one too. Joining follows pathlib: a later absolute segment
// starts over, a Windows segment with only a root keeps the drive before it.
//
// Windows paths compare case-insensitively (Python's str.lower(), Unicode 14 simple mappings;
// the Greek final-sigma rule is not applied). Where pathlib raises ValueError, the function
// returns a kit::Error (codes fs.bad_name, fs.bad_suffix, fs.empty_name, fs.not_relative).
//
// Example:
//   auto p = kit::fs::PurePath::windows("C:\\Users", "me/AppData", "Local");
//   // p.str() == "C:\\Users\\me\\AppData\\Local", p.drive() == "C:", p.name() == "Local"
//   auto cfg = p / "kit" / "config.json";          // ...\Local\kit\config.json
//   auto rel = cfg.relative_to("c:/users/ME");      // Result: "AppData\\Local\\kit\\config.json"
//   kit::fs::PurePath::posix("/etc//kit/./a.tar.gz").suffixes();   // {".tar", ".gz"}
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kit/core/error.hpp"
#include "kit/fs/ospath.hpp"  // lower_case: how Windows names compare

namespace kit::fs {

enum class PathFlavour { posix, windows };

class PurePath;

namespace detail {
// A constructor argument: text, or an existing path (whose parts are read again, as pathlib).
inline void add_segment(std::vector<std::string_view>& out, std::string_view s) {
  out.push_back(s);
}
void add_segment(std::vector<std::string_view>& out, const PurePath& p);
}  // namespace detail

class PurePath {
 public:
  // PurePath(): the POSIX path ".".
  PurePath() = default;
  // PurePath(flavour, segments): the segments joined (an empty list or "" is ".").
  PurePath(PathFlavour flavour, std::span<const std::string_view> segments);
  PurePath(PathFlavour flavour, std::string_view path);

  // posix(...), windows(...), of(flavour, ...): any number of strings or PurePaths.
  //   PurePath::posix("a", "/b", "c").str() == "/b/c"
  template <class... Segments>
  [[nodiscard]] static PurePath of(PathFlavour flavour, const Segments&... segments) {
    std::vector<std::string_view> list;
    list.reserve(sizeof...(segments));
    (detail::add_segment(list, segments), ...);
    return PurePath(flavour, std::span<const std::string_view>(list));
  }
  template <class... Segments>
  [[nodiscard]] static PurePath posix(const Segments&... segments) {
    return of(PathFlavour::posix, segments...);
  }
  template <class... Segments>
  [[nodiscard]] static PurePath windows(const Segments&... segments) {
    return of(PathFlavour::windows, segments...);
  }

  [[nodiscard]] PathFlavour flavour() const { return flavour_; }
  // str(): the normalised text ("." for an empty relative path); as_posix(): with "/".
  [[nodiscard]] std::string str() const;
  [[nodiscard]] std::string as_posix() const;

  // parts(): the anchor (when there is one) as the first part, then the names:
  //   PurePath::windows("c:/a/b").parts() == {"c:\\", "a", "b"}
  [[nodiscard]] const std::vector<std::string>& parts() const { return parts_; }
  [[nodiscard]] const std::string& drive() const { return drive_; }
  [[nodiscard]] const std::string& root() const { return root_; }
  [[nodiscard]] std::string anchor() const { return drive_ + root_; }
  // name(): the last part unless it is the anchor; stem/suffix split it at its last dot
  // (".bashrc" has no suffix), suffixes() at every dot.
  [[nodiscard]] std::string name() const;
  [[nodiscard]] std::string stem() const;
  [[nodiscard]] std::string suffix() const;
  [[nodiscard]] std::vector<std::string> suffixes() const;

  // parent(): one part less; the anchor, and ".", are their own parents.
  [[nodiscard]] PurePath parent() const;
  // parents(): parent(), its parent, ... up to the anchor or ".".
  [[nodiscard]] std::vector<PurePath> parents() const;

  // joinpath(...), operator/: this path, then the segments, as in construction.
  template <class... Segments>
  [[nodiscard]] PurePath joinpath(const Segments&... segments) const {
    return join(of(flavour_, segments...));
  }
  [[nodiscard]] PurePath operator/(std::string_view segment) const { return joinpath(segment); }
  [[nodiscard]] PurePath operator/(const PurePath& segment) const { return joinpath(segment); }

  // with_name(name): fs.empty_name when this has no name; fs.bad_name when `name` is empty,
  // ends in a separator, has a drive or root, or is not exactly one part ("." or "a/b").
  [[nodiscard]] Result<PurePath> with_name(std::string_view name) const;
  [[nodiscard]] Result<PurePath> with_stem(std::string_view stem) const;
  // with_suffix(suffix): "" removes the suffix; fs.bad_suffix unless it starts with a dot and
  // is more than a dot, without separators.
  [[nodiscard]] Result<PurePath> with_suffix(std::string_view suffix) const;

  // relative_to(...): this path without the other's leading parts (drive and root count as
  // parts); fs.not_relative when the other is not a prefix (Python 3.11: no "..").
  template <class... Segments>
  [[nodiscard]] Result<PurePath> relative_to(const Segments&... other) const {
    return relative_to_path(of(flavour_, other...));
  }
  template <class... Segments>
  [[nodiscard]] bool is_relative_to(const Segments&... other) const {
    return relative_to(other...).has_value();
  }

  // is_absolute(): a root, and for Windows a drive too ("\\a" and "C:a" are not absolute).
  [[nodiscard]] bool is_absolute() const;
  // is_reserved(): a Windows device name (CON, NUL, COM1, LPT¹, ...) as the last part; never
  // for POSIX nor for UNC paths.
  [[nodiscard]] bool is_reserved() const;

  // Same flavour and same parts (Windows: compared as lower case).
  friend bool operator==(const PurePath& a, const PurePath& b);

 private:
  PurePath(PathFlavour flavour, std::string drive, std::string root,
           std::vector<std::string> parts);
  [[nodiscard]] PurePath join(const PurePath& other) const;
  [[nodiscard]] Result<PurePath> relative_to_path(const PurePath& other) const;
  [[nodiscard]] bool anchored() const { return !drive_.empty() || !root_.empty(); }

  PathFlavour flavour_ = PathFlavour::posix;
  std::string drive_;
  std::string root_;
  std::vector<std::string> parts_;
};

}  // namespace kit::fs
