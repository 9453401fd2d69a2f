// PurePath: the values below are what Python 3.11's PurePosixPath / PureWindowsPath give (the
// differential test tests/diff/fs_path_vs_python.py compares thousands more).
#include "kit/fs/path.hpp"

#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace kit::fs {
// For gtest's messages: the path as text, not as bytes.
void PrintTo(const PurePath& p, std::ostream* os) {
  *os << p.str();
}
}  // namespace kit::fs

namespace fs = kit::fs;
using fs::PurePath;

namespace {

std::vector<std::string> strs(const std::vector<PurePath>& paths) {
  std::vector<std::string> out;
  for (const PurePath& p : paths) out.push_back(p.str());
  return out;
}

std::string error_code(const kit::Result<PurePath>& r) {
  return r ? "" : r.error().code;
}

}  // namespace

TEST(PurePath, PosixNormalises) {
  EXPECT_EQ(PurePath::posix("/etc//kit/./a.tar.gz").str(), "/etc/kit/a.tar.gz");
  EXPECT_EQ(PurePath::posix("a/../b/").str(), "a/../b");  // ".." stays: no filesystem
  EXPECT_EQ(PurePath::posix("").str(), ".");
  EXPECT_EQ(PurePath::posix().str(), ".");
  EXPECT_EQ(PurePath().str(), ".");
  EXPECT_TRUE(PurePath::posix(".").parts().empty());
  // Two leading slashes are kept, three or more are one.
  EXPECT_EQ(PurePath::posix("//a//b").str(), "//a/b");
  EXPECT_EQ(PurePath::posix("//a").root(), "//");
  EXPECT_EQ(PurePath::posix("///a//b").str(), "/a/b");
  EXPECT_EQ(PurePath::posix("a\\b").name(), "a\\b");  // a backslash is a name character
}

TEST(PurePath, SegmentsJoinAndALaterAbsoluteOneStartsOver) {
  EXPECT_EQ(PurePath::posix("a", "b/c", "", "d").str(), "a/b/c/d");
  EXPECT_EQ(PurePath::posix("a", "/b", "c").str(), "/b/c");
  const PurePath base = PurePath::posix("/usr");
  EXPECT_EQ((base / "lib" / "kit").str(), "/usr/lib/kit");
  EXPECT_EQ(base.joinpath("share", "doc").str(), "/usr/share/doc");
  EXPECT_EQ((base / "/etc").str(), "/etc");
  EXPECT_EQ(PurePath::posix(base, "bin").str(), "/usr/bin");
  EXPECT_EQ((base / PurePath::posix("x/y")).str(), "/usr/x/y");
}

TEST(PurePath, WindowsDrivesRootsAndShares) {
  const PurePath p = PurePath::windows("C:\\Users", "me/AppData", "Local");
  EXPECT_EQ(p.str(), "C:\\Users\\me\\AppData\\Local");
  EXPECT_EQ(p.as_posix(), "C:/Users/me/AppData/Local");
  EXPECT_EQ(p.drive(), "C:");
  EXPECT_EQ(p.root(), "\\");
  EXPECT_EQ(p.anchor(), "C:\\");
  EXPECT_EQ(p.parts(), (std::vector<std::string>{"C:\\", "Users", "me", "AppData", "Local"}));
  EXPECT_TRUE(p.is_absolute());

  const PurePath share = PurePath::windows("//srv/share/x");
  EXPECT_EQ(share.drive(), "\\\\srv\\share");
  EXPECT_EQ(share.anchor(), "\\\\srv\\share\\");
  EXPECT_EQ(share.parts(), (std::vector<std::string>{"\\\\srv\\share\\", "x"}));
  EXPECT_EQ(PurePath::windows("//srv/share").str(), "\\\\srv\\share\\");
  EXPECT_EQ(PurePath::windows("\\\\srv\\\\share").drive(), "");  // not a share: two slashes

  EXPECT_EQ(PurePath::windows("\\\\?\\c:\\x").drive(), "\\\\?\\c:");
  EXPECT_EQ(PurePath::windows("\\\\?\\UNC\\srv\\share\\x").drive(), "\\\\?\\UNC\\srv\\share");

  // Drive-relative and rooted-without-drive paths are not absolute.
  EXPECT_FALSE(PurePath::windows("c:").is_absolute());
  EXPECT_FALSE(PurePath::windows("c:x").is_absolute());
  EXPECT_FALSE(PurePath::windows("/x").is_absolute());
  EXPECT_EQ(PurePath::windows("/x").drive(), "");
  EXPECT_TRUE(PurePath::posix("/x").is_absolute());
}

