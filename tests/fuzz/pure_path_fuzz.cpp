// Fuzz target: kit::fs::PurePath, both flavours. Input: a first byte (bit 0: Windows), then the
// segments separated by '\n', then '\0' and an operand for joinpath, with_name, with_suffix and
// relative_to. Oracles beyond the sanitizers (pathlib holds them too; tests/diff compares the
// values themselves with Python):
//   - the text form is stable: POSIX str(PurePath(str(p))) == str(p); Windows reaches it after
//     one more pass ("\\?\" drives may re-read differently once, as in Python), unless a drive
//     on the way is a share with an empty name ("\\server\", "\\?\UNC\server\"): pathlib
//     3.11 writes it with a doubled backslash that reads back as something else each time;
//   - parts: the anchor first (when there is one), no empty part, no "." part, no separator
//     inside a name; name() is the last name; parents() has one entry per name;
//   - a parent is never longer than its child, and the anchor (or ".") is its own parent;
//   - POSIX: p is relative to each of its parents, and parent / p.relative_to(parent) == p;
//   - joining relative text without drive or root adds exactly its parts;
//   - with_suffix(s), when accepted, gives a name whose suffix() is s (for s = "." + letters);
//   - lower_case is idempotent, as str.lower() is.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "kit/fs/path.hpp"

namespace {

using kit::fs::PathFlavour;
using kit::fs::PurePath;

// check(ok): an invariant; a failure names itself on stderr before the abort.
void fail(const char* what, int line) {
  std::fprintf(stderr, "pure_path_fuzz: invariant failed at line %d: %s\n", line, what);
  std::abort();
}
#define check(ok) ((ok) ? void(0) : fail(#ok, __LINE__))

// given_name: the last part came from with_name/with_suffix, which pathlib 3.11 takes as given
// once it parses to one name: with_name("./x") gives the part "./x", with_suffix("") of "..gz"
// gives ".", and kit does the same.
void check_parts(const PurePath& p, bool given_name = false) {
  const char sep = p.flavour() == PathFlavour::windows ? '\\' : '/';
  const auto& parts = p.parts();
  const bool anchored = !p.anchor().empty();
  check(!anchored || (!parts.empty() && parts.front() == p.anchor()));
  for (std::size_t i = anchored ? 1 : 0; i < parts.size(); ++i) {
    check(!parts[i].empty());
    if (given_name && i + 1 == parts.size()) continue;
    check(parts[i] != ".");
    check(parts[i].find(sep) == std::string::npos);
    if (p.flavour() == PathFlavour::windows) check(parts[i].find('/') == std::string::npos);
  }
  const std::size_t names = parts.size() - (anchored ? 1 : 0);
  check(p.name() == (names ? parts.back() : std::string()));
  check(p.parents().size() == names);
  check(p.stem() + p.suffix() == p.name());
}

void check_parents(const PurePath& p) {
  PurePath child = p;
  for (const PurePath& up : p.parents()) {
    check(up.str().size() <= child.str().size());
    check(up == child.parent());
    if (p.flavour() == PathFlavour::posix) {
      auto rel = p.relative_to(up);
      check(rel.has_value());
      check((up / *rel) == p);
    }
    child = up;
  }
  check(child.parent() == child);  // the top: the anchor, or "."
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const PathFlavour flavour = (data[0] & 1) ? PathFlavour::windows : PathFlavour::posix;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t nul = input.find('\0');
  const std::string_view text = input.substr(0, nul);
  const std::string_view operand = nul == std::string_view::npos ? "" : input.substr(nul + 1);

  std::vector<std::string_view> segments;
  for (std::size_t start = 0;;) {
    const std::size_t end = text.find('\n', start);
    segments.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  const PurePath p(flavour, segments);
  check_parts(p);
  check_parents(p);

  const std::string s1 = p.str();
  const PurePath again(flavour, s1);
  const std::string s2 = again.str();
  const PurePath third(flavour, s2);
  if (flavour == PathFlavour::posix) check(s2 == s1);
  const auto empty_share = [](const PurePath& x) { return x.drive().ends_with('\\'); };
  if (!empty_share(p) && !empty_share(again) && !empty_share(third)) check(third.str() == s2);
  check(p == p);

  const PurePath q(flavour, operand);
  check_parts(q);
  // Text, not q: a PurePath argument's parts are read again one by one (as pathlib does), and
  // a Windows name such as "C:" then becomes a drive.
  const PurePath joined = p / operand;
  check_parts(joined);
  if (q.anchor().empty()) {
    check(joined.parts().size() == p.parts().size() + q.parts().size());
  }
  if (auto named = p.with_name(operand)) {
    check_parts(*named, true);
    check(named->name() == operand);
  }
  (void)p.with_stem(operand);
  if (auto changed = p.with_suffix(operand)) {
    check_parts(*changed, true);
    const bool plain = operand.size() > 1 && operand.find('.', 1) == std::string_view::npos;
    if (plain) check(changed->suffix() == operand);
  }
  if (auto rel = p.relative_to(q)) check_parts(*rel);
  (void)p.is_reserved();
  (void)p.is_absolute();
  (void)p.as_posix();

  const std::string lower = kit::fs::lower_case(text);
  check(kit::fs::lower_case(lower) == lower);
  return 0;
}
