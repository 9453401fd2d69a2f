// kit sum's command line: the options of coreutils 9.1's md5sum … b2sum (digest.c), parsed with
// getopt_long as coreutils parses them (bundling, abbreviations, its messages and checks in
// its order), and kit's own. cmd_sum.cpp runs what they ask for.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kit/hash.hpp"

namespace kit::cli {

struct SumOptions {
  enum class Verbosity { normal, warn, quiet, status };  // -w, --quiet, --status: the last wins

  std::string program;           // in messages: argv[0] for a personality, "kit sum" otherwise
  std::string_view personality;  // "sha256sum", or empty for kit sum (whose extras it allows)
  hash::AlgorithmInfo algorithm;
  std::uintmax_t length_bits = 0;  // -l; after parsing, the digest's length in any case
  std::string length_text;         // -l as given, for its messages
  int binary = -1;                 // -1 unset, 0 -t, 1 -b
  bool tagged = false, zero = false, check = false, ignore_missing = false, strict = false;
  bool recursive = false, json = false;
  Verbosity verbosity = Verbosity::normal;
  unsigned jobs = 0;  // 0: every core
  std::optional<std::string> expect;
  std::vector<std::string> operands;

  bool kit() const { return personality.empty(); }
  bool warn() const { return verbosity == Verbosity::warn; }
  bool quiet() const { return verbosity == Verbosity::quiet; }
  bool status() const { return verbosity == Verbosity::status; }
};

// parse_sum_args(o, argc, argv): fills `o`, whose program, personality and algorithm the caller
// has set. Returns an exit code when the run ends here (a usage error, --help, --version),
// after printing what coreutils prints.
[[nodiscard]] std::optional<int> parse_sum_args(SumOptions& o, int argc, char** argv);

}  // namespace kit::cli
