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
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

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
  std::string hex;   // as written, either case
  std::string name;  // unescaped
  std::size_t hex_length = 0;  // the digest's length in hex digits (b2sum's lines vary)
};

// The algorithm a manifest is read for.
struct ManifestFormat {
  std::string tag;              // "SHA256", "BLAKE2b"
  std::size_t hex_length = 0;   // the digest's hex length; for variable ones the largest
  bool variable_length = false; // b2sum: "BLAKE2b-N (…)" and untagged lines of any even length
  bool from_stdin = false;      // a line naming "-" is then malformed
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

}  // namespace kit::hash
