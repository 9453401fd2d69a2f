// Drives kit::fs::PurePath for tests/diff/fs_path_vs_python.py. One case a line on stdin,
// fields separated by tabs:
//
//   FLAVOUR JOIN NAME STEM SUFFIX RELATIVE EQUAL SEGMENT...
//
// FLAVOUR is "posix" or "windows"; the path is PurePath(SEGMENT...) (none: "."). One line of
// tab-separated results per case, in this order (lists joined by \x1f, a kit::Error as "!"):
//
//   str as_posix drive root anchor name stem suffix suffixes parts parent parents
//   is_absolute is_reserved joinpath(JOIN) joinpath(PurePath(JOIN)) with_name(NAME) with_stem(STEM)
//   with_suffix(SUFFIX) relative_to(RELATIVE) is_relative_to(RELATIVE)
//   ==PurePath(EQUAL) str(PurePath(str))
//
// `fs_path_driver which`: one lookup a line, NAME PATH PATHEXT (tab-separated), answered by
// kit::fs::which(NAME, PATH, windows, PATHEXT): the path found, or "-".
// `fs_path_driver lower`: kit::fs::lower_case of each line.
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "kit/fs.hpp"

namespace {

using kit::fs::PathFlavour;
using kit::fs::PurePath;

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = line.find('\t', start);
    out.push_back(line.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "\x1f" : "") + items[i];
  return out;
}

std::string shown(const kit::Result<PurePath>& r) {
  return r ? r->str() : "!";
}

}  // namespace

int which_cases() {
  std::string line;
  while (std::getline(std::cin, line)) {
    const std::vector<std::string> f = split_tabs(line);
    if (f.size() != 3) {
      std::cerr << "fs_path_driver: a which case has 3 fields\n";
      return 2;
    }
    const auto found = kit::fs::which(f[0], f[1], PathFlavour::windows, f[2]);
    std::cout << (found ? *found : "-") << '\n';
  }
  return 0;
}

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  if (argc > 1 && std::string_view(argv[1]) == "which") return which_cases();
  if (argc > 1 && std::string_view(argv[1]) == "lower") {
    std::string text;
    while (std::getline(std::cin, text)) std::cout << kit::fs::lower_case(text) << '\n';
    return 0;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    const std::vector<std::string> f = split_tabs(line);
    if (f.size() < 7) {
      std::cerr << "fs_path_driver: a case needs 7 fields or more\n";
      return 2;
    }
    const PathFlavour flavour = f[0] == "windows" ? PathFlavour::windows : PathFlavour::posix;
    std::vector<std::string_view> segments(f.begin() + 7, f.end());
    const PurePath p(flavour, segments);
    std::vector<std::string> parents;
    for (const PurePath& up : p.parents()) parents.push_back(up.str());
    const std::vector<std::string> out = {
        p.str(),
        p.as_posix(),
        p.drive(),
        p.root(),
        p.anchor(),
        p.name(),
        p.stem(),
        p.suffix(),
        joined(p.suffixes()),
        joined(p.parts()),
        p.parent().str(),
        joined(parents),
        p.is_absolute() ? "1" : "0",
        p.is_reserved() ? "1" : "0",
        p.joinpath(f[1]).str(),
        (p / PurePath(flavour, f[1])).str(),
        shown(p.with_name(f[2])),
        shown(p.with_stem(f[3])),
        shown(p.with_suffix(f[4])),
        shown(p.relative_to(f[5])),
        p.is_relative_to(f[5]) ? "1" : "0",
        p == PurePath(flavour, f[6]) ? "1" : "0",
        PurePath(flavour, p.str()).str(),
    };
    std::string text;
    for (std::size_t i = 0; i < out.size(); ++i) text += (i ? "\t" : "") + out[i];
    text += '\n';
    std::cout << text;
  }
  return 0;
}
