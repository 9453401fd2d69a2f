// kit sum's command line (see sum_options.hpp): getopt_long over argv as coreutils' digest.c
// does, its --help, and the checks it makes once every option is read.
#include "sum_options.hpp"
#include "command.hpp"

#include <getopt.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <iterator>

#include <fmt/core.h>

#include "kit/core/output.hpp"
#include "kit/core/text.hpp"

#ifndef KIT_VERSION
#define KIT_VERSION "0.0.0"
#endif

namespace kit::cli {

namespace {

using Verbosity = SumOptions::Verbosity;

enum LongOnly : int {
  opt_tag = 256,
  opt_ignore_missing,
  opt_quiet,
  opt_status,
  opt_strict,
  opt_help,
  opt_version,
  opt_expect,
  opt_json
};

// usage_error(o, message): coreutils' usage(EXIT_FAILURE) after error(0, 0, message).
int usage_error(const SumOptions& o, std::string_view message) {
  fmt::print(stderr, "{}: {}\nTry '{} --help' for more information.\n", o.program, message,
             o.program);
  return EXIT_FAILURE;
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
  const kit::hash::AlgorithmInfo& a = o.algorithm;
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

// sum_getopt_table(length, kit): the options getopt_long is given; -l when the algorithm takes
// a length (or for kit sum), kit's extras for kit sum only.
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

}  // namespace

GetoptTable getopt_table_sum() {
  return sum_getopt_table(true, true);
}

std::optional<int> parse_sum_args(SumOptions& o, int argc, char** argv) {
  GetoptTable table = sum_getopt_table(o.algorithm.variable_length || o.kit(), o.kit());
  const std::vector<option>& longs = table.longs;
  const std::string& shorts = table.shorts;

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
        auto info = kit::hash::algorithm_info(optarg);
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
        o.verbosity = Verbosity::warn;
        break;
      case opt_quiet:
        o.verbosity = Verbosity::quiet;
        break;
      case opt_status:
        o.verbosity = Verbosity::status;
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

}  // namespace kit::cli
