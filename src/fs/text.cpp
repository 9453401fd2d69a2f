// which() as shutil.which of Python 3.11 on POSIX and on Windows, and text read with universal
// newlines.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <unordered_set>
#include <vector>

#include "kit/core/file.hpp"
#include "kit/fs.hpp"

namespace kit::fs {

namespace {

// shutil's _access_check: exists, executable by us, not a folder.
bool executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && !S_ISDIR(st.st_mode) &&
         ::access(path.c_str(), X_OK) == 0;
}

// The Windows flavour's _access_check, on this machine: the file exists and is not a folder
// (os.access(X_OK) on Windows asks for nothing more), each backslash read as a slash.
bool windows_file(std::string path) {
  std::replace(path.begin(), path.end(), '\\', '/');
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && !S_ISDIR(st.st_mode);
}

// Bytes in the first code point of UTF-8 text (1 for a byte that does not start one).
std::size_t first_code_point(std::string_view s) {
  const auto b = static_cast<unsigned char>(s[0]);
  const std::size_t n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
  return std::min(n, s.size());
}

// ntpath.splitdrive of Python 3.11: the drive ("C:", "\\server\share", "\\?\UNC\server\share")
// and the rest; either may be empty.
std::pair<std::string_view, std::string_view> split_drive(std::string_view p) {
  if (p.empty()) return {{}, p};
  const std::size_t first = first_code_point(p);
  if (first >= p.size()) return {{}, p};  // one code point: too short
  const auto is_sep = [](char c) { return c == '\\' || c == '/'; };
  if (is_sep(p[0]) && is_sep(p[1])) {
    std::string head(p.substr(0, std::min<std::size_t>(8, p.size())));
    std::replace(head.begin(), head.end(), '/', '\\');
    for (char& c : head) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    const std::size_t start = head == "\\\\?\\UNC\\" ? 8 : 2;
    const auto find_sep = [&](std::size_t from) {
      const std::size_t i = p.find_first_of("\\/", from);
      return i == std::string_view::npos ? p.size() : i;
    };
    const std::size_t index = find_sep(start);
    if (index == p.size()) return {p, {}};
    const std::size_t index2 = find_sep(index + 1);
    return {p.substr(0, index2), p.substr(index2)};
  }
  if (p[first] == ':') return {p.substr(0, first + 1), p.substr(first + 1)};
  return {{}, p};
}

// ntpath.join(dir, file) for a file name without a drive or separator.
std::string windows_join(std::string_view dir, std::string_view file) {
  const auto [drive, rest] = split_drive(dir);
  std::string path(rest);
  if (!path.empty() && path.back() != '\\' && path.back() != '/') path += '\\';
  path += file;
  if (!path.empty() && path[0] != '\\' && path[0] != '/' && !drive.empty() && !drive.ends_with(':'))
    return std::string(drive) + '\\' + path;
  return std::string(drive) + path;
}

std::vector<std::string_view> split_list(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(sep, start);
    out.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

std::optional<std::string> which_windows(std::string_view name,
                                         std::optional<std::string_view> path,
                                         std::optional<std::string_view> pathext) {
  // A name with a folder or a drive (ntpath.dirname(name) not empty) is checked as it is.
  if (!split_drive(name).first.empty() || name.find_first_of("\\/") != std::string_view::npos) {
    std::string direct(name);
    return windows_file(direct) ? std::optional(direct) : std::nullopt;
  }
  std::string search;
  if (path) {
    search = *path;
  } else if (const char* env = std::getenv("PATH")) {
    search = env;
  } else {
    search = ".;C:\\bin";  // ntpath.defpath: Windows has no confstr
  }
  if (search.empty()) return std::nullopt;
  std::vector<std::string_view> dirs = split_list(search, ';');
  if (std::find(dirs.begin(), dirs.end(), ".") == dirs.end()) dirs.insert(dirs.begin(), ".");

  std::string ext_source;
  if (pathext) {
    ext_source = *pathext;
  } else if (const char* env = std::getenv("PATHEXT")) {
    ext_source = env;
  }
  if (ext_source.empty()) ext_source = ".COM;.EXE;.BAT;.CMD;.VBS;.JS;.WS;.MSC";
  std::vector<std::string> files;
  bool has_ext = false;
  const std::string lower_name = lower_case(name);
  for (std::string_view ext : split_list(ext_source, ';')) {
    if (ext.empty()) continue;
    if (lower_name.ends_with(lower_case(ext))) has_ext = true;
    files.push_back(std::string(name) + std::string(ext));
  }
  if (has_ext) files = {std::string(name)};

  std::unordered_set<std::string> seen;  // ntpath.normcase: "/" as "\\", lower case
  for (std::string_view dir : dirs) {
    std::string norm(dir);
    std::replace(norm.begin(), norm.end(), '/', '\\');
    if (!seen.insert(lower_case(norm)).second) continue;
    for (const std::string& file : files) {
      std::string candidate = windows_join(dir, file);
      if (windows_file(candidate)) return candidate;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> which(std::string_view name, std::optional<std::string_view> path,
                                 PathFlavour flavour, std::optional<std::string_view> pathext) {
  if (flavour == PathFlavour::posix) return which(name, path);
  return which_windows(name, path, pathext);
}

std::optional<std::string> which(std::string_view name, std::optional<std::string_view> path) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string_view::npos) {
    std::string direct(name);
    return executable_file(direct) ? std::optional(direct) : std::nullopt;
  }
  std::string search;
  if (path) {
    search = *path;
  } else if (const char* env = std::getenv("PATH")) {
    search = env;
  } else {
    search = "/bin:/usr/bin";  // os.defpath, as confstr(CS_PATH) gives on glibc
  }
  if (search.empty()) return std::nullopt;
  std::size_t start = 0;
  while (start <= search.size()) {
    const std::size_t end = std::min(search.find(':', start), search.size());
    const std::string_view dir = std::string_view(search).substr(start, end - start);
    // An empty entry is the current folder (os.path.join("", name) == name).
    std::string candidate = dir.empty() ? std::string(name) : std::string(dir);
    if (!dir.empty()) {
      if (candidate.back() != '/') candidate += '/';
      candidate += name;
    }
    if (executable_file(candidate)) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

std::string universal_newlines(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r') {
      out += text[i];
      continue;
    }
    out += '\n';
    if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
  }
  return out;
}

Result<std::string> read_text(const std::string& path) {
  auto bytes = core::read_file(path);
  if (!bytes) return tl::unexpected(bytes.error());
  return universal_newlines(*bytes);
}

}  // namespace kit::fs
