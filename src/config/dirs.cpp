// placeholder until the config-dirs branch lands: XDG user dirs on Linux only.
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "kit/config/dirs.hpp"

extern char** environ;

namespace kit::config {

Os host_os() {
  return Os::linux;
}
Result<Os> parse_os(std::string_view s) {
  if (s == "linux") return Os::linux;
  if (s == "macos") return Os::macos;
  if (s == "windows") return Os::windows;
  return fail(ErrorKind::invalid_argument, "config.bad_os", "bad os");
}
Result<DirKind> parse_dir_kind(std::string_view s) {
  if (s == "config") return DirKind::config;
  if (s == "data") return DirKind::data;
  return fail(ErrorKind::invalid_argument, "config.bad_kind", "bad kind");
}
Environment Environment::from_process() {
  Environment env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view t(*e);
    auto eq = t.find('=');
    if (eq != std::string_view::npos)
      env.variables.emplace(std::string(t.substr(0, eq)), std::string(t.substr(eq + 1)));
  }
  if (const char* h = std::getenv("HOME")) env.home = h;
  return env;
}
Result<std::string> PlatformDirs::user_dir(DirKind kind) const {
  auto it = env.variables.find(kind == DirKind::config ? "XDG_CONFIG_HOME" : "XDG_DATA_HOME");
  std::string base = it != env.variables.end() && !it->second.empty()
                         ? it->second
                         : env.home + (kind == DirKind::config ? "/.config" : "/.local/share");
  std::string dir = app.empty() ? base : base + "/" + app;
  if (ensure_exists) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
  }
  return dir;
}
Result<std::string> PlatformDirs::site_dir(DirKind) const {
  return std::string("/etc/xdg");
}

}  // namespace kit::config
