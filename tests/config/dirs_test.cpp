#include <sys/stat.h>

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "kit/config/dirs.hpp"
#include "kit/fs.hpp"

#undef linux

namespace kit::config {
namespace {

// A PlatformDirs for `os` with nothing from this process: home /home/alice, uid 1000.
PlatformDirs make(Os os, std::string app = "App") {
  PlatformDirs dirs{.app = std::move(app), .os = os, .env = {}};
  dirs.env.home = "/home/alice";
  dirs.env.uid = 1000;
  return dirs;
}

std::string ok(const Result<std::string>& r) {
  EXPECT_TRUE(r) << r.error().code << ": " << r.error().message;
  return r ? *r : std::string("<error>");
}

TEST(PlatformDirsNames, ParseOsAndKind) {
  EXPECT_EQ(*parse_os("linux"), Os::linux);
  EXPECT_EQ(*parse_os("macos"), Os::macos);
  EXPECT_EQ(*parse_os("windows"), Os::windows);
  auto bad = parse_os("darwin");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "config.bad_os");
  EXPECT_NE(bad.error().message.find("darwin"), std::string::npos);
  EXPECT_EQ(*parse_dir_kind("runtime"), DirKind::runtime);
  EXPECT_EQ(*parse_dir_kind("log"), DirKind::log);
  auto kind = parse_dir_kind("logs");
  ASSERT_FALSE(kind);
  EXPECT_EQ(kind.error().code, "config.bad_kind");
  EXPECT_EQ(path_separator(Os::windows), '\\');
  EXPECT_EQ(path_separator(Os::macos), '/');
  EXPECT_EQ(host_os(), Os::linux);  // these tests run on Linux
}

TEST(PlatformDirsLinux, XdgDefaultsUnderHome) {
  auto d = make(Os::linux);
  EXPECT_EQ(ok(d.user_config_dir()), "/home/alice/.config/App");
  EXPECT_EQ(ok(d.user_data_dir()), "/home/alice/.local/share/App");
  EXPECT_EQ(ok(d.user_cache_dir()), "/home/alice/.cache/App");
  EXPECT_EQ(ok(d.user_state_dir()), "/home/alice/.local/state/App");
  EXPECT_EQ(ok(d.user_log_dir()), "/home/alice/.local/state/App/log");
  EXPECT_EQ(ok(d.user_runtime_dir()), "/run/user/1000/App");
  EXPECT_EQ(ok(d.site_config_dir()), "/etc/xdg/App");
  EXPECT_EQ(ok(d.site_data_dir()), "/usr/local/share/App");
  d.multipath = true;
  EXPECT_EQ(ok(d.site_data_dir()), "/usr/local/share/App:/usr/share/App");
  d.version = "1.2";
  EXPECT_EQ(ok(d.user_log_dir()), "/home/alice/.local/state/App/1.2/log");
}

TEST(PlatformDirsLinux, VariablesWinAndBlankOnesAreUnset) {
  auto d = make(Os::linux);
  d.env.variables = {{"XDG_CONFIG_HOME", "/cfg"},      {"XDG_DATA_HOME", ""},
                     {"XDG_CACHE_HOME", " \t"},        {"XDG_STATE_HOME", "/st/"},
                     {"XDG_RUNTIME_DIR", "/run/x"},    {"XDG_CONFIG_DIRS", "/a:~/b:/c"},
                     {"XDG_DATA_DIRS", "\xE3\x80\x80"}};  // U+3000 is whitespace to Python
  EXPECT_EQ(ok(d.user_config_dir()), "/cfg/App");
  EXPECT_EQ(ok(d.user_data_dir()), "/home/alice/.local/share/App");
  EXPECT_EQ(ok(d.user_cache_dir()), "/home/alice/.cache/App");
  EXPECT_EQ(ok(d.user_state_dir()), "/st/App");
  EXPECT_EQ(ok(d.user_runtime_dir()), "/run/x/App");
  EXPECT_EQ(ok(d.site_config_dir()), "/a/App");
  d.multipath = true;
  EXPECT_EQ(ok(d.site_config_dir()), "/a/App:/home/alice/b/App:/c/App");  // ~ expanded
  EXPECT_EQ(ok(d.site_data_dir()), "/usr/local/share/App:/usr/share/App");
}

TEST(PlatformDirsLinux, EmptyAppHasNoComponentAndVersionNeedsApp) {
  auto d = make(Os::linux, "");
  d.version = "2";
  EXPECT_EQ(ok(d.user_config_dir()), "/home/alice/.config");
  EXPECT_EQ(ok(d.user_log_dir()), "/home/alice/.local/state/log");
}

TEST(PlatformDirsLinux, HomeAsPythonExpandsIt) {
  auto d = make(Os::linux);
  d.env.home = "/";
  EXPECT_EQ(ok(d.user_config_dir()), "/.config/App");
  d.env.home = "/home/bob//";
  EXPECT_EQ(ok(d.user_cache_dir()), "/home/bob/.cache/App");
}

TEST(PlatformDirsMacos, LibraryFolders) {
  auto d = make(Os::macos);
  EXPECT_EQ(ok(d.user_data_dir()), "/home/alice/Library/Application Support/App");
  EXPECT_EQ(ok(d.user_state_dir()), "/home/alice/Library/Application Support/App");
  EXPECT_EQ(ok(d.user_cache_dir()), "/home/alice/Library/Caches/App");
  EXPECT_EQ(ok(d.user_log_dir()), "/home/alice/Library/Logs/App");
  EXPECT_EQ(ok(d.user_runtime_dir()), "/home/alice/Library/Caches/TemporaryItems/App");
  EXPECT_EQ(ok(d.site_data_dir()), "/Library/Application Support/App");
}

// Deviation (a): platformdirs 2.6 says ~/Library/Preferences/App; >= 3.0 and the seed say
// Application Support, for the site folder too.
TEST(PlatformDirsMacos, DeviationConfigInApplicationSupport) {
  auto d = make(Os::macos, "MyPythonApp");
  EXPECT_EQ(ok(d.user_config_dir()), "/home/alice/Library/Application Support/MyPythonApp");
  EXPECT_EQ(ok(d.site_config_dir()), "/Library/Application Support/MyPythonApp");
  EXPECT_EQ(ok(d.user_config_dir()).find("Preferences"), std::string::npos);
}

// Deviation (b): an XDG variable that is set wins on macOS for the kind it names, as on Linux;
// blank is unset; the log folder stays ~/Library/Logs.
TEST(PlatformDirsMacos, DeviationXdgVariablesWinWhenSet) {
  auto d = make(Os::macos);
  d.env.variables = {{"XDG_CONFIG_HOME", "/x/config"}, {"XDG_DATA_HOME", "/x/data"},
                     {"XDG_CACHE_HOME", "/x/cache"},   {"XDG_STATE_HOME", "/x/state"},
                     {"XDG_RUNTIME_DIR", "/x/run"},    {"XDG_CONFIG_DIRS", "/x/etc:/y/etc"},
                     {"XDG_DATA_DIRS", "/x/share"}};
  EXPECT_EQ(ok(d.user_config_dir()), "/x/config/App");
  EXPECT_EQ(ok(d.user_data_dir()), "/x/data/App");
  EXPECT_EQ(ok(d.user_cache_dir()), "/x/cache/App");
  EXPECT_EQ(ok(d.user_state_dir()), "/x/state/App");
  EXPECT_EQ(ok(d.user_runtime_dir()), "/x/run/App");
  EXPECT_EQ(ok(d.user_log_dir()), "/home/alice/Library/Logs/App");
  EXPECT_EQ(ok(d.site_config_dir()), "/x/etc/App");
  EXPECT_EQ(ok(d.site_data_dir()), "/x/share/App");
  // Only the kind a variable names moves: XDG_DATA_HOME alone leaves config and state.
  d.env.variables = {{"XDG_DATA_HOME", "/x/data"}, {"XDG_CONFIG_HOME", "  "}};
  EXPECT_EQ(ok(d.user_data_dir()), "/x/data/App");
  EXPECT_EQ(ok(d.user_config_dir()), "/home/alice/Library/Application Support/App");
  EXPECT_EQ(ok(d.user_state_dir()), "/home/alice/Library/Application Support/App");
}

PlatformDirs windows(std::string app = "App") {
  auto d = make(Os::windows, std::move(app));
  d.env.variables = {{"APPDATA", R"(C:\Users\alice\AppData\Roaming)"},
                     {"LOCALAPPDATA", "C:/Users/alice/AppData/Local/"},
                     {"ALLUSERSPROFILE", R"(C:\ProgramData)"}};
  return d;
}

TEST(PlatformDirsWindows, AuthorLevelCacheLogsAndTemp) {
  auto d = windows();
  EXPECT_EQ(ok(d.user_data_dir()), R"(C:\Users\alice\AppData\Local\App\App)");
  EXPECT_EQ(ok(d.user_config_dir()), R"(C:\Users\alice\AppData\Local\App\App)");
  EXPECT_EQ(ok(d.user_cache_dir()), R"(C:\Users\alice\AppData\Local\App\App\Cache)");
  EXPECT_EQ(ok(d.user_log_dir()), R"(C:\Users\alice\AppData\Local\App\App\Logs)");
  EXPECT_EQ(ok(d.user_runtime_dir()), R"(C:\Users\alice\AppData\Local\Temp\App\App)");
  EXPECT_EQ(ok(d.site_config_dir()), R"(C:\ProgramData\App\App)");
  d.author = "Acme";
  d.version = "1.0";
  EXPECT_EQ(ok(d.user_cache_dir()), R"(C:\Users\alice\AppData\Local\Acme\App\Cache\1.0)");
  EXPECT_EQ(ok(d.user_log_dir()), R"(C:\Users\alice\AppData\Local\Acme\App\1.0\Logs)");
  d.roaming = true;
  EXPECT_EQ(ok(d.user_config_dir()), R"(C:\Users\alice\AppData\Roaming\Acme\App\1.0)");
  EXPECT_EQ(ok(d.user_cache_dir()), R"(C:\Users\alice\AppData\Local\Acme\App\Cache\1.0)");
}

// The seed's %APPDATA%\MyPythonApp is roaming with no author.
TEST(PlatformDirsWindows, SeedFormIsRoamingWithoutAuthor) {
  auto d = windows("MyPythonApp");
  EXPECT_EQ(ok(d.user_config_dir()), R"(C:\Users\alice\AppData\Local\MyPythonApp\MyPythonApp)");
  d.no_author = true;
  d.roaming = true;
  EXPECT_EQ(ok(d.user_config_dir()), R"(C:\Users\alice\AppData\Roaming\MyPythonApp)");
}

TEST(PlatformDirsWindows, EmptyAppStillGetsLogs) {
  auto d = windows("");
  d.author = "Acme";
  EXPECT_EQ(ok(d.user_data_dir()), R"(C:\Users\alice\AppData\Local)");
  EXPECT_EQ(ok(d.user_cache_dir()), R"(C:\Users\alice\AppData\Local)");
  EXPECT_EQ(ok(d.user_log_dir()), R"(C:\Users\alice\AppData\Local\Logs)");
}

TEST(PlatformDirsWindows, UnsetOrEmptyVariableIsAnErrorNamingIt) {
  auto d = windows();
  d.env.variables.erase("LOCALAPPDATA");
  auto r = d.user_cache_dir();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "config.dirs");
  EXPECT_NE(r.error().message.find("LOCALAPPDATA is not set"), std::string::npos);
  d.env.variables["LOCALAPPDATA"] = "";
  r = d.user_data_dir();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("LOCALAPPDATA is empty"), std::string::npos);
  d.roaming = true;  // APPDATA is set: the roaming data folder needs nothing else
  EXPECT_EQ(ok(d.user_data_dir()), R"(C:\Users\alice\AppData\Roaming\App\App)");
}