TEST(PurePath, WindowsJoiningKeepsOrChangesTheDrive) {
  EXPECT_EQ(PurePath::windows("c:/x", "/y").str(), "c:\\y");  // a root keeps the drive
  EXPECT_EQ(PurePath::windows("c:/x", "d:y").str(), "d:y");
  EXPECT_EQ(PurePath::windows("c:/x", "C:y").str(), "C:y");          // construction: the last drive
  EXPECT_EQ((PurePath::windows("c:/x") / "C:y").str(), "c:\\x\\y");  // joining: same drive
  EXPECT_EQ((PurePath::windows("c:/x") / "\\\\srv\\s\\z").str(), "\\\\srv\\s\\z");
}

TEST(PurePath, NameStemSuffixes) {
  const PurePath p = PurePath::posix("/etc/kit/a.tar.gz");
  EXPECT_EQ(p.name(), "a.tar.gz");
  EXPECT_EQ(p.stem(), "a.tar");
  EXPECT_EQ(p.suffix(), ".gz");
  EXPECT_EQ(p.suffixes(), (std::vector<std::string>{".tar", ".gz"}));
  EXPECT_EQ(PurePath::posix(".bashrc").suffix(), "");
  EXPECT_EQ(PurePath::posix(".bashrc").stem(), ".bashrc");
  EXPECT_TRUE(PurePath::posix("x.").suffixes().empty());
  EXPECT_EQ(PurePath::posix("..").suffix(), "");
  EXPECT_EQ(PurePath::posix("/").name(), "");
  EXPECT_EQ(PurePath::windows("c:/").name(), "");
  EXPECT_EQ(PurePath::windows("//srv/share/").name(), "");
}

TEST(PurePath, ParentsStopAtTheAnchorOrDot) {
  EXPECT_EQ(strs(PurePath::posix("/a/b/c").parents()),
            (std::vector<std::string>{"/a/b", "/a", "/"}));
  EXPECT_EQ(strs(PurePath::posix("a/b").parents()), (std::vector<std::string>{"a", "."}));
  EXPECT_EQ(strs(PurePath::windows("c:a/b").parents()), (std::vector<std::string>{"c:a", "c:"}));
  EXPECT_EQ(PurePath::posix("/").parent().str(), "/");
  EXPECT_EQ(PurePath::posix("").parent().str(), ".");
  EXPECT_EQ(PurePath::posix("a").parent().str(), ".");
}

TEST(PurePath, WithNameStemSuffixRefuseWhatPathlibRefuses) {
  EXPECT_EQ(PurePath::posix("a/b.txt").with_name("c.md")->str(), "a/c.md");
  EXPECT_EQ(PurePath::posix("a.tar.gz").with_suffix("")->str(), "a.tar");
  EXPECT_EQ(PurePath::posix("a.tar.gz").with_stem("b")->str(), "b.gz");
  EXPECT_EQ(PurePath::windows("c:/a").with_suffix(".TXT")->str(), "c:\\a.TXT");

  const auto root = PurePath::posix("/").with_name("x");
  EXPECT_EQ(error_code(root), "fs.empty_name");
  EXPECT_EQ(root.error().message, "PurePosixPath('/') has an empty name");
  EXPECT_EQ(root.error().kind, kit::ErrorKind::invalid_argument);
  EXPECT_EQ(error_code(PurePath::posix("a").with_name("b/c")), "fs.bad_name");
  EXPECT_EQ(error_code(PurePath::posix("a").with_name("")), "fs.bad_name");
  EXPECT_EQ(error_code(PurePath::posix("a").with_name(".")), "fs.bad_name");
  EXPECT_EQ(error_code(PurePath::windows("a").with_name("c:")), "fs.bad_name");
  EXPECT_EQ(error_code(PurePath::windows("a").with_name("x/")), "fs.bad_name");
  EXPECT_EQ(error_code(PurePath::posix("a").with_suffix("x")), "fs.bad_suffix");
  EXPECT_EQ(error_code(PurePath::posix("a").with_suffix(".")), "fs.bad_suffix");
  EXPECT_EQ(error_code(PurePath::windows("a").with_suffix("./")), "fs.bad_suffix");
  EXPECT_EQ(error_code(PurePath::posix("").with_suffix(".x")), "fs.empty_name");
}

