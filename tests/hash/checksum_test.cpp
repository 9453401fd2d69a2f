// Checksum lines and manifests (coreutils' -c grammar), AlgorithmInfo, check_manifest's
// counters and verdict, digest_files and expand_operands.
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kit/hash.hpp"
#include "kit/hash/checksum.hpp"

namespace h = kit::hash;
namespace fs = std::filesystem;

namespace {

using Status = h::CheckedLine::Status;

// sha256 of "a\n" and of "b\n".
constexpr std::string_view sha_a =
    "87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7";
constexpr std::string_view sha_b =
    "0263829989b6fd954f72baaf2fc64bc2e2f01d692d4de72986ea808f6e99813f";

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("kit_checksum_test_" + std::to_string(::getpid()) + "_" + std::to_string(next_++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  // write(name, text): the file, its folders made; returns its path.
  std::string write(const std::string& name, std::string_view text) const {
    const fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  static inline int next_ = 0;
  fs::path path_;
};

// A line in a heap block of its exact size, so that a read one byte past it is caught by ASan.
class ExactLine {
 public:
  explicit ExactLine(std::string_view text) : bytes_(new char[text.size()]), size_(text.size()) {
    std::memcpy(bytes_.get(), text.data(), text.size());
  }
  std::string_view view() const { return {bytes_.get(), size_}; }

 private:
  std::unique_ptr<char[]> bytes_;
  std::size_t size_;
};

h::ManifestParser sha256_parser() {
  return h::ManifestParser({"SHA256", 64, false, false});
}
h::ManifestParser b2_parser() {
  return h::ManifestParser({"BLAKE2b", 128, true, false});
}

struct Checked {
  h::CheckReport report;
  std::vector<h::CheckedLine> lines;
};

Checked check(const std::string& manifest, h::CheckOptions options = {},
              h::ManifestParser parser = sha256_parser()) {
  Checked out;
  auto r = h::check_manifest(manifest, parser, options,
                             [&](const h::CheckedLine& l) { out.lines.push_back(l); });
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  if (r) out.report = *r;
  return out;
}

}  // namespace

// ---- ManifestParser -------------------------------------------------------------------------

// The fuzz target's find (tests/corpus/manifest/untagged-line-ends-at-separator): a b2sum line
// that ends right after the digest's separator was read one byte past its end. coreutils sees
// its NUL there: the line is "HEX NAME" (BSD reversed) with an empty name.
TEST(ManifestParser, LineEndingAtTheSeparatorIsReadInsideTheLine) {
  h::ChecksumEntry entry;
  {
    auto parser = b2_parser();
    ExactLine line("ab ");
    ASSERT_EQ(parser.parse(line.view(), entry), h::ManifestParser::Kind::entry);
    EXPECT_EQ(entry.hex, "ab");
    EXPECT_EQ(entry.name, "");
    // Now known as BSD reversed, a GNU-looking line's blank belongs to its name.
    ExactLine gnu("abcd  name");
    ASSERT_EQ(parser.parse(gnu.view(), entry), h::ManifestParser::Kind::entry);
    EXPECT_EQ(entry.name, " name");
  }
  {
    auto parser = b2_parser();
    ExactLine gnu("abcd  name");
    ASSERT_EQ(parser.parse(gnu.view(), entry), h::ManifestParser::Kind::entry);
    EXPECT_EQ(entry.name, "name");
    ExactLine line("ab\t");  // GNU lines known: this one cannot be BSD reversed
    EXPECT_EQ(parser.parse(line.view(), entry), h::ManifestParser::Kind::malformed);
  }
  for (std::string_view text :
       {"ab", "a ", "\\ab ", "ab \r", " ab ", "BLAKE2b", "BLAKE2b-", "BLAKE2b-16", "BLAKE2b-16 (",
        "BLAKE2b-16 (x)", "BLAKE2b-16 (x) =", "BLAKE2b (x) = ", "SHA256 (x) = a"}) {
    auto parser = b2_parser();
    ExactLine line(text);
    (void)parser.parse(line.view(), entry);  // only that no byte past the line is read
  }
}

TEST(ManifestParser, GnuBsdAndTaggedLines) {
  h::ChecksumEntry entry;
  const std::string hex(sha_a);
  auto gnu = sha256_parser();
  EXPECT_EQ(gnu.parse(hex + "  a b", entry), h::ManifestParser::Kind::entry);
  EXPECT_EQ(entry.name, "a b");
  EXPECT_EQ(gnu.parse(hex + " *bin", entry), h::ManifestParser::Kind::entry);
  EXPECT_EQ(entry.name, "bin");
  EXPECT_EQ(gnu.parse(hex + " bsd", entry), h::ManifestParser::Kind::malformed);  // mixed
  EXPECT_EQ(gnu.parse("SHA256 (x y) = " + hex, entry), h::ManifestParser::Kind::entry);
  EXPECT_EQ(entry.name, "x y");
  EXPECT_EQ(gnu.parse("\\" + hex + "  a\\nb", entry), h::ManifestParser::Kind::entry);
  EXPECT_EQ(entry.name, "a\nb");
  EXPECT_EQ(gnu.parse("\\" + hex + "  a\\qb", entry), h::ManifestParser::Kind::malformed);
  EXPECT_EQ(gnu.parse("# comment", entry), h::ManifestParser::Kind::skipped);
  EXPECT_EQ(gnu.parse("\r", entry), h::ManifestParser::Kind::skipped);
  EXPECT_EQ(gnu.parse(hex.substr(1) + "  short", entry), h::ManifestParser::Kind::malformed);
  EXPECT_EQ(gnu.parse("MD5 (x) = " + hex, entry), h::ManifestParser::Kind::malformed);

  auto bsd = sha256_parser();
  EXPECT_EQ(bsd.parse(hex + " bsd", entry), h::ManifestParser::Kind::entry);
  EXPECT_EQ(entry.name, "bsd");
  EXPECT_EQ(bsd.parse(hex + "  gnu", entry), h::ManifestParser::Kind::entry);
  EXPECT_EQ(entry.name, " gnu");  // BSD reversed: the blank belongs to the name

  h::ManifestParser from_stdin({"SHA256", 64, false, true});
  EXPECT_EQ(from_stdin.parse(hex + "  -", entry), h::ManifestParser::Kind::malformed);
}

TEST(ManifestParser, Blake2LinesCarryTheirLength) {
  h::ChecksumEntry entry;
  auto parser = b2_parser();
  EXPECT_EQ(parser.parse("BLAKE2b-16 (x) = abcd", entry), h::ManifestParser::Kind::entry);
  EXPECT_EQ(entry.hex_length, 4u);
  EXPECT_EQ(parser.parse("BLAKE2b-12 (x) = abc", entry), h::ManifestParser::Kind::malformed);
  EXPECT_EQ(parser.parse("BLAKE2b-16 (x) = abcdef", entry), h::ManifestParser::Kind::malformed);
  EXPECT_EQ(parser.parse("abcdef  x", entry), h::ManifestParser::Kind::entry);
  EXPECT_EQ(entry.hex_length, 6u);
  EXPECT_EQ(parser.parse("abc  x", entry), h::ManifestParser::Kind::malformed);  // odd length
}

TEST(ChecksumLine, EscapesAsCoreutils) {
  h::ChecksumStyle style{.tag = "SHA256"};
  EXPECT_EQ(h::checksum_line("ab", "a b", style), "ab  a b\n");
  style.binary = true;
  EXPECT_EQ(h::checksum_line("ab", "x\\y", style), "\\ab *x\\\\y\n");
  style.tagged = true;
  EXPECT_EQ(h::checksum_line("ab", "n\nl", style), "\\SHA256 (n\\nl) = ab\n");
  style.zero = true;
  EXPECT_EQ(h::checksum_line("ab", "n\nl", style), std::string("SHA256 (n\nl) = ab\0", 18));
  EXPECT_EQ(h::check_name("a\\b"), "a\\b");
  EXPECT_EQ(h::check_name("a\nb"), "\\a\\nb");
}

// ---- AlgorithmInfo --------------------------------------------------------------------------

// The tags kit sum printed before AlgorithmInfo held them: coreutils' names where it has the
// algorithm, else the name in capitals with '-' for '_' (SHAKE128 without it).
std::string old_tag(std::string_view algorithm) {
  if (algorithm == "blake2b") return "BLAKE2b";
  if (algorithm == "blake2s") return "BLAKE2s";
  if (algorithm == "xxh3_64") return "XXH3";
  std::string tag(algorithm);
  for (char& c : tag)
    c = c == '_' ? '-' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (tag.starts_with("SHAKE-")) tag.erase(5, 1);
  return tag;
}

TEST(AlgorithmInfo, EveryAlgorithm) {
  for (const std::string& name : h::algorithms_available()) {
    auto info = h::algorithm_info(name);
    ASSERT_TRUE(info) << name;
    EXPECT_EQ(info->name, name);
    EXPECT_EQ(info->tag, old_tag(name)) << name;
    const bool xof = name.starts_with("shake");
    EXPECT_EQ(info->variable_length, xof || name.starts_with("blake2")) << name;
    if (xof) {
      EXPECT_EQ(info->digest_size, 0u);
      EXPECT_EQ(info->max_bits, std::size_t{1} << 27);
    } else {
      EXPECT_EQ(info->digest_size, h::Hasher::create(name)->digest_size()) << name;
      EXPECT_EQ(info->max_bits, 8 * info->digest_size) << name;
    }
  }
  EXPECT_EQ(h::algorithm_info("SHA-256")->name, "sha256");
  EXPECT_EQ(h::algorithm_info("sha3-256")->tag, "SHA3-256");
  EXPECT_EQ(h::algorithm_info("blake2s")->max_bits, 256u);
  EXPECT_EQ(h::algorithm_info("sha257").error().code, "hash.unknown_algorithm");
}

// ---- check_manifest -------------------------------------------------------------------------

TEST(CheckManifest, CountersAndLinesInManifestOrder) {
  TempDir dir;
  dir.write("a", "a\n");
  dir.write("b", "b\n");
  const std::string manifest = dir.write(
      "SUMS", "# made by hand\n" + std::string(sha_a) + "  " + (dir / "a") + "\n" +
                  std::string(sha_a) + "  " + (dir / "b") + "\n" + "not a checksum line\n\n" +
                  std::string(sha_b) + "  " + (dir / "missing") + "\n" + std::string(sha_b) + "  " +
                  (dir / "b"));  // the last line without '\n'
  Checked c = check(manifest);
  EXPECT_EQ(c.report.lines, 7u);
  EXPECT_EQ(c.report.verified, 2u);
  EXPECT_EQ(c.report.mismatched, 1u);
  EXPECT_EQ(c.report.unreadable, 1u);
  EXPECT_EQ(c.report.misformatted, 1u);
  EXPECT_EQ(c.report.ignored, 0u);
  EXPECT_TRUE(c.report.properly_formatted());
  EXPECT_FALSE(c.report.passed);
  ASSERT_EQ(c.lines.size(), 5u);  // the comment and the blank line have none
  EXPECT_EQ(c.lines[0].status, Status::ok);
  EXPECT_EQ(c.lines[0].line, 2u);
  EXPECT_EQ(c.lines[0].name, dir / "a");
  EXPECT_EQ(c.lines[1].status, Status::mismatch);
  EXPECT_EQ(c.lines[2].status, Status::malformed);
  EXPECT_EQ(c.lines[2].line, 4u);
  EXPECT_EQ(c.lines[2].name, "");
  EXPECT_EQ(c.lines[3].status, Status::unreadable);
  EXPECT_EQ(c.lines[3].line, 6u);
  ASSERT_TRUE(c.lines[3].error);
  EXPECT_EQ(c.lines[3].error->message, "No such file or directory");
  EXPECT_EQ(c.lines[3].error->kind, kit::ErrorKind::not_found);
  EXPECT_EQ(c.lines[4].status, Status::ok);
  EXPECT_EQ(c.lines[4].line, 7u);
}

TEST(CheckManifest, PassRule) {
  TempDir dir;
  dir.write("a", "a\n");
  const std::string good = std::string(sha_a) + "  " + (dir / "a") + "\n";
  const std::string missing = std::string(sha_a) + "  " + (dir / "nothing") + "\n";
  // Every file matched: passed, with or without junk, unless --strict.
  EXPECT_TRUE(check(dir.write("ok", good)).report.passed);
  const std::string junky = dir.write("junky", "junk\n" + good);
  EXPECT_TRUE(check(junky).report.passed);
  EXPECT_FALSE(check(junky, {.strict = true}).report.passed);
  EXPECT_TRUE(check(dir.write("clean", good), {.strict = true}).report.passed);
  // Nothing to check: no properly formatted line, or only comments.
  Checked none = check(dir.write("none", "junk\n# c\n"));
  EXPECT_FALSE(none.report.properly_formatted());
  EXPECT_FALSE(none.report.passed);
  EXPECT_FALSE(check(dir.write("empty", "")).report.passed);
  // A missing file fails; --ignore-missing skips it (no line, counted as ignored) ...
  const std::string some_missing = dir.write("some-missing", missing + good);
  EXPECT_FALSE(check(some_missing).report.passed);
  Checked ignored = check(some_missing, {.ignore_missing = true});
  EXPECT_TRUE(ignored.report.passed);
  EXPECT_EQ(ignored.report.ignored, 1u);
  EXPECT_EQ(ignored.report.unreadable, 0u);
  ASSERT_EQ(ignored.lines.size(), 1u);
  EXPECT_EQ(ignored.lines[0].status, Status::ok);
  // ... but when every file is missing, none was verified: fails, yet properly formatted.
  Checked all_missing = check(dir.write("all-missing", missing), {.ignore_missing = true});
  EXPECT_FALSE(all_missing.report.passed);
  EXPECT_TRUE(all_missing.report.properly_formatted());
  EXPECT_EQ(all_missing.report.verified, 0u);
  // A file that cannot be read is never ignored.
  const std::string directory = std::string(sha_a) + "  " + (dir / "") + "\n";
  Checked unreadable = check(dir.write("dir", directory + good), {.ignore_missing = true});
  EXPECT_FALSE(unreadable.report.passed);
  EXPECT_EQ(unreadable.report.unreadable, 1u);
  EXPECT_EQ(unreadable.lines[0].error->message, "Is a directory");
}

// --status, --quiet and --warn change what the CLI prints, never the verdict or the lines the
// library hands over: the golden cases check-status and check-quiet-warn print them.
TEST(CheckManifest, ParallelRunsGiveTheSameLinesInOrder) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 2500; ++i) {  // more than one batch of lines
    const std::string name = "f" + std::to_string(i % 7);
    dir.write(name, (i % 7) % 2 == 0 ? "a\n" : "b\n");
    text += std::string(i % 5 == 0 ? sha_b : sha_a) + "  " + (dir / name) + "\n";
    if (i % 100 == 0) text += "junk\n";
  }
  const std::string manifest = dir.write("SUMS", text);
  Checked one = check(manifest, {.jobs = 1});
  Checked many = check(manifest, {.jobs = 4});
  ASSERT_EQ(one.lines.size(), many.lines.size());
  for (std::size_t i = 0; i < one.lines.size(); ++i) {
    EXPECT_EQ(one.lines[i].line, many.lines[i].line);
    EXPECT_EQ(one.lines[i].status, many.lines[i].status) << i;
    if (i > 0) {
      EXPECT_LT(one.lines[i - 1].line, one.lines[i].line);
    }
  }
  EXPECT_EQ(one.report.lines, 2525u);
  EXPECT_EQ(many.report.misformatted, 25u);
  EXPECT_EQ(one.report.verified + one.report.mismatched, 2500u);
  EXPECT_EQ(one.report.verified, many.report.verified);
  EXPECT_EQ(one.report.mismatched, many.report.mismatched);
}