TEST(PlatformDirsSites, OnlyConfigAndData) {
  auto d = make(Os::linux);
  for (DirKind kind : {DirKind::cache, DirKind::state, DirKind::log, DirKind::runtime}) {
    auto r = d.site_dir(kind);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "config.bad_kind");
  }
  EXPECT_EQ(ok(d.site_dir(DirKind::data)), "/usr/local/share/App");
}

TEST(PlatformDirsEnsure, CreatesParentsWithMode0700) {
  auto tmp = kit::fs::TempDir::create("kit-dirs-");
  ASSERT_TRUE(tmp);
  auto d = make(Os::linux);
  d.env.home = tmp->path();
  d.version = "3";
  d.ensure_exists = true;
  std::string folder = ok(d.user_log_dir());
  EXPECT_EQ(folder, tmp->path() + "/.local/state/App/3/log");
  struct stat st {};
  ASSERT_EQ(::stat(folder.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((tmp->path() + "/.local").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(ok(d.user_log_dir()), folder);  // existing: fine
  // multipath: every entry.
  d.multipath = true;
  d.env.variables["XDG_DATA_DIRS"] = tmp->path() + "/s1:" + tmp->path() + "/s2";
  EXPECT_EQ(ok(d.site_data_dir()), tmp->path() + "/s1/App/3:" + tmp->path() + "/s2/App/3");
  EXPECT_EQ(::stat((tmp->path() + "/s2/App/3").c_str(), &st), 0);
}

TEST(PlatformDirsEnsure, FailureNamesThePath) {
  auto tmp = kit::fs::TempDir::create("kit-dirs-");
  ASSERT_TRUE(tmp);
  std::ofstream(tmp->path() + "/file") << "not a folder";
  auto d = make(Os::linux);
  d.env.variables["XDG_CONFIG_HOME"] = tmp->path() + "/file";
  d.ensure_exists = true;
  auto r = d.user_config_dir();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "config.dirs");
  EXPECT_EQ(r.error().kind, ErrorKind::io);
  EXPECT_NE(r.error().message.find(tmp->path() + "/file/App"), std::string::npos)
      << r.error().message;
}

TEST(PlatformDirsEnsure, RefusedForAnotherOs) {
  auto d = windows();
  d.ensure_exists = true;
  auto r = d.user_config_dir();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "config.dirs");
  d.ensure_exists = false;
  EXPECT_TRUE(d.user_config_dir());
}

TEST(PlatformDirsEnvironment, FromProcessReadsVariablesAndHome) {
  ASSERT_EQ(::setenv("KIT_DIRS_TEST", "v=1", 1), 0);
  auto env = Environment::from_process();
  EXPECT_EQ(env.get("KIT_DIRS_TEST"), "v=1");
  EXPECT_FALSE(env.get("KIT_DIRS_TEST_UNSET"));
  const char* home = std::getenv("HOME");
  if (home != nullptr) {
    EXPECT_EQ(env.home, home);
  }
  EXPECT_FALSE(env.home.empty() && home == nullptr);
  ::unsetenv("KIT_DIRS_TEST");
}

}  // namespace
}  // namespace kit::config
