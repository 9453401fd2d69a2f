// Drives kit::config::PlatformDirs for tests/diff/config_dirs_vs_platformdirs.py (the lead's
// `kit config path` prints one folder; the test needs all of them for thousands of cases).
// One case per stdin line, a JSON object:
//   {"os": "linux"|"macos"|"windows", "app": "", "author": null|false|"name", "version": "",
//    "roaming": false, "multipath": false, "home": "/home/alice", "env": {"XDG_...": "..."}}
// One JSON object per stdout line: {"config": ..., "data": ..., "cache": ..., "state": ...,
// "log": ..., "runtime": ..., "site_config": ..., "site_data": ...}, each the folder (a string)
// or {"error": CODE}.
#include <iostream>
#include <string>

#include "kit/config/dirs.hpp"
#include "kit/config/json.hpp"

#undef linux

namespace {

using kit::config::DirKind;
using kit::config::Json;

Json folder(const kit::Result<std::string>& result) {
  if (result) return *result;
  return Json{{"error", result.error().code}};
}

}  // namespace

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    Json in = Json::parse(line);
    kit::config::PlatformDirs dirs{.os = *kit::config::parse_os(in.at("os").get<std::string>()),
                                   .env = {}};
    dirs.app = in.value("app", "");
    const Json& author = in.at("author");
    if (author.is_string()) dirs.author = author.get<std::string>();
    dirs.no_author = author.is_boolean() && !author.get<bool>();
    dirs.version = in.value("version", "");
    dirs.roaming = in.value("roaming", false);
    dirs.multipath = in.value("multipath", false);
    dirs.env.home = in.at("home").get<std::string>();
    for (const auto& [name, value] : in.at("env").items())
      dirs.env.variables[name] = value.get<std::string>();
    Json out = Json::object();
    for (DirKind kind : {DirKind::config, DirKind::data, DirKind::cache, DirKind::state,
                         DirKind::log, DirKind::runtime})
      out[std::string(kit::config::dir_kind_name(kind))] = folder(dirs.user_dir(kind));
    out["site_config"] = folder(dirs.site_config_dir());
    out["site_data"] = folder(dirs.site_data_dir());
    std::cout << out.dump() << '\n';
  }
  return 0;
}
