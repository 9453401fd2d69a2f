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
#include "kit/fs/ospath.hpp"

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

// The folder list which() searches: `path` when given, else $PATH, else `fallback`.
std::string search_path(std::optional<std::string_view> path, std::string_view fallback) {
  if (path) return std::string(*path);
  if (const char* env = std::getenv("PATH")) return env;
  return std::string(fallback);
}

std::optional<std::string> which_windows(std::string_view name,
                                         std::optional<std::string_view> path,
                                         std::optional<std::string_view> pathext) {
  // A name with a folder or a drive (ntpath.dirname(name) not empty) is checked as it is.
  if (!ospath::nt_splitdrive(name).first.empty() ||
      name.find_first_of("\\/") != std::string_view::npos) {
    std::string direct(name);
    return windows_file(direct) ? std::optional(direct) : std::nullopt;
  }
  // ntpath.defpath when PATH is unset: Windows has no confstr.
  const std::string search = search_path(path, ".;C:\\bin");
  if (search.empty()) return std::nullopt;
  std::vector<std::string_view> dirs = ospath::split_list(search, ';');
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
  for (std::string_view ext : ospath::split_list(ext_source, ';')) {
    if (ext.empty()) continue;
    if (lower_name.ends_with(lower_case(ext))) has_ext = true;
    files.push_back(std::string(name) + std::string(ext));
  }
  if (has_ext) files = {std::string(name)};

  std::unordered_set<std::string> seen;
  for (std::string_view dir : dirs) {
    if (!seen.insert(ospath::nt_normcase(dir)).second) continue;
    for (const std::string& file : files) {
      std::string candidate = ospath::nt_join(dir, {file});
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
  // os.defpath when PATH is unset, as confstr(CS_PATH) gives on glibc.
  const std::string search = search_path(path, "/bin:/usr/bin");
  if (search.empty()) return std::nullopt;
  for (std::string_view dir : ospath::split_list(search, ':')) {
    // An empty entry is the current folder (os.path.join("", name) == name).
    std::string candidate = ospath::posix_join(dir, {name});
    if (executable_file(candidate)) return candidate;
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
