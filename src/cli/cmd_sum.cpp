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
//        kit sum -c [--quiet|--status|-w] [--strict] [--ignore-missing] [-j N] [MANIFEST]...
//        kit sum [-a ALGO] --expect HEX FILE
#include <getopt.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "kit/core/output.hpp"
#include "kit/core/parallel.hpp"
#include "kit/core/text.hpp"
#include "kit/hash.hpp"
#include "kit/hash/checksum.hpp"

#ifndef KIT_VERSION
#define KIT_VERSION "0.0.0"
#endif

namespace kit::cli {

namespace {

namespace hash = kit::hash;

// The coreutils programs kit stands in for, by the name it is run as, and their algorithm.
constexpr std::pair<std::string_view, std::string_view> personalities[] = {
    {"md5sum", "md5"},       {"sha1sum", "sha1"},     {"sha224sum", "sha224"},
    {"sha256sum", "sha256"}, {"sha384sum", "sha384"}, {"sha512sum", "sha512"},
    {"b2sum", "blake2b"},
};

enum LongOnly : int {
  opt_tag = 256,
  opt_ignore_missing,
  opt_quiet,
  opt_status,
  opt_strict,
  opt_help,
  opt_version,
  opt_expect,
  opt_json,
};

struct SumOptions {
  std::string program;           // in messages: argv[0] for a personality, "kit sum" otherwise
  std::string_view personality;  // "sha256sum", or empty for kit sum (whose extras it allows)
  hash::AlgorithmInfo algorithm;
  std::uintmax_t length_bits = 0;  // -l; 0: the algorithm's whole digest
  std::string length_text;         // -l as given, for its message
  int binary = -1;                 // -1 unset, 0 -t, 1 -b
  bool tagged = false, zero = false, check = false, ignore_missing = false, strict = false;
  bool recursive = false, json = false;
  int verbosity = 0;  // 'w', opt_quiet or opt_status: the last of them given
  unsigned jobs = 0;  // 0: every core
  std::optional<std::string> expect;
  std::vector<std::string> operands;
  bool kit() const { return personality.empty(); }
  bool warn() const { return verbosity == 'w'; }
  bool quiet() const { return verbosity == opt_quiet; }
  bool status() const { return verbosity == opt_status; }
};

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// usage_error(o, message): coreutils' usage(EXIT_FAILURE) after error(0, 0, message).
int usage_error(const SumOptions& o, std::string_view message) {
  fmt::print(stderr, "{}: {}\nTry '{} --help' for more information.\n", o.program, message,
             o.program);
  return EXIT_FAILURE;
}

// report(o, name, reason): `PROG: NAME: reason`, NAME quoted as coreutils' quotef does.
void report(const SumOptions& o, std::string_view name, std::string_view reason) {
  static const bool utf8 = core::locale_is_utf8();
  fmt::print(stderr, "{}: {}: {}\n", o.program, core::quote_shell(name, utf8), reason);
}

void print_help(const SumOptions& o) {
  const std::string what =
      o.kit() ? "file" : fmt::format("{} ({}-bit)", o.algorithm.tag, 8 * o.algorithm.digest_size);
  std::string text = fmt::format(
      "Usage: {} [OPTION]... [FILE]...\nPrint or check {} checksums.\n\n"
      "With no FILE, or when FILE is -, read standard input.\n\n",
      o.program, what);
  if (o.kit())
    text +=
        "  -a, --algorithm=NAME  md5, sha1, sha224, sha256 (default), sha384, sha512,\n"
        "                          sha3_224, sha3_256, sha3_384, sha3_512, blake2b, blake2s,\n"
        "                          shake_128, shake_256 (need -l), xxh3_64, xxh128\n";
  text +=
      "  -b, --binary          read in binary mode\n"
      "  -c, --check           read checksums from the FILEs and check them\n";
  if (o.algorithm.variable_length)
    text += "  -l, --length=BITS     digest length in bits; a multiple of 8\n";
  text +=
      "      --tag             create a BSD-style checksum\n"
      "  -t, --text            read in text mode (default)\n"
      "  -z, --zero            end each output line with NUL, not newline,\n"
      "                          and disable file name escaping\n";
  if (o.kit())
    text +=
        "  -r, --recursive       hash every file below the DIRECTORY operands, sorted\n"
        "  -j, --jobs=N          hash N files at a time (default: one per core)\n"
        "      --expect=HEX      with one FILE: print ALGO: HEX and Verification: PASS|FAIL\n"
        "      --json            JSON Lines: one record per file, then a summary\n";
  text +=
      "\nThe following five options are useful only when verifying checksums:\n"
      "      --ignore-missing  don't fail or report status for missing files\n"
      "      --quiet           don't print OK for each successfully verified file\n"
      "      --status          don't output anything, status code shows success\n"
      "      --strict          exit non-zero for improperly formatted checksum lines\n"
      "  -w, --warn            warn about improperly formatted checksum lines\n\n"
      "      --help        display this help and exit\n"
      "      --version     output version information and exit\n";
  std::fputs(text.c_str(), stdout);
}

// parse_length(text): b2sum's -l: decimal (leading blanks and '+' allowed), nothing after;
// nullopt with `overflow` set when it does not fit.
std::optional<std::uintmax_t> parse_length(const char* text, bool& overflow) {
  overflow = false;
  while (std::isspace(static_cast<unsigned char>(*text))) ++text;
  if (*text == '-') return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const std::uintmax_t v = std::strtoumax(text, &end, 10);
  if (end == text || *end != '\0') return std::nullopt;
  overflow = errno == ERANGE;
  return overflow ? std::nullopt : std::optional(v);
}

// check_usage(o): the checks coreutils makes once every option is read, in its order.
std::optional<int> check_usage(SumOptions& o) {
  const hash::AlgorithmInfo& a = o.algorithm;
  if (a.variable_length && o.length_bits > a.max_bits) {
    fmt::print(stderr, "{}: invalid length: '{}'\n{}: maximum digest length for '{}' is {} bits\n",
               o.program, o.length_text, o.program, a.tag, a.max_bits);
    return EXIT_FAILURE;
  }
  if (!a.variable_length && o.length_bits != 0)
    return usage_error(o, fmt::format("--length is not supported for {}", a.name));
  if (a.digest_size == 0 && o.length_bits == 0)
    return usage_error(o, fmt::format("{} needs --length=BITS", a.name));
  if (o.tagged && o.binary == 0) return usage_error(o, "--tag does not support --text mode");
  if (o.zero && o.check)
    return usage_error(o, "the --zero option is not supported when verifying checksums");
  if (o.tagged && o.check)
    return usage_error(o, "the --tag option is meaningless when verifying checksums");
  if (o.binary >= 0 && o.check)
    return usage_error(o,
                       "the --binary and --text options are meaningless when verifying "
                       "checksums");
  for (auto [set, name] : {std::pair{o.ignore_missing, "--ignore-missing"},
                           {o.status(), "--status"},
                           {o.warn(), "--warn"},
                           {o.quiet(), "--quiet"},
                           {o.strict, "--strict"}})
    if (set && !o.check)
      return usage_error(
          o, fmt::format("the {} option is meaningful only when verifying checksums", name));
  if (o.expect && (o.check || o.operands.size() != 1))
    return usage_error(o, "--expect needs exactly one FILE and no --check");
  if (o.recursive && o.check) return usage_error(o, "--recursive and --check cannot be combined");
  if (o.length_bits == 0) o.length_bits = 8 * a.digest_size;
  // The tutorial's verifier compares with a real digest: anything else is a mistake, not a FAIL.
  const std::size_t digits = static_cast<std::size_t>(o.length_bits / 4);
  if (o.expect &&
      (o.expect->size() != digits || !std::all_of(o.expect->begin(), o.expect->end(), [](char c) {
         return std::isxdigit(static_cast<unsigned char>(c));
       }))) {
    const std::string what =
        o.length_text.empty() ? a.name : fmt::format("{}-bit {}", o.length_bits, a.name);
    fmt::print(stderr, "{}: invalid --expect value '{}': a {} digest is {} hex digits\n", o.program,
               *o.expect, what, digits);
    return core::exit_usage;
  }
  return std::nullopt;
}

// parse_args: getopt_long over argv as coreutils' digest.c does. Returns an exit code when the
// run ends here (usage error, --help, --version).
std::optional<int> parse_args(SumOptions& o, int argc, char** argv) {
  // coreutils' table order: glibc lists an ambiguous prefix's candidates in this order.
  std::vector<option> longs;
  std::string shorts = "bctwz";
  if (o.algorithm.variable_length || o.kit()) {
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
  if (o.kit()) {
    longs.push_back({"algorithm", required_argument, nullptr, 'a'});
    longs.push_back({"recursive", no_argument, nullptr, 'r'});
    longs.push_back({"jobs", required_argument, nullptr, 'j'});
    longs.push_back({"expect", required_argument, nullptr, opt_expect});
    longs.push_back({"json", no_argument, nullptr, opt_json});
    shorts = "a:j:r" + shorts;
  }
  longs.push_back({nullptr, 0, nullptr, 0});

  // getopt prints its messages with argv[0]: give it the program's name.
  std::vector<char*> args(argv, argv + argc);
  args[0] = o.program.data();
  args.push_back(nullptr);
  optind = 0;  // a fresh scan (glibc)
  opterr = 1;
  // The options that only switch something on.
  constexpr std::pair<int, bool SumOptions::*> switches[] = {
      {'c', &SumOptions::check},         {'r', &SumOptions::recursive},
      {'z', &SumOptions::zero},          {opt_ignore_missing, &SumOptions::ignore_missing},
      {opt_strict, &SumOptions::strict}, {opt_json, &SumOptions::json}};
  int c;
  while ((c = getopt_long(argc, args.data(), shorts.c_str(), longs.data(), nullptr)) != -1) {
    if (auto* flag = std::find_if(std::begin(switches), std::end(switches),
                                  [&](const auto& f) { return f.first == c; });
        flag != std::end(switches)) {
      o.*(flag->second) = true;
      continue;
    }
    switch (c) {
      case 'a': {
        auto info = hash::algorithm_info(optarg);
        if (!info) {
          fmt::print(stderr, "{}: {}\n", o.program, info.error().message);
          return core::exit_usage;
        }
        o.algorithm = std::move(*info);
        break;
      }
      case 'b':
      case opt_tag:
        o.binary = 1;
        o.tagged = o.tagged || c == opt_tag;
        break;
      case 't':
        o.binary = 0;
        break;
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
        auto bits = parse_length(optarg, overflow);
        if (!bits || *bits % 8 != 0) {
          fmt::print(stderr, "{}: invalid length: '{}'{}\n", o.program, optarg,
                     overflow ? ": Value too large for defined data type" : "");
          if (bits) fmt::print(stderr, "{}: length is not a multiple of 8\n", o.program);
          return EXIT_FAILURE;
        }
        o.length_bits = *bits;
        o.length_text = optarg;
        break;
      }
      case 'w':
      case opt_quiet:
      case opt_status:
        o.verbosity = c;
        break;
      case opt_expect:
        o.expect = optarg;
        break;
      case opt_help:
        print_help(o);
        return EXIT_SUCCESS;
      case opt_version:
        fmt::print("{} (kit) {}\n", o.kit() ? "kit sum" : o.personality, KIT_VERSION);
        return EXIT_SUCCESS;
      default:
        fmt::print(stderr, "Try '{} --help' for more information.\n", o.program);
        return EXIT_FAILURE;
    }
  }
  for (int i = optind; i < argc; ++i) o.operands.emplace_back(args[static_cast<std::size_t>(i)]);
  return check_usage(o);
}

int hash_files(const SumOptions& o) {
  hash::ExpandedOperands expanded = hash::expand_operands(o.operands, o.recursive);
  for (const auto& [operand, error] : expanded.problems) report(o, operand, error.message);
  bool ok = expanded.problems.empty();
  std::vector<std::string>& files = expanded.files;
  if (files.empty() && !o.recursive) files.emplace_back("-");
  // BLAKE2 of a shorter length is tagged with it, as b2sum does: "BLAKE2b-256 (NAME) = …".
  const bool shortened =
      o.algorithm.name.starts_with("blake2") && o.length_bits < 8 * o.algorithm.digest_size;
  const hash::ChecksumStyle style{
      o.algorithm.tag + (shortened ? fmt::format("-{}", o.length_bits) : ""), o.tagged,
      o.binary == 1, o.zero};
  core::Output out({.json = o.json, .command = "sum"});
  std::size_t failed = 0;
  std::string pending;  // lines are written in blocks
  hash::digest_files(
      files, o.algorithm.name, static_cast<std::size_t>(o.length_bits / 8),
      o.jobs != 0 ? o.jobs : core::hardware_jobs(), [&](std::size_t i, hash::FileDigest& d) {
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
        } else if (o.json) {
          out.record({{"file", core::json_text(files[i])},
                      {"algorithm", o.algorithm.name},
                      {"digest", d.hex}});
        } else if (o.expect) {
          const bool pass = hash::compare_digest(d.hex, core::ascii_lower(*o.expect));
          pending += fmt::format("{}: {}\nVerification: {}\n", upper(o.algorithm.name), d.hex,
                                 pass ? "PASS" : "FAIL");
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

// check_manifest(o, parser, manifest): one manifest checked by the library, its lines and
// warnings printed as coreutils' digest_check prints them.
bool check_manifest(const SumOptions& o, hash::ManifestParser& parser,
                    const std::string& manifest) {
  static const bool utf8 = core::locale_is_utf8();
  const std::string shown = manifest == "-" ? "standard input" : manifest;
  std::string out;
  auto flush = [&] {
    std::fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
  };
  using Status = hash::CheckedLine::Status;
  const hash::CheckOptions options{o.algorithm.name, o.ignore_missing, o.strict,
                                   o.jobs != 0 ? o.jobs : core::hardware_jobs()};
  auto checked = hash::check_manifest(manifest, parser, options, [&](const hash::CheckedLine& l) {
    if (l.status == Status::malformed) {
      if (!o.warn()) return;
      flush();
      fmt::print(stderr, "{}: {}: {}: improperly formatted {} checksum line\n", o.program,
                 core::quote_shell(shown, utf8), l.line, o.algorithm.tag);
      return;
    }
    if (l.status == Status::unreadable) {
      flush();
      report(o, l.name, l.error->message);
    }
    if (o.status() || (l.status == Status::ok && o.quiet())) return;
    out += hash::check_name(l.name);
    out += l.status == Status::ok         ? ": OK\n"
           : l.status == Status::mismatch ? ": FAILED\n"
                                          : ": FAILED open or read\n";
    if (out.size() >= 1 << 16) flush();
  });
  flush();
  if (!checked) {
    report(o, checked.error().code == "hash.manifest_open" ? manifest : shown,
           checked.error().message);
    return false;
  }
  const hash::CheckReport& r = *checked;
  if (!r.properly_formatted()) {
    report(o, shown, "no properly formatted checksum lines found");
  } else if (!o.status()) {
    auto warn = [&](std::uintmax_t n, std::string_view one, std::string_view many) {
      if (n != 0) fmt::print(stderr, "{}: WARNING: {} {}\n", o.program, n, n == 1 ? one : many);
    };
    std::fflush(stdout);
    warn(r.misformatted, "line is improperly formatted", "lines are improperly formatted");
    warn(r.unreadable, "listed file could not be read", "listed files could not be read");
    warn(r.mismatched, "computed checksum did NOT match", "computed checksums did NOT match");
    if (o.ignore_missing && r.verified == 0) report(o, shown, "no file was verified");
  }
  return r.passed;
}

int check_files(const SumOptions& o) {
  std::vector<std::string> manifests = o.operands;
  if (manifests.empty()) manifests.emplace_back("-");
  // b2sum reads lines of any digest length; the others, lines of this run's length.
  const bool b2 = o.algorithm.name == "blake2b";
  hash::ManifestParser parser(
      {o.algorithm.tag, b2 ? 128 : static_cast<std::size_t>(o.length_bits / 4), b2, false});
  bool ok = true;
  for (const std::string& m : manifests) ok = check_manifest(o, parser, m) && ok;
  return std::fflush(stdout) == 0 && ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

}  // namespace

int main_sum(std::string_view program, int argc, char** argv) {
  SumOptions o;
  o.program = std::string(program);
  std::string_view algorithm = "sha256";
  const std::string_view base = program.substr(program.rfind('/') + 1);
  for (const auto& [name, algo] : personalities)
    if (name == base) o.personality = name, algorithm = algo;
  o.algorithm = *hash::algorithm_info(algorithm);  // one of kit's own names
  if (auto done = parse_args(o, argc, argv)) return *done;
  return o.check ? check_files(o) : hash_files(o);
}

}  // namespace kit::cli
