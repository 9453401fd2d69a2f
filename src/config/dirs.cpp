// PlatformDirs: platformdirs 2.6.0's folders (unix.py, macos.py, windows.py), its path functions
// (posixpath.join and expanduser, ntpath.join and normpath of Python 3.11) being kit::fs's
// ports (kit/fs/ospath.hpp), so that every odd input (a trailing slash, an absolute app name, a
// drive in the author, an empty entry in XDG_DATA_DIRS) gives the same string, on any OS.
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <initializer_list>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/core.h>

#include "kit/config/dirs.hpp"
#include "kit/fs/ospath.hpp"

#undef linux  // see dirs.hpp

extern char** environ;  // NOLINT: POSIX declares it nowhere in a header under C++

namespace kit::config {

namespace {

namespace ospath = kit::fs::ospath;
using ospath::is_blank;
using ospath::nt_join;
using ospath::nt_normpath;
using ospath::posix_join;

// ----- folders

Error dirs_error(ErrorKind kind, std::string message) {
  return make_error(kind, "config.dirs", std::move(message));
}

// mkdir -p with mode 0700 for every folder it makes.
Result<void> make_folders(const std::string& path) {
  auto fail_at_component = [&](const std::string& component, int err) {
    std::string reason = std::generic_category().message(err);
    return tl::unexpected(dirs_error(
        ErrorKind::io,
        component == path
            ? fmt::format("cannot create the folder {}: {}", path, reason)
            : fmt::format("cannot create the folder {}: {}: {}", path, component, reason)));
  };
  for (std::size_t end = 0; end != std::string::npos;) {
    end = path.find('/', end + 1);
    std::string component = path.substr(0, end);
    if (component.empty() || component.back() == '/') continue;  // the root, or "a//b"
    if (::mkdir(component.c_str(), 0700) == 0) continue;
    int err = errno;
    struct stat st {};
    if (err == EEXIST || err == EROFS || err == EACCES || err == EPERM) {
      // An existing folder is fine whatever the reason mkdir gave.
      if (::stat(component.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) continue;
        return fail_at_component(component, ENOTDIR);
      }
    }
    return fail_at_component(component, err);
  }
  return {};
}

std::string_view xdg_variable(DirKind kind) {
  switch (kind) {
    case DirKind::config:
      return "XDG_CONFIG_HOME";
    case DirKind::data:
      return "XDG_DATA_HOME";
    case DirKind::cache:
      return "XDG_CACHE_HOME";
    case DirKind::state:
      return "XDG_STATE_HOME";
    case DirKind::runtime:
      return "XDG_RUNTIME_DIR";
    case DirKind::log:
      break;
  }
  return {};
}

// The folders of one PlatformDirs, computed as platformdirs' classes do.
class Resolver {
 public:
  explicit Resolver(const PlatformDirs& dirs) : d_(dirs) {}

  Result<std::string> user(DirKind kind) const {
    switch (d_.os) {
      case Os::linux:
        return unix_user(kind);
      case Os::macos:
        return mac_user(kind);
      case Os::windows:
        return windows_user(kind);
    }
    return unix_user(kind);
  }

  Result<std::string> site(DirKind kind) const {
    switch (d_.os) {
      case Os::linux:
        return unix_site(kind);
      case Os::macos: {
        // Deviation (b): a set XDG_*_DIRS wins; (a): site config is site data.
        if (!is_blank(value(site_variable(kind)))) return unix_site(kind);
        return posix_app("/Library/Application Support");
      }
      case Os::windows: {
        auto base = windows_folder("ALLUSERSPROFILE");
        if (!base) return base;
        return windows_parts(nt_normpath(*base));
      }
    }
    return unix_site(kind);
  }

 private:
  std::string_view value(std::string_view name) const { return d_.env.get(name).value_or(""); }

  static std::string_view site_variable(DirKind kind) {
    return kind == DirKind::config ? "XDG_CONFIG_DIRS" : "XDG_DATA_DIRS";
  }

  // api.py's _append_app_name_and_version.
  std::string posix_app(std::string base) const {
    std::vector<std::string_view> parts;
    if (!d_.app.empty()) {
      parts.push_back(d_.app);
      if (!d_.version.empty()) parts.push_back(d_.version);
    }
    return posix_join(base, parts);
  }

