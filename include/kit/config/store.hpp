// kit/config/store.hpp — one JSON settings file that survives crashes, concurrent writers and bad
// bytes: the tutorial's ConfigManager, made safe.
//
// Reads accept CRLF and a UTF-8 byte order mark; a missing file is an empty object. A file that
// does not parse, or whose top level is not an object, is config.corrupt (with line:column) and
// is never written: the tutorial's `_load` returned {} there, and its next `set` destroyed the
// user's file. Every change runs as one transaction: lock `<file>.lock` (waiting up to
// lock_timeout) -> re-read the file -> apply -> fs::atomic_write (LF, 2-space indent, a final
// newline; new files 0600, an existing file keeps its mode, a symbolic link is written through)
// -> unlock. Writers in other processes never lose each other's keys, and a writer killed at any
// point leaves the old bytes or the new ones; the next writer removes the temporary file it left.
//
// Example:
//   auto store = kit::config::Store::open("/home/alice/.config/MyPythonApp/config.json");
//   if (!store) return report(store.error());          // config.corrupt, config.read
//   (void)store->set("font_size", 14);
//   auto size = store->get_int("font_size");            // 14
//   auto theme = store->get_string("theme");            // config.missing (not_found)
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "kit/config/json.hpp"
#include "kit/config/key.hpp"
#include "kit/core/clock.hpp"
#include "kit/core/error.hpp"

namespace kit::config {

struct StoreOptions {
  std::chrono::milliseconds lock_timeout{10'000};
  mode_t new_file_mode = 0600;   // settings may hold secrets (a bot token)
  core::Clock* clock = nullptr;  // waits for the lock; nullptr: core::steady_clock()
};

class Store {
 public:
  // open(path): reads the file now (config.corrupt, config.read); a missing one is empty.
  [[nodiscard]] static Result<Store> open(std::string path, StoreOptions options = {});

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::string lock_path() const { return path_ + ".lock"; }
  // document(): the top-level object as last read or written by this Store.
  [[nodiscard]] const Json& document() const { return document_; }
  // exists(): whether the file existed when last read or written.
  [[nodiscard]] bool exists() const { return exists_; }
  // reload(): reads the file again (another process may have changed it).
  [[nodiscard]] Result<void> reload();

  // get(key): a copy of the value; config.missing (not_found) when absent, config.bad_key.
  [[nodiscard]] Result<Json> get(std::string_view key) const;
  // Typed reads: config.type when the value is of another type (no silent default);
  // get_int takes integers only (14, not 14.5), get_number any number.
  [[nodiscard]] Result<std::string> get_string(std::string_view key) const;
  [[nodiscard]] Result<std::int64_t> get_int(std::string_view key) const;
  [[nodiscard]] Result<double> get_number(std::string_view key) const;
  [[nodiscard]] Result<bool> get_bool(std::string_view key) const;

  // set(key, value): one transaction; config.type when a step of the key is not an object.
  [[nodiscard]] Result<void> set(std::string_view key, Json value);
  // unset(key): one transaction; whether the key was there (nothing is written when not).
  [[nodiscard]] Result<bool> unset(std::string_view key);
  // update(change): one transaction with any change to the freshly read document; the file is
  // written only when `change` succeeds and changed something.
  [[nodiscard]] Result<void> update(const std::function<Result<void>(Json&)>& change);
  // remove(): the tutorial's clear(): deletes the file under the lock; whether it existed.
  [[nodiscard]] Result<bool> remove();

 private:
  Store(std::string path, StoreOptions options);
  Result<void> read();
  Result<const Json*> lookup(std::string_view key) const;

  std::string path_;
  StoreOptions options_;
  Json document_ = Json::object();
  bool exists_ = false;
};

// read_document(path): a JSON file through parse_document; config.read (io) when unreadable.
[[nodiscard]] Result<Json> read_document(const std::string& path);

}  // namespace kit::config
