// kit/config/dirs.hpp — placeholder until the config-dirs branch lands (issue 17): the API the
// command is written against, Linux only.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "kit/core/error.hpp"

namespace kit::config {

enum class Os { linux, macos, windows };
[[nodiscard]] Os host_os();
[[nodiscard]] Result<Os> parse_os(std::string_view);
enum class DirKind { config, data, cache, state, log, runtime };
[[nodiscard]] Result<DirKind> parse_dir_kind(std::string_view);

struct Environment {
  std::map<std::string, std::string, std::less<>> variables;
  std::string home;
  [[nodiscard]] static Environment from_process();
};

struct PlatformDirs {
  std::string app;
  std::optional<std::string> author{};
  bool no_author = false;
  std::string version{};
  bool roaming = false;
  bool multipath = false;
  bool ensure_exists = false;
  Os os = host_os();
  Environment env = Environment::from_process();
  [[nodiscard]] Result<std::string> user_dir(DirKind) const;
  [[nodiscard]] Result<std::string> site_dir(DirKind) const;
  [[nodiscard]] Result<std::string> user_config_dir() const { return user_dir(DirKind::config); }
};

}  // namespace kit::config
