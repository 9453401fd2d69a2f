// kit/cache/file_cache.hpp — files for a static file server: small ones shared from memory,
// the rest streamed from disk, and an edit always shows.
//
// FileCache::open(path) stats the file and opens it (through kit/core/file.hpp). A regular file
// of at most max_file_bytes whose bytes fit in budget_bytes comes back as a shared, immutable
// buffer: every response sending it at the same time shares one copy (a WeakCache entry, alive
// while any handle holds it), and the most recently used files stay in memory without a holder
// (the LRU tier) as long as the budget allows. Anything else — a large file, or the budget
// spent on buffers still being sent — comes back as the open descriptor, to stream from disk;
// it is never read into memory. budget_bytes bounds every buffer alive at once, held or cached.
//
// An entry is keyed by path, device, inode, size and modification time (to the nanosecond), so
// a file edited or replaced (renamed over) since it was cached is read again, and the old
// buffer goes as soon as the responses still sending it are done.
//
// It remembers the version of each path it opened last (a few words per file), to drop an old
// version from the LRU tier as soon as a new one is seen.
//
// FileCache trusts `path`: the server keeps it inside its static root (no "..", no symbolic
// link out) before calling open.
//
// Example (a GET of a static file):
//   kit::cache::FileCacheOptions options;
//   options.budget_bytes = 64 << 20;                                  // --cache-size 64MiB
//   kit::cache::FileCache files(options);
//   auto file = files.open(root + "/hero.png");                       // Result<FileHandle>
//   if (!file) return file.error().kind == kit::ErrorKind::not_found ? 404 : 500;
//   headers["etag"] = file->etag;                                     // "\"18c3f...-2800-1a2b\""
//   headers["last-modified"] = kit::cache::http_date(file->mtime);    // Tue, 08 Dec 2026 ...
//   if (file->in_memory()) send(*file->bytes);                        // shared_ptr keeps it
//   else send_file(file->fd.get(), 0, file->size);                    // pread / sendfile
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "kit/core/error.hpp"
#include "kit/core/file.hpp"

namespace kit::cache {

struct FileCacheOptions {
  // Bytes of file buffers in memory at once, held by handles or kept by the LRU tier.
  std::size_t budget_bytes = std::size_t{64} << 20;
  // Larger files are always streamed from disk.
  std::size_t max_file_bytes = std::size_t{1} << 20;
  // Debug log, a line at a time: "  [cache hit]  PATH", "  [cache miss] PATH -- loaded N
  // bytes" (the weakref tutorial's lines) and "  [cache disk] PATH -- streaming N bytes".
  std::function<void(std::string_view)> log;
};

// FileHandle: one opened file; exactly one of `bytes` and `fd` is set.
struct FileHandle {
  std::string path;
  std::uint64_t size = 0;
  std::chrono::system_clock::time_point mtime;  // for Last-Modified (http_date)
  std::string etag;                             // a strong ETag, quoted: "\"mtime-size-inode\""
  // The whole file, shared with other handles of the same version; never changes.
  std::shared_ptr<const std::string> bytes;
  // The open file, when it is streamed: read it at offsets (pread, sendfile); its position is
  // unspecified.
  core::FileDescriptor fd;

  [[nodiscard]] bool in_memory() const { return bytes != nullptr; }
};

struct FileCacheStats {
  std::uint64_t hits = 0;           // opens answered from memory
  std::uint64_t misses = 0;         // opens of a small file not in memory (read, or streamed)
  std::uint64_t loads = 0;          // files read into memory
  std::uint64_t streamed = 0;       // opens answered with a descriptor (too large, or no budget)
  std::uint64_t evictions = 0;      // buffers freed
  std::size_t bytes_in_memory = 0;  // of buffers alive (≤ budget_bytes)
  std::size_t lru_bytes = 0;        // of them, kept by the LRU tier
};

// FileCache: thread-safe; handles may outlive it.
class FileCache {
 public:
  FileCache() : FileCache(FileCacheOptions{}) {}
  explicit FileCache(FileCacheOptions options);
  FileCache(const FileCache&) = delete;
  FileCache& operator=(const FileCache&) = delete;
  ~FileCache();

  // open(path): the file, in memory or open for streaming. Errors: cache.not_found
  // (ErrorKind::not_found) when nothing is there, cache.not_a_file (not_found) for a folder, a
  // FIFO or a device; core.open / core.read / cache.stat (io) when it cannot be read.
  [[nodiscard]] Result<FileHandle> open(const std::string& path);

  [[nodiscard]] FileCacheStats stats() const;
  // clear(): lets the LRU tier go (buffers still held stay until their handles go).
  void clear();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// http_date(t): t as HTTP's IMF-fixdate, "Tue, 08 Dec 2026 01:05:01 GMT" (RFC 9110 5.6.7;
// Python's email.utils.formatdate(t, usegmt=True), as Starlette's FileResponse sends it).
[[nodiscard]] std::string http_date(std::chrono::system_clock::time_point t);

}  // namespace kit::cache
