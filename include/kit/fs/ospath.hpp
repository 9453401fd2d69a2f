// kit/fs/ospath.hpp — Python 3.11's posixpath and ntpath string functions, for code that must
// give the same strings as Python's os.path (platformdirs, shutil.which), whatever OS kit runs
// on: ospath::nt_join answers as ntpath.join does on Windows, on Linux too. Ports, odd inputs
// included ("C:" + "x" is "C:x", "\\srv\share" + "x" is "\\srv\share\x"); not pathlib, whose
// own parsing is kit::fs::PurePath (kit/fs/path.hpp).
//
// Text is UTF-8, read as Python reads bytes with surrogateescape: a well-formed sequence is one
// character, any other byte is a character of its own. The str methods these functions need
// (str.lower, str.isspace) are here too, once for every module.
//
// Example:
//   namespace ospath = kit::fs::ospath;
//   ospath::nt_join("C:\\Users\\me", {"AppData", "Local"});   // "C:\\Users\\me\\AppData\\Local"
//   ospath::nt_normpath("c:/a/./b/../c");                     // "c:\\a\\c"
//   ospath::nt_splitdrive("//srv/share/x");                   // {"//srv/share", "/x"}
//   ospath::posix_join("/etc", {"xdg", "kit"});               // "/etc/xdg/kit"
//   ospath::expand_user("~/.config", "/home/me");             // "/home/me/.config"
//   kit::fs::lower_case("ÀB");                                // "àb" (str.lower())
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kit::fs {

// lower_case(text): Python's str.lower() (Unicode 14, CPython 3.11), as PureWindowsPath compares
// names and ntpath.normcase folds; bytes that are not UTF-8 stay as they are.
[[nodiscard]] std::string lower_case(std::string_view text);

namespace ospath {

// ----- the str methods on UTF-8 text

// One character: a code point and its bytes, or (valid = false) a byte that does not start a
// well-formed sequence (overlong, surrogate, past U+10FFFF, cut short): one character, length 1.
struct Utf8Char {
  char32_t code = 0;
  std::size_t length = 1;
  bool valid = true;
};
// char_at(text, i): the character starting at byte i (i < text.size()).
[[nodiscard]] Utf8Char char_at(std::string_view text, std::size_t i);

// is_space(c): str.isspace() of one code point (Unicode White_Space plus the separators
// U+001C..U+001F, as CPython's table).
[[nodiscard]] bool is_space(char32_t c);
// is_blank(text): `not text.strip()`: empty or only whitespace.
[[nodiscard]] bool is_blank(std::string_view text);

// split_list(text, sep): text.split(os.pathsep), as PATH and XDG_DATA_DIRS are split: every
// entry kept, empty ones too ("" gives {""}).
[[nodiscard]] std::vector<std::string_view> split_list(std::string_view text, char sep);

// ----- posixpath

// posix_join(path, parts): posixpath.join: an absolute part starts over; a "/" goes between two
// parts unless the first is empty or ends in one ("a" + "" is "a/").
[[nodiscard]] std::string posix_join(std::string_view path,
                                     std::span<const std::string_view> parts);
[[nodiscard]] std::string posix_join(std::string_view path,
                                     std::initializer_list<std::string_view> parts);

// password_home(user): pwd.getpwnam(user).pw_dir; nullopt for an unknown user.
[[nodiscard]] std::optional<std::string> password_home(std::string_view user);

using HomeLookup = std::optional<std::string> (*)(std::string_view user);

// expand_user(path, home, lookup): posixpath.expanduser, with "~" meaning `home` (the caller
// reads $HOME, else the password database, as Python does) and "~user" lookup(user); a path
// not starting with "~", or naming an unknown user, comes back unchanged. Trailing slashes of
// the home go ("~" with home "/" is "/").
[[nodiscard]] std::string expand_user(std::string_view path, std::string_view home,
                                      HomeLookup lookup = password_home);

// ----- ntpath ('\' and '/' are both separators)

// nt_splitdrive(path): ntpath.splitdrive: {"C:", rest}, {"\\server\share", rest} (also
// "\\?\UNC\server\share" and device paths "\\.\dev"), else {"", path}; views into `path`,
// drive + rest == path. The drive letter is any character, as in Python ("1:x", "é:x").
[[nodiscard]] std::pair<std::string_view, std::string_view> nt_splitdrive(std::string_view path);

// nt_join(path, parts): ntpath.join: an absolute part ("\x") starts over but keeps the drive,
// a part with another drive starts over (drives compared as str.lower()), "C:" + "x" is "C:x".
[[nodiscard]] std::string nt_join(std::string_view path, std::span<const std::string_view> parts);
[[nodiscard]] std::string nt_join(std::string_view path,
                                  std::initializer_list<std::string_view> parts);

// nt_normpath(path): ntpath.normpath as Python computes it off Windows: "/" becomes "\",
// separators collapse, "." goes, "x\.." goes, ".." above a root goes; "" is ".".
[[nodiscard]] std::string nt_normpath(std::string_view path);

// nt_normcase(path): ntpath.normcase off Windows: "/" becomes "\", then str.lower().
[[nodiscard]] std::string nt_normcase(std::string_view path);

}  // namespace ospath
}  // namespace kit::fs
