// kit::fs::ospath: the values below are what Python 3.11's posixpath and ntpath give (on Linux,
// where ntpath.normpath and normcase are the pure-Python ones); a byte string such as "\xC3:x"
// stands for os.fsdecode(b"\xC3:x"). The differential tests diff.config_dirs.* and
// diff.fs_path.which compare these functions, through PlatformDirs and which(), on thousands
// of generated cases.
#include "kit/fs/ospath.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace ospath = kit::fs::ospath;
using Split = std::pair<std::string_view, std::string_view>;

TEST(OsPathText, CharAtReadsUtf8AsSurrogateescapeDoes) {
  EXPECT_EQ(ospath::char_at("a", 0).code, U'a');
  const ospath::Utf8Char e = ospath::char_at("x\xC3\xA9", 1);
  EXPECT_TRUE(e.valid);
  EXPECT_EQ(e.code, U'\u00E9');
  EXPECT_EQ(e.length, 2u);
  EXPECT_EQ(ospath::char_at("\xF0\x9F\x98\x80", 0).length, 4u);
  // Each of these is one escaped byte: cut short, a bad continuation, overlong, a surrogate,
  // past U+10FFFF, a stray continuation byte.
  for (std::string_view bad : {"\xC3", "\xC3:", "\xE0\x80\xA0", "\xC0\xAF", "\xED\xA0\x80",
                               "\xF4\x90\x80\x80", "\x80", "\xFF"}) {
    const ospath::Utf8Char c = ospath::char_at(bad, 0);
    EXPECT_FALSE(c.valid) << bad;
    EXPECT_EQ(c.length, 1u) << bad;
  }
}

TEST(OsPathText, IsSpaceAndIsBlankAsStrIsspaceAndStrip) {
  for (char32_t c :
       {U'\t', U'\n', U'\x0B', U'\x0C', U'\r', U'\x1C', U'\x1F', U' ', U'\x85', U'\xA0', U'\u1680',
        U'\u2000', U'\u200A', U'\u2028', U'\u2029', U'\u202F', U'\u205F', U'\u3000'})
    EXPECT_TRUE(ospath::is_space(c)) << static_cast<unsigned>(c);
  for (char32_t c : {U'a', U'\0', U'\x08', U'\x0E', U'\u200B', U'\uFEFF', U'\u180E'})
    EXPECT_FALSE(ospath::is_space(c)) << static_cast<unsigned>(c);
  EXPECT_TRUE(ospath::is_blank(""));
  EXPECT_TRUE(ospath::is_blank(" \t\n"));
  EXPECT_TRUE(ospath::is_blank("\xE3\x80\x80\xE2\x80\xA8"));  // U+3000, U+2028
  EXPECT_FALSE(ospath::is_blank(" x "));
  EXPECT_FALSE(ospath::is_blank("\xE0\x80\xA0"));  // an overlong space is three escaped bytes
}

TEST(OsPathText, LowerCaseIsStrLower) {
  EXPECT_EQ(kit::fs::lower_case("C:\\Dir\\\xC3\x80"
                                "B"),
            "c:\\dir\\\xC3\xA0"
            "b");                                            // ÀB
  EXPECT_EQ(kit::fs::lower_case("\xC4\xB0"), "i\xCC\x87");   // İ
  EXPECT_EQ(kit::fs::lower_case("\xC3:\xFF"), "\xC3:\xFF");  // escaped bytes stay
}

TEST(OsPathText, SplitListKeepsEmptyEntries) {
  EXPECT_EQ(ospath::split_list("a::b:", ':'), (std::vector<std::string_view>{"a", "", "b", ""}));
  EXPECT_EQ(ospath::split_list("", ';'), (std::vector<std::string_view>{""}));
}