TEST(CheckManifest, ManifestThatCannotBeOpenedOrRead) {
  TempDir dir;
  auto parser = sha256_parser();
  auto ignore = [](const h::CheckedLine&) {};
  auto missing = h::check_manifest(dir / "no-such", parser, {}, ignore);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "hash.manifest_open");
  EXPECT_EQ(missing.error().message, "No such file or directory");
  auto directory = h::check_manifest(dir / "", parser, {}, ignore);
  ASSERT_FALSE(directory);
  EXPECT_EQ(directory.error().code, "hash.manifest_read");
  EXPECT_EQ(directory.error().message, "read error");
}

TEST(CheckManifest, Blake2LinesAreHashedAtTheirLength) {
  TempDir dir;
  const std::string a = dir.write("a", "a\n");
  auto hex = [&](std::size_t bytes) {
    auto hasher = h::Hasher::create("blake2b", bytes);
    hasher->update("a\n");
    return hasher->hexdigest();
  };
  const std::string manifest =
      dir.write("SUMS", hex(64) + "  " + a + "\nBLAKE2b-256 (" + a + ") = " + hex(32) + "\n" +
                            hex(8) + "  " + a + "\n" + hex(4) + "  " + a + "x\n");
  Checked c = check(manifest, {.algorithm = "blake2b"}, b2_parser());
  EXPECT_EQ(c.report.verified, 3u);
  EXPECT_EQ(c.report.unreadable, 1u);
}

