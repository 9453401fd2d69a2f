// kit sum — checksums of files, exactly as GNU coreutils' md5sum, sha*sum and b2sum (9.1) print
// and check them; kit's own extras: any hashlib algorithm (-a), directories (-r), parallel
// hashing (-j), the tutorial's verifier (--expect) and --json.
//
// Options are parsed with getopt_long, as coreutils does, so bundling, abbreviations and
// messages are the same. Run through a symlink named md5sum, sha1sum, sha224sum, sha256sum,
// sha384sum, sha512sum or b2sum, kit is that program (its options, its name in messages).
// Docs: docs/commands/sum.md.
//
// usage: kit sum [-a ALGO] [-b|-t] [--tag] [-z] [-r] [-j N] [--json] [FILE]...
//        kit sum -c [--quiet|--status|-w] [--strict] [--ignore-missing] [MANIFEST]...
//        kit sum [-a ALGO] --expect HEX FILE
#include <getopt.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "kit/core/output.hpp"
#include "kit/core/parallel.hpp"
#include "kit/core/file.hpp"
#include "kit/core/text.hpp"
#include "kit/hash.hpp"
#include "kit/hash/checksum.hpp"

#ifndef KIT_VERSION
#define KIT_VERSION "0.0.0"
#endif

namespace kit::cli {

namespace {

namespace hash = kit::hash;

// Who kit is for this run: `kit sum`, or one of the coreutils programs it stands in for.
struct Personality {
  std::string_view name;       // sha256sum, or "" for kit sum
  std::string_view algorithm;  // hashlib's name
  std::string_view tag;        // --tag's name
  std::string_view bits;       // "(256-bit)" for --help
};

constexpr Personality personalities[] = {
    {"md5sum", "md5", "MD5", "128-bit"},          {"sha1sum", "sha1", "SHA1", "160-bit"},
    {"sha224sum", "sha224", "SHA224", "224-bit"}, {"sha256sum", "sha256", "SHA256", "256-bit"},
    {"sha384sum", "sha384", "SHA384", "384-bit"}, {"sha512sum", "sha512", "SHA512", "512-bit"},
    {"b2sum", "blake2b", "BLAKE2b", "512-bit"},
};

// The --tag name kit sum uses for an algorithm: coreutils' where it has one.
std::string tag_for(std::string_view algorithm) {
  for (const Personality& p : personalities)
    if (p.algorithm == algorithm) return std::string(p.tag);
  if (algorithm == "blake2s") return "BLAKE2s";
  if (algorithm == "xxh3_64") return "XXH3";
  std::string tag(algorithm);
  for (char& c : tag) c = c == '_' ? '-' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (tag.starts_with("SHAKE-")) tag.erase(5, 1);  // SHAKE128
  return tag;
}

enum LongOnly : int {
  opt_tag = 256, opt_ignore_missing, opt_quiet, opt_status, opt_strict, opt_help, opt_version,
  opt_expect, opt_json,
};

struct SumOptions {
  std::string program;    // in messages: argv[0] for a personality, "kit sum" otherwise
  bool kit = true;        // kit's extras allowed
  bool variable = false;  // -l BITS allowed (blake2b)
  std::string algorithm = "sha256";
  std::string tag = "SHA256";
  std::uintmax_t length_bits = 0;  // -l; 0: the algorithm's whole digest
  std::string length_text;         // -l as given, for its message
  int binary = -1;                 // -1 unset, 0 -t, 1 -b
  bool tagged = false, zero = false, check = false;
  bool ignore_missing = false, quiet = false, status = false, strict = false, warn = false;
  bool recursive = false, json = false;
  unsigned jobs = 0;  // 0: every core
  std::optional<std::string> expect;
  std::vector<std::string> operands;
};

void try_help(const SumOptions& o) {
  fmt::print(stderr, "Try '{} --help' for more information.\n", o.program);
}

// usage_error(o, message): coreutils' usage(EXIT_FAILURE) after error(0, 0, message).
int usage_error(const SumOptions& o, std::string_view message) {
  fmt::print(stderr, "{}: {}\n", o.program, message);
  try_help(o);
  return EXIT_FAILURE;
}

void print_help(const SumOptions& o, const Personality* p) {
  std::string what = p != nullptr ? fmt::format("{} ({})", p->tag, p->bits) : "file";
  fmt::print(
      "Usage: {} [OPTION]... [FILE]...\n"
      "Print or check {} checksums.\n\n"
      "With no FILE, or when FILE is -, read standard input.\n\n",
      o.program, what);
  if (o.kit)
    std::fputs(
        "  -a, --algorithm=NAME  md5, sha1, sha224, sha256 (default), sha384, sha512,\n"
        "                          sha3_224, sha3_256, sha3_384, sha3_512, blake2b, blake2s,\n"
        "                          shake_128, shake_256 (need -l), xxh3_64, xxh128\n",
        stdout);
  std::fputs("  -b, --binary          read in binary mode\n"
             "  -c, --check           read checksums from the FILEs and check them\n",
             stdout);
  if (o.variable)
    std::fputs("  -l, --length=BITS     digest length in bits; a multiple of 8\n", stdout);
  std::fputs(
      "      --tag             create a BSD-style checksum\n"
      "  -t, --text            read in text mode (default)\n"
      "  -z, --zero            end each output line with NUL, not newline,\n"
      "                          and disable file name escaping\n",
      stdout);
  if (o.kit)
    std::fputs(
        "  -r, --recursive       hash every file below the DIRECTORY operands, sorted\n"
        "  -j, --jobs=N          hash N files at a time (default: one per core)\n"
        "      --expect=HEX      with one FILE: print ALGO: HEX and Verification: PASS|FAIL\n"
        "      --json            JSON Lines: one record per file, then a summary\n",
        stdout);
  std::fputs(
      "\nThe following five options are useful only when verifying checksums:\n"
      "      --ignore-missing  don't fail or report status for missing files\n"
      "      --quiet           don't print OK for each successfully verified file\n"
      "      --status          don't output anything, status code shows success\n"
      "      --strict          exit non-zero for improperly formatted checksum lines\n"
      "  -w, --warn            warn about improperly formatted checksum lines\n\n"
      "      --help        display this help and exit\n"
      "      --version     output version information and exit\n",
      stdout);
}

// parse_length(text): b2sum's -l: decimal (leading blanks and '+' allowed), nothing after.
std::optional<std::uintmax_t> parse_length(const SumOptions& o, const char* text, bool& overflow) {
  overflow = false;
  const char* p = text;
  while (std::isspace(static_cast<unsigned char>(*p))) ++p;
  if (*p == '-') return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const std::uintmax_t v = std::strtoumax(p, &end, 10);
  if (end == p || *end != '\0') return std::nullopt;
  if (errno == ERANGE) {
    overflow = true;
    return std::nullopt;
  }
  (void)o;
  return v;
}

// sum_getopt_table(length, kit): the options a personality (with --length for b2sum) or
// `kit sum` (kit) accepts.
GetoptTable sum_getopt_table(bool length, bool kit) {
  // coreutils' table order: glibc lists an ambiguous prefix's candidates in this order.
  std::vector<option> longs;
  std::string shorts = "bctwz";
  if (length) {
    longs.push_back({"length", required_argument, nullptr, 'l'});
    shorts = "l:" + shorts;
  }
  longs.insert(longs.end(), {
      {"check", no_argument, nullptr, 'c'},
      {"ignore-missing", no_argument, nullptr, opt_ignore_missing},
      {"quiet", no_argument, nullptr, opt_quiet},
      {"status", no_argument, nullptr, opt_status},
      {"warn", no_argument, nullptr, 'w'},
      {"strict", no_argument, nullptr, opt_strict},
      {"tag", no_argument, nullptr, opt_tag},
      {"zero", no_argument, nullptr, 'z'},
      {"binary", no_argument, nullptr, 'b'},
      {"text", no_argument, nullptr, 't'},
      {"help", no_argument, nullptr, opt_help},
      {"version", no_argument, nullptr, opt_version},
  });
  if (kit) {
    longs.push_back({"algorithm", required_argument, nullptr, 'a'});
    longs.push_back({"recursive", no_argument, nullptr, 'r'});
    longs.push_back({"jobs", required_argument, nullptr, 'j'});
    longs.push_back({"expect", required_argument, nullptr, opt_expect});
    longs.push_back({"json", no_argument, nullptr, opt_json});
    shorts = "a:j:r" + shorts;
  }
  longs.push_back({nullptr, 0, nullptr, 0});
  return {std::move(longs), std::move(shorts)};
}

// parse_args: getopt_long over argv as coreutils' digest.c does. Returns an exit code when the
// run ends here (usage error, --help, --version).
std::optional<int> parse_args(SumOptions& o, const Personality* p, int argc, char** argv) {
  GetoptTable table = sum_getopt_table(o.variable || o.kit, o.kit);
  std::vector<option>& longs = table.longs;
  const std::string& shorts = table.shorts;

  // getopt prints its messages with argv[0]: give it the program's name.
  std::vector<char*> args(argv, argv + argc);
  args[0] = o.program.data();
  args.push_back(nullptr);
  optind = 0;  // a fresh scan (glibc)
  opterr = 1;
  int c;
  while ((c = getopt_long(argc, args.data(), shorts.c_str(), longs.data(), nullptr)) != -1) {
    switch (c) {
      case 'a': {
        auto name = hash::canonical_algorithm(optarg);
        if (!name) {
          fmt::print(stderr, "{}: {}\n", o.program, name.error().message);
          return core::exit_usage;
        }
        o.algorithm = *name;
        o.tag = tag_for(o.algorithm);
        o.variable = o.algorithm == "blake2b" || o.algorithm == "blake2s" ||
                     o.algorithm.starts_with("shake");
        break;
      }
      case 'b': o.binary = 1; break;
      case 'c': o.check = true; break;
      case 'j': {
        auto n = core::parse_int(optarg);
        if (!n || *n < 1 || *n > 1024) {
          fmt::print(stderr, "{}: invalid number of jobs: '{}'\n", o.program, optarg);
          return core::exit_usage;
        }
        o.jobs = static_cast<unsigned>(*n);
        break;
      }
      case 'l': {
        bool overflow = false;
        auto bits = parse_length(o, optarg, overflow);
        if (!bits) {
          if (overflow)
            fmt::print(stderr, "{}: invalid length: '{}': Value too large for defined data type\n",
                       o.program, optarg);
          else
            fmt::print(stderr, "{}: invalid length: '{}'\n", o.program, optarg);
          return EXIT_FAILURE;
        }
        if (*bits % 8 != 0) {
          fmt::print(stderr, "{}: invalid length: '{}'\n{}: length is not a multiple of 8\n",
                     o.program, optarg, o.program);
          return EXIT_FAILURE;
        }
        o.length_bits = *bits;
        o.length_text = optarg;
        break;
      }
      case 'r': o.recursive = true; break;
      case 't': o.binary = 0; break;
      case 'w': o.status = false, o.warn = true, o.quiet = false; break;
      case 'z': o.zero = true; break;
      case opt_ignore_missing: o.ignore_missing = true; break;
      case opt_quiet: o.status = false, o.warn = false, o.quiet = true; break;
      case opt_status: o.status = true, o.warn = false, o.quiet = false; break;
      case opt_strict: o.strict = true; break;
      case opt_tag: o.tagged = true, o.binary = 1; break;
      case opt_expect: o.expect = optarg; break;
      case opt_json: o.json = true; break;
      case opt_help: print_help(o, p); return EXIT_SUCCESS;
      case opt_version:
        fmt::print("{} (kit) {}\n", p != nullptr ? p->name : "kit sum", KIT_VERSION);
        return EXIT_SUCCESS;
      default: try_help(o); return EXIT_FAILURE;
    }
  }
  for (int i = optind; i < argc; ++i) o.operands.emplace_back(args[static_cast<std::size_t>(i)]);

  // The checks coreutils makes once every option is read, in its order.
  const std::size_t max_bits = o.algorithm.starts_with("shake") ? (std::size_t{1} << 27)
                               : o.algorithm == "blake2s"      ? 256
                                                               : 512;
  if (o.variable && o.length_bits > max_bits) {
    fmt::print(stderr, "{}: invalid length: '{}'\n{}: maximum digest length for '{}' is {} bits\n",
               o.program, o.length_text, o.program, o.tag, max_bits);
    return EXIT_FAILURE;
  }
  if (!o.variable && o.length_bits != 0)
    return usage_error(o, fmt::format("--length is not supported for {}", o.algorithm));
  if (o.algorithm.starts_with("shake") && o.length_bits == 0)
    return usage_error(o, fmt::format("{} needs --length=BITS", o.algorithm));
  if (o.tagged && o.binary == 0) return usage_error(o, "--tag does not support --text mode");
  if (o.zero && o.check)
    return usage_error(o, "the --zero option is not supported when verifying checksums");
  if (o.tagged && o.check)
    return usage_error(o, "the --tag option is meaningless when verifying checksums");
  if (o.binary >= 0 && o.check)
    return usage_error(o, "the --binary and --text options are meaningless when verifying "
                          "checksums");
  if (o.ignore_missing && !o.check)
    return usage_error(o, "the --ignore-missing option is meaningful only when verifying "
                          "checksums");
  if (o.status && !o.check)
    return usage_error(o, "the --status option is meaningful only when verifying checksums");
  if (o.warn && !o.check)
    return usage_error(o, "the --warn option is meaningful only when verifying checksums");
  if (o.quiet && !o.check)
    return usage_error(o, "the --quiet option is meaningful only when verifying checksums");
  if (o.strict && !o.check)
    return usage_error(o, "the --strict option is meaningful only when verifying checksums");
  if (o.expect && (o.check || o.operands.size() != 1))
    return usage_error(o, "--expect needs exactly one FILE and no --check");
  if (o.recursive && o.check)
    return usage_error(o, "--recursive and --check cannot be combined");
  return std::nullopt;
}

// The digest length in bytes for this run.
std::size_t digest_bytes(const SumOptions& o) {
  return static_cast<std::size_t>(o.length_bits / 8);
}

// A hash of one file, or why not.
struct FileDigest {
  std::string hex;
  std::optional<Error> error;
};

FileDigest digest_of(const SumOptions& o, const std::string& path, std::size_t bytes) {
  auto hasher = hash::Hasher::create(o.algorithm, bytes);
  if (!hasher) return {{}, hasher.error()};
  if (auto r = hash::hash_file(*hasher, path); !r) return {{}, r.error()};
  return {hasher->hexdigest(), std::nullopt};
}

// report(o, name, reason): `PROG: NAME: reason`, NAME quoted as coreutils' quotef does.
void report(const SumOptions& o, std::string_view name, std::string_view reason) {
  static const bool utf8 = core::locale_is_utf8();
  fmt::print(stderr, "{}: {}: {}\n", o.program, core::quote_shell(name, utf8), reason);
}

// expand(o): the operands, with -r's directories replaced by every file below them, sorted.
std::vector<std::string> expand(const SumOptions& o, bool& ok) {
  std::vector<std::string> files;
  for (const std::string& operand : o.operands) {
    std::error_code ec;
    if (!o.recursive || operand == "-" || !std::filesystem::is_directory(operand, ec)) {
      files.push_back(operand);
      continue;
    }
    std::vector<std::string> below;
    std::filesystem::recursive_directory_iterator it(operand, ec), end;
    for (; !ec && it != end; it.increment(ec))
      if (!it->is_directory(ec)) below.push_back(it->path().string());
    if (ec) {
      report(o, operand, ec.message());
      ok = false;
    }
    std::sort(below.begin(), below.end());
    files.insert(files.end(), below.begin(), below.end());
  }
  return files;
}

int hash_files(const SumOptions& o) {
  bool ok = true;
  std::vector<std::string> files = expand(o, ok);
  if (files.empty() && !o.recursive) files.emplace_back("-");
  // BLAKE2 of a shorter length is tagged with it, as b2sum does: "BLAKE2b-256 (NAME) = …".
  const bool shortened = o.algorithm.starts_with("blake2") &&
                         o.length_bits < 8 * hash::Hasher::create(o.algorithm)->digest_size();
  const hash::ChecksumStyle style{o.tag + (shortened ? fmt::format("-{}", o.length_bits) : ""),
                                  o.tagged, o.binary == 1, o.zero};
  const std::size_t bytes = digest_bytes(o);
  core::Output out({.json = o.json, .command = "sum"});
  // Standard input must be read where it stands among the operands: then one at a time.
  const bool reads_stdin = std::find(files.begin(), files.end(), "-") != files.end();
  const unsigned jobs = reads_stdin ? 1 : o.jobs != 0 ? o.jobs : core::hardware_jobs();
  std::size_t failed = 0;
  std::string pending;  // lines are written in blocks
  core::for_each_ordered(
      files.size(), jobs, [&](std::size_t i) { return digest_of(o, files[i], bytes); },
      [&](std::size_t i, FileDigest d) {
        if (d.error) {
          ++failed;
          ok = false;
          if (o.json) {
            out.record({{"file", core::json_text(files[i])}, {"error", d.error->message}});
          } else {
            out.text(pending);
            pending.clear();
            std::fflush(stdout);
            report(o, files[i], d.error->message);
          }
          return;
        }
        if (o.json) {
          out.record({{"file", core::json_text(files[i])}, {"algorithm", o.algorithm},
                      {"digest", d.hex}});
        } else if (o.expect) {
          const bool pass = hash::compare_digest(core::ascii_lower(d.hex),
                                                 core::ascii_lower(*o.expect));
          std::string upper = o.algorithm;
          for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          pending += fmt::format("{}: {}\nVerification: {}\n", upper, d.hex, pass ? "PASS" : "FAIL");
          ok = ok && pass;
        } else {
          pending += hash::checksum_line(d.hex, files[i], style);
          if (pending.size() >= 1 << 16) {
            out.text(pending);
            pending.clear();
          }
        }
      });
  out.text(pending);
  if (o.json) out.summary({{"files", files.size()}, {"failed", failed}});
  const int written = out.finish();
  if (written != core::exit_ok) return written;
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

// check_manifest(o, parser, name): one manifest checked as coreutils' digest_check does. The
// parser lives across manifests: coreutils decides "HEX  NAME" or "HEX NAME" once per run.
bool check_manifest(const SumOptions& o, hash::ManifestParser& parser,
                    const std::string& manifest) {
  const bool is_stdin = manifest == "-";
  const std::string shown = is_stdin ? "standard input" : manifest;
  std::string text;
  if (is_stdin) {
    auto read = core::read_file("-");
    text = read ? std::move(*read) : std::string();
  } else {
    std::FILE* f = std::fopen(manifest.c_str(), "rb");
    if (f == nullptr) {
      report(o, manifest, std::strerror(errno));
      return false;
    }
    char buffer[65536];
    std::size_t got;
    while ((got = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, got);
    const bool failed = std::ferror(f) != 0;
    std::fclose(f);
    if (failed) {
      static const bool utf8 = core::locale_is_utf8();
      fmt::print(stderr, "{}: {}: read error\n", o.program, core::quote_shell(shown, utf8));
      return false;
    }
  }

  parser.set_from_stdin(is_stdin);
  std::uintmax_t line_number = 0, misformatted = 0, mismatched = 0, unreadable = 0;
  bool properly_formatted = false, matched = false;
  std::string out;
  auto flush = [&] {
    std::fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
  };
  hash::ChecksumEntry entry;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    std::string_view line(text.data() + at, (end == std::string::npos ? text.size() : end) - at);
    at = end == std::string::npos ? text.size() : end + 1;
    ++line_number;
    const auto kind = parser.parse(line, entry);
    if (kind == hash::ManifestParser::Kind::skipped) continue;
    if (kind == hash::ManifestParser::Kind::malformed) {
      ++misformatted;
      if (o.warn) {
        flush();
        static const bool utf8 = core::locale_is_utf8();
        fmt::print(stderr, "{}: {}: {}: improperly formatted {} checksum line\n", o.program,
                   core::quote_shell(shown, utf8), line_number, o.tag);
      }
      continue;
    }
    properly_formatted = true;
    FileDigest d = digest_of(o, entry.name, o.algorithm == "blake2b" ? entry.hex_length / 2
                                                                      : digest_bytes(o));
    const std::string name = hash::check_name(entry.name);
    if (d.error) {
      if (o.ignore_missing && d.error->kind == ErrorKind::not_found) continue;
      flush();
      report(o, entry.name, d.error->message);
      ++unreadable;
      if (!o.status) out += name + ": FAILED open or read\n";
      continue;
    }
    const bool match = core::ascii_lower(d.hex) == core::ascii_lower(entry.hex);
    if (match) matched = true;
    else ++mismatched;
    if (!o.status && (!match || !o.quiet)) out += name + (match ? ": OK\n" : ": FAILED\n");
  }
  flush();
  static const bool utf8 = core::locale_is_utf8();
  if (!properly_formatted) {
    fmt::print(stderr, "{}: {}: no properly formatted checksum lines found\n", o.program,
               core::quote_shell(shown, utf8));
  } else {
    if (!o.status) {
      auto warn = [&](std::uintmax_t n, std::string_view one, std::string_view many) {
        if (n != 0)
          fmt::print(stderr, "{}: WARNING: {} {}\n", o.program, n, n == 1 ? one : many);
      };
      std::fflush(stdout);
      warn(misformatted, "line is improperly formatted", "lines are improperly formatted");
      warn(unreadable, "listed file could not be read", "listed files could not be read");
      warn(mismatched, "computed checksum did NOT match", "computed checksums did NOT match");
      if (o.ignore_missing && !matched)
        fmt::print(stderr, "{}: {}: no file was verified\n", o.program,
                   core::quote_shell(shown, utf8));
    }
  }
  return properly_formatted && matched && mismatched == 0 && unreadable == 0 &&
         (!o.strict || misformatted == 0);
}

int check_files(const SumOptions& o) {
  std::vector<std::string> manifests = o.operands;
  if (manifests.empty()) manifests.emplace_back("-");
  const bool b2 = o.algorithm == "blake2b";  // b2sum reads lines of any digest length
  hash::ManifestParser parser({o.tag, b2 ? 128 : 2 * digest_bytes(o), b2, false});
  bool ok = true;
  for (const std::string& m : manifests) ok = check_manifest(o, parser, m) && ok;
  return std::fflush(stdout) == 0 && ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

}  // namespace

GetoptTable getopt_table_sum() { return sum_getopt_table(true, true); }

int main_sum(std::string_view program, int argc, char** argv) {
  SumOptions o;
  o.program = std::string(program);
  const Personality* p = nullptr;
  const std::string_view base = program.substr(program.rfind('/') + 1);
  for (const Personality& candidate : personalities)
    if (candidate.name == base) p = &candidate;
  if (p != nullptr) {
    o.kit = false;
    o.algorithm = std::string(p->algorithm);
    o.tag = std::string(p->tag);
    o.variable = p->algorithm == "blake2b";
  }
  if (auto done = parse_args(o, p, argc, argv)) return *done;
  if (o.length_bits == 0)  // shake has none and was refused above
    o.length_bits = 8 * hash::Hasher::create(o.algorithm)->digest_size();
  return o.check ? check_files(o) : hash_files(o);
}

bool is_sum_personality(std::string_view name) {
  return std::any_of(std::begin(personalities), std::end(personalities),
                     [&](const Personality& p) { return p.name == name; });
}

}  // namespace kit::cli