TEST(PosixPath, Join) {
  EXPECT_EQ(ospath::posix_join("/etc", {"xdg", "kit"}), "/etc/xdg/kit");
  EXPECT_EQ(ospath::posix_join("a", {""}), "a/");
  EXPECT_EQ(ospath::posix_join("a/", {"b"}), "a/b");
  EXPECT_EQ(ospath::posix_join("a", {"/b", "c"}), "/b/c");
  EXPECT_EQ(ospath::posix_join("", {"x"}), "x");
  EXPECT_EQ(ospath::posix_join("", {""}), "");
  const std::vector<std::string_view> parts{"b", "c"};
  EXPECT_EQ(ospath::posix_join("a", parts), "a/b/c");
}

namespace {
std::optional<std::string> fake_homes(std::string_view user) {
  if (user == "alice") return "/home/alice/";
  if (user == "rootish") return "/";
  return std::nullopt;
}
}  // namespace

TEST(PosixPath, ExpandUser) {
  EXPECT_EQ(ospath::expand_user("~/.config", "/home/me", fake_homes), "/home/me/.config");
  EXPECT_EQ(ospath::expand_user("~", "/home/me//", fake_homes), "/home/me");
  EXPECT_EQ(ospath::expand_user("~", "/", fake_homes), "/");
  EXPECT_EQ(ospath::expand_user("~/x", "/", fake_homes), "/x");
  EXPECT_EQ(ospath::expand_user("~/x", "", fake_homes), "/x");
  EXPECT_EQ(ospath::expand_user("~alice/x", "/home/me", fake_homes), "/home/alice/x");
  EXPECT_EQ(ospath::expand_user("~rootish", "/home/me", fake_homes), "/");
  EXPECT_EQ(ospath::expand_user("~nobody-here/x", "/home/me", fake_homes), "~nobody-here/x");
  EXPECT_EQ(ospath::expand_user("a/~", "/home/me", fake_homes), "a/~");
  EXPECT_EQ(ospath::expand_user("", "/home/me", fake_homes), "");
  // The password database by default: root's home is not under ~.
  const auto root = ospath::password_home("root");
  ASSERT_TRUE(root);
  EXPECT_EQ(ospath::expand_user("~root", "/home/me"), *root == "/" ? "/" : *root);
  EXPECT_FALSE(ospath::password_home("kit-no-such-user-\x01"));
  EXPECT_FALSE(ospath::password_home(std::string_view("ro\0ot", 5)));
}

TEST(NtPath, SplitDrive) {
  EXPECT_EQ(ospath::nt_splitdrive("C:x"), Split("C:", "x"));
  EXPECT_EQ(ospath::nt_splitdrive("c:\\a"), Split("c:", "\\a"));
  EXPECT_EQ(ospath::nt_splitdrive("//srv/share/x"), Split("//srv/share", "/x"));
  EXPECT_EQ(ospath::nt_splitdrive("\\\\?\\UNC\\srv\\share\\x"),
            Split("\\\\?\\UNC\\srv\\share", "\\x"));
  EXPECT_EQ(ospath::nt_splitdrive("\\\\?\\unc/srv\\share"), Split("\\\\?\\unc/srv\\share", ""));
  EXPECT_EQ(ospath::nt_splitdrive("\\\\.\\dev\\x"), Split("\\\\.\\dev", "\\x"));
  EXPECT_EQ(ospath::nt_splitdrive("\\\\srv"), Split("\\\\srv", ""));
  EXPECT_EQ(ospath::nt_splitdrive("\\\\srv\\share"), Split("\\\\srv\\share", ""));
  EXPECT_EQ(ospath::nt_splitdrive("\\\\srv\\\\share"), Split("\\\\srv\\", "\\share"));
  EXPECT_EQ(ospath::nt_splitdrive("a"), Split("", "a"));
  EXPECT_EQ(ospath::nt_splitdrive(""), Split("", ""));
  // The drive "letter" is any one character, in code points.
  EXPECT_EQ(ospath::nt_splitdrive("\xC3\xA9:x"), Split("\xC3\xA9:", "x"));  // é
  EXPECT_EQ(ospath::nt_splitdrive("\xC3:x"), Split("\xC3:", "x"));          // an escaped byte
  EXPECT_EQ(ospath::nt_splitdrive("\xE0\x80:x"), Split("", "\xE0\x80:x"));
  EXPECT_EQ(ospath::nt_splitdrive("\xC3\xA9"), Split("", "\xC3\xA9"));  // one character
}