  std::string home_default(std::string_view tilde_path) const {
    return ospath::expand_user(tilde_path, d_.env.home);
  }

  // unix.py: $XDG_..._HOME (used as it is) unless blank, else the default under ~.
  std::string unix_home(std::string_view variable, std::string_view fallback) const {
    std::string_view set = value(variable);
    return posix_app(is_blank(set) ? home_default(fallback) : std::string(set));
  }

  std::string unix_user(DirKind kind) const {
    switch (kind) {
      case DirKind::config:
        return unix_home("XDG_CONFIG_HOME", "~/.config");
      case DirKind::data:
        return unix_home("XDG_DATA_HOME", "~/.local/share");
      case DirKind::cache:
        return unix_home("XDG_CACHE_HOME", "~/.cache");
      case DirKind::state:
        return unix_home("XDG_STATE_HOME", "~/.local/state");
      case DirKind::log:
        return posix_join(unix_user(DirKind::state), {"log"});
      case DirKind::runtime: {
        std::string_view set = value("XDG_RUNTIME_DIR");
        if (!is_blank(set)) return posix_app(std::string(set));
        unsigned uid = d_.env.uid ? *d_.env.uid : static_cast<unsigned>(::getuid());
        return posix_app(fmt::format("/run/user/{}", uid));
      }
    }
    return {};
  }

  // unix.py's site dirs: the first entry of the list (or all, joined), each expanded.
  std::string unix_site(DirKind kind) const {
    std::string_view set = value(site_variable(kind));
    std::string list(set);
    if (is_blank(set)) list = kind == DirKind::config ? "/etc/xdg" : "/usr/local/share:/usr/share";
    const char sep = path_list_separator(Os::linux);
    std::vector<std::string_view> entries = ospath::split_list(list, sep);
    if (!d_.multipath) entries.resize(1);
    std::string out;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (i > 0) out += sep;
      out += posix_app(ospath::expand_user(entries[i], d_.env.home));
    }
    return out;
  }

  std::string mac_user(DirKind kind) const {
    // Deviation (b): the XDG variable naming this kind, when set, wins (as on Linux).
    if (kind != DirKind::log && !is_blank(value(xdg_variable(kind)))) return unix_user(kind);
    switch (kind) {
      case DirKind::config:  // deviation (a): 2.6 has ~/Library/Preferences/
      case DirKind::data:
      case DirKind::state:
        return posix_app(home_default("~/Library/Application Support/"));
      case DirKind::cache:
        return posix_app(home_default("~/Library/Caches"));
      case DirKind::log:
        return posix_app(home_default("~/Library/Logs"));
      case DirKind::runtime:
        return posix_app(home_default("~/Library/Caches/TemporaryItems"));
    }
    return {};
  }

  // windows.py's get_win_folder_from_env_vars, refusing an empty value as well as none.
  Result<std::string> windows_folder(std::string_view variable) const {
    auto set = d_.env.get(variable);
    if (!set || set->empty())
      return tl::unexpected(dirs_error(
          ErrorKind::not_found,
          fmt::format("{} is {}: kit reads the Windows folders from APPDATA, LOCALAPPDATA and "
                      "ALLUSERSPROFILE",
                      variable, set ? "empty" : "not set")));
    return std::string(*set);
  }

  // windows.py's _append_parts: author\app[\opinion]\version under `base`.
  std::string windows_parts(const std::string& base, std::string_view opinion = {}) const {
    std::vector<std::string_view> parts;
    if (!d_.app.empty()) {
      if (!d_.no_author) parts.push_back(d_.author && !d_.author->empty() ? *d_.author : d_.app);
      parts.push_back(d_.app);
      if (!opinion.empty()) parts.push_back(opinion);
      if (!d_.version.empty()) parts.push_back(d_.version);
    }
    return nt_join(base, parts);
  }

  Result<std::string> windows_user(DirKind kind) const {
    switch (kind) {
      case DirKind::config:
      case DirKind::data:
      case DirKind::state: {
        auto base = windows_folder(d_.roaming ? "APPDATA" : "LOCALAPPDATA");
        if (!base) return base;
        return windows_parts(nt_normpath(*base));
      }
      case DirKind::log: {
        auto data = windows_user(DirKind::data);
        if (!data) return data;
        return nt_join(*data, {"Logs"});
      }
      case DirKind::cache: {
        auto base = windows_folder("LOCALAPPDATA");
        if (!base) return base;
        return windows_parts(nt_normpath(*base), "Cache");
      }
      case DirKind::runtime: {
        auto base = windows_folder("LOCALAPPDATA");
        if (!base) return base;
        return windows_parts(nt_normpath(nt_join(*base, {"Temp"})));
      }
    }
    return std::string();
  }

