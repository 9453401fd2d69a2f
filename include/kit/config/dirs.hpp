// kit/config/dirs.hpp — where an application keeps its config, data, cache, state, logs and
// runtime files on Linux, macOS and Windows: Python's platformdirs, with the OS and the
// environment injectable (so `kit config path --os windows` answers on Linux too).
//
// The rules are platformdirs 2.6.0's (Debian 12's python3-platformdirs, the differential test's
// reference), opinion=True, with two declared deviations that later platformdirs made too:
//   (a) macOS config is ~/Library/Application Support/<app> (user) and
//       /Library/Application Support/<app> (site), as platformdirs >= 3.0 and the seed's
//       ConfigManager; 2.6 used ~/Library/Preferences, and that flip broke users twice.
//   (b) on macOS an XDG variable that is set (not blank) wins for the kind it names, computed
//       exactly as on Linux: XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_CACHE_HOME, XDG_STATE_HOME,
//       XDG_RUNTIME_DIR, XDG_CONFIG_DIRS, XDG_DATA_DIRS (platformdirs #4; upstream's XDGMixin).
//       The log folder stays ~/Library/Logs (upstream's choice: Console reads it).
// And one refusal: off Windows, platformdirs reads the Windows folders from APPDATA,
// LOCALAPPDATA and ALLUSERSPROFILE and raises when one is unset; kit returns config.dirs when
// one is unset or empty (2.6 would make an empty one ".", the current folder).
//
// Linux (XDG Base Directory): a variable that is blank (empty or whitespace) is unset;
// XDG_CONFIG_DIRS / XDG_DATA_DIRS give the site folders, the first one or, with multipath, all
// of them joined by ':'; the log folder is the state folder + /log. Windows: the author level
// (author, else the app; none with no_author), `Cache` under the app for the cache and `Logs`
// under the data folder for logs, paths joined and normalised as ntpath does ('\').
// An empty app gives the base folder itself (no app, author or version component).
//
// Example:
//   kit::config::PlatformDirs dirs{.app = "MyPythonApp", .no_author = true};
//   auto folder = dirs.user_config_dir();   // ~/.config/MyPythonApp, or $XDG_CONFIG_HOME/...
//   dirs.os = kit::config::Os::windows;
//   dirs.env.variables["LOCALAPPDATA"] = R"(C:\Users\alice\AppData\Local)";
//   auto win = dirs.user_cache_dir();       // C:\Users\alice\AppData\Local\MyPythonApp\Cache
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "kit/core/error.hpp"

// GCC in GNU mode (-std=gnu++20, CMake's default for consumers) predefines `linux` as 1.
#pragma push_macro("linux")
#undef linux

namespace kit::config {

enum class Os { linux, macos, windows };

// host_os(): the OS this build runs on (Linux for every other Unix, as platformdirs' Unix).
[[nodiscard]] Os host_os() noexcept;

// parse_os(name): "linux", "macos" or "windows"; config.bad_os otherwise.
[[nodiscard]] Result<Os> parse_os(std::string_view name);
[[nodiscard]] std::string_view os_name(Os os) noexcept;

// The separator inside a path ('/' or '\') and between the paths of a multipath value.
[[nodiscard]] char path_separator(Os os) noexcept;
[[nodiscard]] char path_list_separator(Os os) noexcept;

enum class DirKind { config, data, cache, state, log, runtime };

// parse_dir_kind(name): "config", "data", "cache", "state", "log" or "runtime";
// config.bad_kind otherwise.
[[nodiscard]] Result<DirKind> parse_dir_kind(std::string_view name);
[[nodiscard]] std::string_view dir_kind_name(DirKind kind) noexcept;

// The environment PlatformDirs reads: variables (XDG_*, APPDATA, ...) and the home folder that
// `~` means (variables["HOME"] is not consulted: `home` is). uid: the N of /run/user/N when
// XDG_RUNTIME_DIR is blank on Linux; nullopt is this process's uid.
struct Environment {
  std::map<std::string, std::string, std::less<>> variables{};
  std::string home{};
  std::optional<unsigned> uid{};

  // from_process(): a snapshot of environ; home is $HOME when set (even empty, as Python's
  // expanduser), else the password database's entry for getuid().
  [[nodiscard]] static Environment from_process();

  // get(name): the variable's value, nullopt when unset.
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
};

struct PlatformDirs {
  std::string app{};                    // empty: no app component (platformdirs' appname=None)
  std::optional<std::string> author{};  // nullopt (or empty): the app (Windows only)
  bool no_author = false;               // platformdirs' appauthor=False: no author level
  std::string version{};                // a last component when not empty (and app is not)
  bool roaming = false;                 // Windows: APPDATA (Roaming) for data/config/state/log
  bool multipath = false;               // site folders: every XDG_*_DIRS entry, ':'-joined
  bool ensure_exists = false;           // create the folder(s), mode 0700, parents too
  Os os = host_os();
  Environment env = Environment::from_process();

  // user_dir(kind): the user's folder of that kind. Errors: config.dirs (a Windows variable
  // unset or empty; ensure_exists on another OS than the host's, or mkdir failing: naming the
  // path and the reason).
  [[nodiscard]] Result<std::string> user_dir(DirKind kind) const;
  // site_dir(kind): the folder shared by users; config and data only, else config.bad_kind.
  [[nodiscard]] Result<std::string> site_dir(DirKind kind) const;

  [[nodiscard]] Result<std::string> user_config_dir() const { return user_dir(DirKind::config); }
  [[nodiscard]] Result<std::string> user_data_dir() const { return user_dir(DirKind::data); }
  [[nodiscard]] Result<std::string> user_cache_dir() const { return user_dir(DirKind::cache); }
  [[nodiscard]] Result<std::string> user_state_dir() const { return user_dir(DirKind::state); }
  [[nodiscard]] Result<std::string> user_log_dir() const { return user_dir(DirKind::log); }
  [[nodiscard]] Result<std::string> user_runtime_dir() const { return user_dir(DirKind::runtime); }
  [[nodiscard]] Result<std::string> site_config_dir() const { return site_dir(DirKind::config); }
  [[nodiscard]] Result<std::string> site_data_dir() const { return site_dir(DirKind::data); }
};

}  // namespace kit::config

#pragma pop_macro("linux")