// ---- digest_files and expand_operands --------------------------------------------------------

TEST(DigestFiles, InOrderWithErrors) {
  TempDir dir;
  std::vector<std::string> paths;
  for (int i = 0; i < 50; ++i)
    paths.push_back(i == 17 ? dir / "missing"
                            : dir.write("f" + std::to_string(i), i % 2 ? "b\n" : "a\n"));
  std::vector<std::size_t> order;
  h::digest_files(paths, "sha256", 0, 4, [&](std::size_t i, h::FileDigest& d) {
    order.push_back(i);
    if (i == 17) {
      ASSERT_TRUE(d.error);
      EXPECT_EQ(d.error->kind, kit::ErrorKind::not_found);
    } else {
      EXPECT_FALSE(d.error);
      EXPECT_EQ(d.hex, i % 2 ? sha_b : sha_a);
    }
  });
  ASSERT_EQ(order.size(), paths.size());
  for (std::size_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i], i);
  h::digest_files({dir / "f0"}, "blake2b", 16, 1,
                  [&](std::size_t, h::FileDigest& d) { EXPECT_EQ(d.hex.size(), 32u); });
}

TEST(ExpandOperands, RecursiveSortsFilesBelowDirectories) {
  TempDir dir;
  dir.write("tree/b", "b");
  dir.write("tree/a/z", "z");
  dir.write("tree/a/c", "c");
  dir.write("tree/B", "B");
  dir.write("outside/x", "x");
  fs::create_directory_symlink(dir / "outside", dir / "tree/link");  // not followed
  fs::create_directories(dir / "tree/empty");
  const std::string tree = dir / "tree";

  h::ExpandedOperands flat = h::expand_operands({tree, "-", dir / "missing"}, false);
  EXPECT_EQ(flat.files, (std::vector<std::string>{tree, "-", dir / "missing"}));
  EXPECT_TRUE(flat.problems.empty());

  h::ExpandedOperands deep = h::expand_operands({dir / "missing", tree, "-"}, true);
  EXPECT_EQ(deep.files, (std::vector<std::string>{dir / "missing", tree + "/B", tree + "/a/c",
                                                  tree + "/a/z", tree + "/b", "-"}));
  EXPECT_TRUE(deep.problems.empty());
}

