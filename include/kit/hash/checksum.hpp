// kit/hash/checksum.hpp — checksum lines and manifests exactly as GNU coreutils' md5sum,
// sha*sum and b2sum write and read them (coreutils 9.1).
//
// Example:
//   kit::hash::ChecksumStyle style{.tag = "SHA256"};
//   kit::hash::checksum_line(hex, "a b", style);          // "<hex>  a b\n"
//   style.tagged = true;
//   kit::hash::checksum_line(hex, "x\\y", style);         // "\\SHA256 (x\\\\y) = <hex>\n"
//
//   kit::hash::ManifestParser parser({.tag = "SHA256", .hex_length = 64});
//   kit::hash::ChecksumEntry entry;
//   if (parser.parse(line, entry) == kit::hash::ManifestParser::Kind::entry) …entry.name…
//
//   // sha256sum -c SHA256SUMS, the printing left to the caller:
//   auto report = kit::hash::check_manifest("SHA256SUMS", parser, {.algorithm = "sha256"},
//       [](const kit::hash::CheckedLine& l) { if (l.status == …::ok) print(l.name, ": OK"); });
//   bool passed = report && report->passed;
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kit/core/error.hpp"

namespace kit::hash {

// How a *sum program writes its lines.
struct ChecksumStyle {
  std::string tag;      // the --tag name: "SHA256", "MD5", "BLAKE2b" or "BLAKE2b-256"
  bool tagged = false;  // --tag: "SHA256 (NAME) = HEX"
  bool binary = false;  // -b: "HEX *NAME" (text mode: "HEX  NAME")
  bool zero = false;    // -z: lines end with NUL and names are never escaped
};

// checksum_line(hex, name, style): one line with its terminator. A name holding a backslash,
// newline or carriage return is escaped (\\, \n, \r) and the line starts with a backslash.
[[nodiscard]] std::string checksum_line(std::string_view hex, std::string_view name,
                                        const ChecksumStyle& style);

// check_name(name): the name as `-c` prints it before ": OK" — escaped, with a leading
// backslash, only when it holds a newline.
[[nodiscard]] std::string check_name(std::string_view name);

struct ChecksumEntry {
  std::string hex;             // as written, either case
  std::string name;            // unescaped
  std::size_t hex_length = 0;  // the digest's length in hex digits (b2sum's lines vary)
};

// The algorithm a manifest is read for.
struct ManifestFormat {
  std::string tag;               // "SHA256", "BLAKE2b"
  std::size_t hex_length = 0;    // the digest's hex length; for variable ones the largest
  bool variable_length = false;  // b2sum: "BLAKE2b-N (…)" and untagged lines of any even length
  bool from_stdin = false;       // a line naming "-" is then malformed
};

// ManifestParser: lines of a checksum file, parsed as coreutils' `-c` parses them. It keeps the
// one piece of state coreutils does: the first untagged line decides whether lines are
// "HEX  NAME" (GNU) or "HEX NAME" (BSD reversed), and the others must follow.
class ManifestParser {
 public:
  explicit ManifestParser(ManifestFormat format) : format_(std::move(format)) {}
  enum class Kind { entry, skipped, malformed };  // skipped: a comment or a blank line
  // parse(line, entry): line without its "\n" (a final "\r" is dropped here).
  [[nodiscard]] Kind parse(std::string_view line, ChecksumEntry& entry);
  // set_from_stdin(yes): the next lines come from standard input (where "-" names no file).
  void set_from_stdin(bool yes) { format_.from_stdin = yes; }

 private:
  bool parse_tagged(std::string_view s, bool escaped, ChecksumEntry& entry) const;
  bool parse_untagged(std::string_view s, bool escaped, ChecksumEntry& entry);
  ManifestFormat format_;
  int bsd_reversed_ = -1;  // -1 not known yet, 0 GNU, 1 BSD reversed
};

// ---- Checking a manifest (sha256sum -c) -----------------------------------------------------

struct CheckOptions {
  std::string algorithm = "sha256";  // hashlib's name; each line's digest length is its own
  bool ignore_missing = false;       // --ignore-missing: a missing file is skipped, not counted
  bool strict = false;               // --strict: an improperly formatted line fails the check
  unsigned jobs = 1;                 // files read at a time (one when a line names "-": stdin)
};

// One line's outcome. Skipped lines (comments, blank lines) and missing files that
// --ignore-missing skips have none.
struct CheckedLine {
  enum class Status { malformed, ok, mismatch, unreadable };
  Status status = Status::malformed;
  std::uintmax_t line = 0;     // 1-based
  std::string name;            // the file named, unescaped (empty for a malformed line)
  std::optional<Error> error;  // unreadable: the system's reason ("Permission denied")
};

// A manifest's counters, as coreutils' digest_check keeps them, and its verdict.
struct CheckReport {
  std::uintmax_t lines = 0;         // lines read
  std::uintmax_t misformatted = 0;  // improperly formatted lines
  std::uintmax_t verified = 0;      // files whose checksum matched
  std::uintmax_t mismatched = 0;    // files whose checksum did NOT match
  std::uintmax_t unreadable = 0;    // files that could not be opened or read
  std::uintmax_t ignored = 0;       // missing files skipped by --ignore-missing
  // passed: coreutils' rule: some line was properly formatted, some file matched, none
  // mismatched or was unreadable, and (with --strict) no line was improperly formatted.
  bool passed = false;
  [[nodiscard]] bool properly_formatted() const {
    return verified + mismatched + unreadable + ignored != 0;
  }
};

// check_manifest(path, parser, options, on_line): the manifest at path ("-": standard input)
// read line by line through parser, each listed file hashed (options.jobs at a time) and
// compared; on_line gets every line's outcome in manifest order, on the calling thread. The
// parser is the caller's because coreutils keeps its "HEX  NAME" or "HEX NAME" decision across
// all the manifests of a run. Errors: hash.manifest_open (the message is the system's reason,
// "No such file or directory") and hash.manifest_read ("read error", after the lines before
// it were handed over).
[[nodiscard]] Result<CheckReport> check_manifest(
    const std::string& path, ManifestParser& parser, const CheckOptions& options,
    const std::function<void(const CheckedLine&)>& on_line);

// ---- Files to checksum ---------------------------------------------------------------------

// FileDigest: a file's hex digest, or why it could not be read (the system's reason alone).
struct FileDigest {
  std::string hex;
  std::optional<Error> error;
};

// digest_files(paths, algorithm, digest_size, jobs, on_file): every file hashed, up to `jobs`
// at a time, and on_file(i, digest) called on the calling thread for i = 0, 1, … in order.
// "-" is standard input, read where it stands among the paths (then one file at a time).
// digest_size is in bytes, 0 for the algorithm's own.
void digest_files(const std::vector<std::string>& paths, const std::string& algorithm,
                  std::size_t digest_size, unsigned jobs,
                  const std::function<void(std::size_t, FileDigest&)>& on_file);

struct ExpandedOperands {
  std::vector<std::string> files;
  std::vector<std::pair<std::string, Error>> problems;  // a directory that could not be walked
};

// expand_operands(operands, recursive): the operands in order; with recursive, a directory
// among them is replaced by every file below it (not following links to directories), sorted
// bytewise. "-" and anything that is not a directory stay as they are, for the reader to judge.
// A directory that fails part way gives the files found and a problem with the system's reason.
[[nodiscard]] ExpandedOperands expand_operands(const std::vector<std::string>& operands,
                                               bool recursive);

}  // namespace kit::hash
