// which() as shutil.which on POSIX, and text read with universal newlines.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

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

}  // namespace

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