TEST(NtPath, Join) {
  EXPECT_EQ(ospath::nt_join("C:\\Users\\me", {"AppData", "Local"}),
            "C:\\Users\\me\\AppData\\Local");
  EXPECT_EQ(ospath::nt_join("C:", {"x"}), "C:x");
  EXPECT_EQ(ospath::nt_join("C:\\a", {"\\b"}), "C:\\b");
  EXPECT_EQ(ospath::nt_join("c:/a", {"/b"}), "c:/b");
  EXPECT_EQ(ospath::nt_join("C:\\a", {"D:b"}), "D:b");
  EXPECT_EQ(ospath::nt_join("C:\\a", {"c:b"}), "c:\\a\\b");
  EXPECT_EQ(ospath::nt_join("\\\\srv\\share", {"x"}), "\\\\srv\\share\\x");
  EXPECT_EQ(ospath::nt_join("a", {""}), "a\\");
  EXPECT_EQ(ospath::nt_join("", {"x"}), "x");
  EXPECT_EQ(ospath::nt_join("a", {"C:"}), "C:");
  // Drives compare as str.lower(), beyond ASCII: É and é are one share.
  EXPECT_EQ(ospath::nt_join("\\\\SRV\\\xC3\x89\\a", {"\\\\srv\\\xC3\xA9"}),
            "\\\\srv\\\xC3\xA9\\a\\");
  const std::vector<std::string_view> parts{"b", "c"};
  EXPECT_EQ(ospath::nt_join("a", parts), "a\\b\\c");
}

TEST(NtPath, NormPath) {
  EXPECT_EQ(ospath::nt_normpath("c:/a/./b/../c"), "c:\\a\\c");
  EXPECT_EQ(ospath::nt_normpath(""), ".");
  EXPECT_EQ(ospath::nt_normpath("..\\..\\a"), "..\\..\\a");
  EXPECT_EQ(ospath::nt_normpath("\\..\\a"), "\\a");
  EXPECT_EQ(ospath::nt_normpath("C:..\\a"), "C:..\\a");
  EXPECT_EQ(ospath::nt_normpath("\\\\srv\\share\\..\\x"), "\\\\srv\\share\\x");
  EXPECT_EQ(ospath::nt_normpath("a\\b\\..\\..\\.."), "..");
  EXPECT_EQ(ospath::nt_normpath("///a//"), "\\\\\\a\\");
  EXPECT_EQ(ospath::nt_normpath("\\\\?\\c:\\a\\..\\b"), "\\\\?\\c:\\b");
  EXPECT_EQ(ospath::nt_normpath("C:\\"), "C:\\");
}

TEST(NtPath, NormCase) {
  EXPECT_EQ(ospath::nt_normcase("C:/Dir/\xC3\x80"
                                "B"),
            "c:\\dir\\\xC3\xA0"
            "b");
  EXPECT_EQ(ospath::nt_normcase(""), "");
}

// splitdrive's promise, drive + rest == path, on every string of up to four pieces drawn from
// the characters that matter (separators, colons, letters, escaped and multi-byte characters).
TEST(NtPath, SplitDriveKeepsEveryByte) {
  const std::vector<std::string_view> pieces{"\\",  "/",        "a",    ":", "?",
                                             "UNC", "\xC3\xA9", "\xC3", ""};
  std::size_t checked = 0;
  for (std::string_view x : pieces)
    for (std::string_view y : pieces)
      for (std::string_view z : pieces)
        for (std::string_view w : pieces) {
          const std::string p = std::string(x) + std::string(y) + std::string(z) + std::string(w);
          const auto [drive, rest] = ospath::nt_splitdrive(p);
          EXPECT_EQ(std::string(drive) + std::string(rest), p);
          EXPECT_EQ(drive.data(), p.data());
          ++checked;
        }
  EXPECT_EQ(checked, 9u * 9u * 9u * 9u);
}