TEST(ExpandOperands, UnreadableDirectoryIsAProblem) {
  TempDir dir;
  dir.write("tree/a", "a");
  dir.write("tree/locked/x", "x");
  fs::permissions(dir / "tree/locked", fs::perms::none);
  if (::geteuid() != 0) {
    h::ExpandedOperands e = h::expand_operands({dir / "tree"}, true);
    fs::permissions(dir / "tree/locked", fs::perms::owner_all);
    ASSERT_EQ(e.problems.size(), 1u);
    EXPECT_EQ(e.problems[0].first, dir / "tree");
    EXPECT_EQ(e.problems[0].second.message, "Permission denied");
    return;
  }
  // Root reads every directory (as CI runs): the same checks in a child that drops to nobody,
  // its exit status saying which failed.
  const auto readable = fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                        fs::perms::others_read | fs::perms::others_exec;
  for (const std::string& p : {dir / "", dir / "tree", dir / "tree/a"})
    fs::permissions(p, readable);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(10);
    h::ExpandedOperands e = h::expand_operands({dir / "tree"}, true);
    if (e.problems.size() != 1u) ::_exit(11);
    if (e.problems[0].first != dir / "tree") ::_exit(12);
    ::_exit(e.problems[0].second.message == "Permission denied" ? 0 : 13);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  fs::permissions(dir / "tree/locked", fs::perms::owner_all);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0)
      << "10: could not drop to nobody, 11: not one problem, 12: another path, 13: another message";
}