TEST(PurePath, RelativeTo) {
  const PurePath cfg = PurePath::windows("C:\\Users\\me\\AppData\\Local") / "kit" / "config.json";
  auto rel = cfg.relative_to("c:/users/ME");  // Windows compares case-insensitively
  ASSERT_TRUE(rel);
  EXPECT_EQ(rel->str(), "AppData\\Local\\kit\\config.json");
  EXPECT_EQ(PurePath::windows("c:/").relative_to("c:")->str(), "\\");
  EXPECT_FALSE(PurePath::windows("c:/").is_relative_to("/"));

  EXPECT_EQ(PurePath::posix("/etc/kit/a").relative_to("/etc")->str(), "kit/a");
  EXPECT_EQ(PurePath::posix("/etc/kit/a").relative_to("/", "etc", "kit")->str(), "a");
  EXPECT_EQ(PurePath::posix("/etc").relative_to("/etc")->str(), ".");
  const auto outside = PurePath::posix("a/b").relative_to("b");
  EXPECT_EQ(error_code(outside), "fs.not_relative");
  EXPECT_EQ(outside.error().message,
            "'a/b' is not in the subpath of 'b' OR one path is relative and the other is "
            "absolute.");
  EXPECT_FALSE(PurePath::posix("/a").is_relative_to("a"));
  EXPECT_FALSE(PurePath::posix("/A/b").is_relative_to("/a"));  // POSIX: case matters
  EXPECT_TRUE(PurePath::posix("a/b").is_relative_to(""));
}

TEST(PurePath, EqualityIsCaseInsensitiveOnWindowsOnly) {
  EXPECT_EQ(PurePath::windows("A/B"), PurePath::windows("a\\b"));
  EXPECT_EQ(PurePath::windows("\xC3\x84RGER"), PurePath::windows("\xC3\xA4rger"));  // Ä, ä
  EXPECT_NE(PurePath::posix("A"), PurePath::posix("a"));
  EXPECT_NE(PurePath::posix("a"), PurePath::windows("a"));  // flavours never compare equal
  EXPECT_EQ(PurePath::posix("a//b/"), PurePath::posix("a/b"));
}

TEST(PurePath, ReservedWindowsNames) {
  EXPECT_TRUE(PurePath::windows("nul.txt").is_reserved());
  EXPECT_TRUE(PurePath::windows("c:/x/Aux ").is_reserved());
  EXPECT_TRUE(PurePath::windows("a/COM\xC2\xB9").is_reserved());  // COM¹
  EXPECT_TRUE(PurePath::windows("con\xC4\xB1n$").is_reserved());  // ı upper-cases to I
  EXPECT_FALSE(PurePath::windows("//srv/s/nul").is_reserved());   // never for UNC
  EXPECT_FALSE(PurePath::windows("COM0").is_reserved());
  EXPECT_FALSE(PurePath::windows("console").is_reserved());
  EXPECT_FALSE(PurePath::posix("nul").is_reserved());
}

TEST(LowerCase, AsPythonsStrLower) {
  EXPECT_EQ(fs::lower_case("ABC x"), "abc x");
  EXPECT_EQ(fs::lower_case("\xC4\xB0"), "i\xCC\x87");  // İ -> i + combining dot
  EXPECT_EQ(fs::lower_case("\xE2\x84\xAA"), "k");      // Kelvin sign
  EXPECT_EQ(fs::lower_case("\xD0\x94\xD0\xBE\xD0\xBC"), "\xD0\xB4\xD0\xBE\xD0\xBC");  // Дом
  EXPECT_EQ(fs::lower_case("\xFF\xC3"), "\xFF\xC3");  // not UTF-8: kept
}
