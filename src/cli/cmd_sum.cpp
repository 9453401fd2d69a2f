// kit sum — checksums of files, exactly as GNU coreutils' md5sum, sha*sum and b2sum (9.1) print
// and check them; kit's own extras: any hashlib algorithm (-a), directories (-r), parallel
// hashing (-j), the tutorial's verifier (--expect) and --json.
//
// Options are parsed with getopt_long, as coreutils does, so bundling, abbreviations and
// messages are the same (sum_options.cpp). Run through a symlink named md5sum, sha1sum,
// sha224sum, sha256sum, sha384sum, sha512sum or b2sum, kit is that program (its options, its
// name in messages). The work is kit::hash's; this file prints. Docs: docs/commands/sum.md.
//
// usage: kit sum [-a ALGO] [-b|-t] [--tag] [-z] [-r] [-j N] [--json] [FILE]...
//        kit sum -c [--quiet|--status|-w] [--strict] [--ignore-missing] [-j N] [MANIFEST]...
//        kit sum [-a ALGO] --expect HEX FILE
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
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
#include "sum_options.hpp"

namespace kit::cli {

namespace {

namespace hash = kit::hash;

// The coreutils programs kit stands in for, by the name it is run as, and their algorithm.
constexpr std::pair<std::string_view, std::string_view> personalities[] = {
    {"md5sum", "md5"},       {"sha1sum", "sha1"},     {"sha224sum", "sha224"},
    {"sha256sum", "sha256"}, {"sha384sum", "sha384"}, {"sha512sum", "sha512"},
    {"b2sum", "blake2b"},
};

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// report(o, name, reason): `PROG: NAME: reason`, NAME quoted as coreutils' quotef does.
void report(const SumOptions& o, std::string_view name, std::string_view reason) {
  static const bool utf8 = core::locale_is_utf8();
  fmt::print(stderr, "{}: {}: {}\n", o.program, core::quote_shell(name, utf8), reason);
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
  auto info = hash::algorithm_info(algorithm);
  if (!info) {
    fmt::print(stderr, "{}: {}\n", o.program, info.error().message);
    return core::exit_usage;
  }
  o.algorithm = std::move(*info);
  if (auto done = parse_sum_args(o, argc, argv)) return *done;
  return o.check ? check_files(o) : hash_files(o);
}

}  // namespace kit::cli
