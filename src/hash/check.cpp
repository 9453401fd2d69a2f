// sha256sum and sha256sum -c: files hashed on every core with results in order, manifests
// checked as coreutils 9.1's digest_check does (its counters and its pass rule), and -r's walk
// of directories.
#include <algorithm>
#include <filesystem>
#include <system_error>

#include "kit/core/file.hpp"
#include "kit/core/parallel.hpp"
#include "kit/core/text.hpp"
#include "kit/hash.hpp"
#include "kit/hash/checksum.hpp"

namespace kit::hash {

namespace {

// Lines parsed ahead of the hashing: enough for every core to keep busy, few enough that a
// manifest streamed through a pipe shows its first results soon and memory stays bounded.
constexpr std::size_t batch_lines = 1024;

struct Pending {
  std::uintmax_t line;
  bool malformed;
  ChecksumEntry entry;
};

// The system's reason alone: core's "cannot open 'NAME': REASON" names the file, and sha256sum
// names it itself, quoted its own way.
std::string reason_of(const Error& e) {
  const std::size_t at = e.message.rfind(": ");
  return at == std::string::npos ? e.message : e.message.substr(at + 2);
}

FileDigest digest_file(const std::string& path, const std::string& algorithm, std::size_t size) {
  auto hasher = Hasher::create(algorithm, size);
  if (!hasher) return {{}, hasher.error()};
  if (auto read = hash_file(*hasher, path); !read) return {{}, read.error()};
  return {hasher->hexdigest(), std::nullopt};
}

CheckedLine check_entry(Pending& p, const CheckOptions& options) {
  CheckedLine out;
  out.line = p.line;
  if (p.malformed) return out;
  out.name = std::move(p.entry.name);
  // A line's digest length is its own (b2sum's lines vary); for the others it is the length
  // the parser required.
  FileDigest d = digest_file(out.name, options.algorithm, p.entry.hex_length / 2);
  if (d.error) {
    out.status = CheckedLine::Status::unreadable;
    out.error = std::move(d.error);
  } else {  // our digest is lowercase
    const bool match = d.hex == core::ascii_lower(p.entry.hex);
    out.status = match ? CheckedLine::Status::ok : CheckedLine::Status::mismatch;
  }
  return out;
}

}  // namespace

Result<CheckReport> check_manifest(const std::string& path, ManifestParser& parser,
                                   const CheckOptions& options,
                                   const std::function<void(const CheckedLine&)>& on_line) {
  auto reader = core::LineReader::of_file(path);
  if (!reader) {
    Error e = reader.error();
    return fail(e.kind, "hash.manifest_open", reason_of(e));
  }
  parser.set_from_stdin(path == "-");
  CheckReport report;
  std::vector<Pending> batch;
  auto run = [&] {
    // Standard input is read where its line stands: then one file at a time.
    const bool reads_stdin = std::any_of(batch.begin(), batch.end(), [](const Pending& p) {
      return !p.malformed && p.entry.name == "-";
    });
    core::for_each_ordered(
        batch.size(), reads_stdin ? 1 : options.jobs,
        [&](std::size_t i) { return check_entry(batch[i], options); },
        [&](std::size_t, CheckedLine line) {
          switch (line.status) {
            case CheckedLine::Status::malformed:
              ++report.misformatted;
              break;
            case CheckedLine::Status::ok:
              ++report.verified;
              break;
            case CheckedLine::Status::mismatch:
              ++report.mismatched;
              break;
            case CheckedLine::Status::unreadable:
              if (options.ignore_missing && line.error->kind == ErrorKind::not_found) {
                ++report.ignored;
                return;
              }
              ++report.unreadable;
              break;
          }
          on_line(line);
        });
    batch.clear();
  };
  while (true) {
    auto line = reader->next();
    if (!line) {
      run();
      return fail(ErrorKind::io, "hash.manifest_read", "read error");
    }
    if (!*line) break;
    ++report.lines;
    Pending p{report.lines, false, {}};
    const auto kind = parser.parse(**line, p.entry);
    if (kind == ManifestParser::Kind::skipped) continue;
    p.malformed = kind == ManifestParser::Kind::malformed;
    batch.push_back(std::move(p));
    if (batch.size() == batch_lines) run();
  }
  run();
  report.passed = report.properly_formatted() && report.verified != 0 && report.mismatched == 0 &&
                  report.unreadable == 0 && (!options.strict || report.misformatted == 0);
  return report;
}

void digest_files(const std::vector<std::string>& paths, const std::string& algorithm,
                  std::size_t digest_size, unsigned jobs,
                  const std::function<void(std::size_t, FileDigest&)>& on_file) {
  const bool reads_stdin = std::find(paths.begin(), paths.end(), "-") != paths.end();
  core::for_each_ordered(
      paths.size(), reads_stdin ? 1 : jobs,
      [&](std::size_t i) { return digest_file(paths[i], algorithm, digest_size); },
      [&](std::size_t i, FileDigest d) { on_file(i, d); });
}

ExpandedOperands expand_operands(const std::vector<std::string>& operands, bool recursive) {
  ExpandedOperands out;
  for (const std::string& operand : operands) {
    std::error_code ec;
    if (!recursive || operand == "-" || !std::filesystem::is_directory(operand, ec)) {
      out.files.push_back(operand);
      continue;
    }
    std::vector<std::string> below;
    std::filesystem::recursive_directory_iterator it(operand, ec), end;
    for (; !ec && it != end; it.increment(ec))
      if (!it->is_directory(ec)) below.push_back(it->path().string());
    if (ec)
      out.problems.emplace_back(operand, make_error(ErrorKind::io, "hash.walk", ec.message()));
    std::sort(below.begin(), below.end());
    out.files.insert(out.files.end(), below.begin(), below.end());
  }
  return out;
}

}  // namespace kit::hash
