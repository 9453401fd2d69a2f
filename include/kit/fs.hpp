// kit/fs.hpp — the cross-platform tutorial's file habits, once for every module: write a file
// so that a crash never leaves it empty or half-written, and temporary files and folders that
// clean up after themselves (Python's tempfile), shutil.which, and text read as Python's text
// mode reads it (universal newlines, no byte order mark). PurePath (kit/fs/path.hpp): POSIX
// and Windows paths as text, as pathlib's pure paths; kit/fs/ospath.hpp: os.path's string
// functions (posixpath, ntpath), as platformdirs and shutil.which use them.
//
// atomic_write writes a unique temporary file beside the target, syncs it, renames it over the
// target and syncs the folder: a reader sees the old bytes or the new ones, never a mix, and a
// power cut after it returns keeps the new ones. An existing file keeps its mode; a symbolic
// link is written through to its target (the link stays a link).
//
// Example:
//   if (auto ok = kit::fs::atomic_write("settings.json", text, 0600); !ok)
//     return report(ok.error());   // fs.write, with the path and the reason
//
//   auto dir = kit::fs::TempDir::create("kit-test-");   // removed with everything in it
//   kit::fs::TempFile scratch = *kit::fs::TempFile::create(dir->path());
//   scratch.keep();                                      // ... unless kept
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "kit/core/clock.hpp"
#include "kit/core/error.hpp"
#include "kit/core/file.hpp"
#include "kit/fs/path.hpp"

namespace kit::fs {

// atomic_write(path, bytes, mode): `mode` is for a new file (an existing one keeps its own);
// errors are fs.write (ErrorKind::io) naming the path. The temporary file never outlives a
// failed call.
[[nodiscard]] Result<void> atomic_write(const std::string& path, std::string_view bytes,
                                        mode_t mode = 0644);

// remove_stale_temps(path): removes the temporary files that an atomic_write of `path` killed
// midway left beside its target (`.<name>.tmp-XXXXXX`); the number removed. Only safe while no
// other writer of `path` is running: call it holding the writers' FileLock.
[[nodiscard]] Result<std::size_t> remove_stale_temps(const std::string& path);

// FileLock: an exclusive flock(2) on a lock file (created 0600 when missing), released when this
// goes. Writers of one file agree on a lock file beside it (`<file>.lock`) rather than locking
// the file itself, whose inode a rename replaces. acquire() waits up to `timeout` (polling with
// a short backoff on `clock`); fs.lock_timeout when another holder keeps it, fs.lock when the
// lock file cannot be opened.
class FileLock {
 public:
  [[nodiscard]] static Result<FileLock> acquire(const std::string& lock_path,
                                                std::chrono::milliseconds timeout,
                                                core::Clock& clock = core::steady_clock());
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  FileLock() = default;
  std::string path_;
  core::FileDescriptor fd_;
};

// TempFile: a new, empty file (mode 0600) in `dir` (default: $TMPDIR or /tmp), removed when
// this goes unless keep() was called.
class TempFile {
 public:
  [[nodiscard]] static Result<TempFile> create(const std::string& dir = {},
                                               std::string_view prefix = "kit-");
  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&& other) noexcept;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile();

  [[nodiscard]] const std::string& path() const { return path_; }
  void keep() { keep_ = true; }

 private:
  TempFile() = default;
  std::string path_;
  bool keep_ = false;
};

// TempDir: a new folder (mode 0700), removed with all it holds when this goes unless keep().
class TempDir {
 public:
  [[nodiscard]] static Result<TempDir> create(std::string_view prefix = "kit-",
                                              const std::string& parent = {});
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  [[nodiscard]] const std::string& path() const { return path_; }
  void keep() { keep_ = true; }

 private:
  TempDir() = default;
  std::string path_;
  bool keep_ = false;
};

// temp_directory(): $TMPDIR when set and not empty, else /tmp (as tempfile.gettempdir()).
[[nodiscard]] std::string temp_directory();

// which(name, path): the first executable file called `name` in the folders of `path`
// (default: $PATH; unset: /bin:/usr/bin), as shutil.which on POSIX: a name with a slash is
// checked as it is, an empty entry is the current folder, folders are skipped. The Windows
// flavour (PATHEXT) is the overload below.
[[nodiscard]] std::optional<std::string> which(std::string_view name,
                                               std::optional<std::string_view> path = {});

// which(name, path, flavour, pathext): PathFlavour::posix is the overload above. The Windows
// flavour is shutil.which of Python 3.11 on Windows, run against this machine's files:
// `path` (default $PATH; unset: ".;C:\bin") is split at ';' and searched with the current
// folder "." first; `pathext` (default $PATHEXT; unset or empty:
// ".COM;.EXE;.BAT;.CMD;.VBS;.JS;.WS;.MSC") gives the extensions tried in turn, unless `name`
// already ends in one (case-insensitively); a name with a folder or drive part ("bin\x",
// "C:x") is checked as it is. A candidate is found when it exists and is not a folder (Windows
// has no execute bit); folders differing only in case or slashes are searched once. The
// answer is joined as ntpath.join joins (".\tool.EXE"); to look it up here, each backslash is
// read as a slash.
//   kit::fs::which("python", "C:\Python311;C:\Windows", kit::fs::PathFlavour::windows)
[[nodiscard]] std::optional<std::string> which(std::string_view name,
                                               std::optional<std::string_view> path,
                                               PathFlavour flavour,
                                               std::optional<std::string_view> pathext = {});

// universal_newlines(text): CRLF and lone CR become LF and a UTF-8 byte order mark at the start
// goes, as Python's text mode reads (newline=None, encoding="utf-8-sig").
[[nodiscard]] std::string universal_newlines(std::string_view text);

// read_text(path): a user's text file through universal_newlines ("-": standard input).
[[nodiscard]] Result<std::string> read_text(const std::string& path);

}  // namespace kit::fs