  const PlatformDirs& d_;
};

// ensure_exists: every folder of the value (each entry of a multipath one).
Result<std::string> ensured(const PlatformDirs& dirs, Result<std::string> folder) {
  if (!folder || !dirs.ensure_exists) return folder;
  if (dirs.os != host_os())
    return tl::unexpected(
        dirs_error(ErrorKind::invalid_argument,
                   fmt::format("cannot create {}: it is a {} folder and this is {}", *folder,
                               os_name(dirs.os), os_name(host_os()))));
  for (std::string_view entry : ospath::split_list(*folder, path_list_separator(dirs.os))) {
    if (entry.empty()) continue;
    if (auto made = make_folders(std::string(entry)); !made) return tl::unexpected(made.error());
  }
  return folder;
}

}  // namespace

Os host_os() noexcept {
#if defined(_WIN32)
  return Os::windows;
#elif defined(__APPLE__)
  return Os::macos;
#else
  return Os::linux;
#endif
}

Result<Os> parse_os(std::string_view name) {
  for (Os os : {Os::linux, Os::macos, Os::windows})
    if (name == os_name(os)) return os;
  return fail(ErrorKind::invalid_argument, "config.bad_os",
              fmt::format("unknown OS '{}' (expected linux, macos or windows)", name));
}

std::string_view os_name(Os os) noexcept {
  switch (os) {
    case Os::linux:
      return "linux";
    case Os::macos:
      return "macos";
    case Os::windows:
      return "windows";
  }
  return "linux";
}

char path_separator(Os os) noexcept {
  return os == Os::windows ? '\\' : '/';
}
char path_list_separator(Os os) noexcept {
  return os == Os::windows ? ';' : ':';
}

Result<DirKind> parse_dir_kind(std::string_view name) {
  for (DirKind kind : {DirKind::config, DirKind::data, DirKind::cache, DirKind::state, DirKind::log,
                       DirKind::runtime})
    if (name == dir_kind_name(kind)) return kind;
  return fail(ErrorKind::invalid_argument, "config.bad_kind",
              fmt::format("unknown folder kind '{}' (expected config, data, cache, state, log "
                          "or runtime)",
                          name));
}

std::string_view dir_kind_name(DirKind kind) noexcept {
  switch (kind) {
    case DirKind::config:
      return "config";
    case DirKind::data:
      return "data";
    case DirKind::cache:
      return "cache";
    case DirKind::state:
      return "state";
    case DirKind::log:
      return "log";
    case DirKind::runtime:
      return "runtime";
  }
  return "config";
}

Environment Environment::from_process() {
  Environment env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    std::size_t eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    env.variables.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  if (auto home = env.get("HOME")) {
    env.home = std::string(*home);
  } else {
    long hint = ::sysconf(_SC_GETPW_R_SIZE_MAX);
    std::string buffer(hint > 0 ? static_cast<std::size_t>(hint) : 16384, '\0');
    passwd entry{};
    passwd* found = nullptr;
    if (::getpwuid_r(::getuid(), &entry, buffer.data(), buffer.size(), &found) == 0 &&
        found != nullptr && entry.pw_dir != nullptr)
      env.home = entry.pw_dir;
  }
  return env;
}

std::optional<std::string_view> Environment::get(std::string_view name) const {
  auto it = variables.find(name);
  if (it == variables.end()) return std::nullopt;
  return std::string_view(it->second);
}

Result<std::string> PlatformDirs::user_dir(DirKind kind) const {
  return ensured(*this, Resolver(*this).user(kind));
}

Result<std::string> PlatformDirs::site_dir(DirKind kind) const {
  if (kind != DirKind::config && kind != DirKind::data)
    return fail(ErrorKind::invalid_argument, "config.bad_kind",
                fmt::format("there is no site {} folder (site folders: config and data)",
                            dir_kind_name(kind)));
  return ensured(*this, Resolver(*this).site(kind));
}

}  // namespace kit::config
