// FileCache: a WeakCache of file buffers keyed by the file's identity, with a byte budget that
// decides between memory and disk.
#include "kit/cache/file_cache.hpp"

#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>
#include <unordered_map>
#include <utility>

#include <fmt/core.h>

#include "kit/cache.hpp"

namespace kit::cache {

namespace {

// What makes one version of a file: an edit changes size or mtime, a rename over it the inode.
struct FileKey {
  std::string path;
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileKey&) const = default;
};

struct FileKeyHash {
  std::size_t operator()(const FileKey& k) const {
    std::size_t h = std::hash<std::string>{}(k.path);
    for (std::uint64_t v : {k.device, k.inode, k.size, static_cast<std::uint64_t>(k.mtime_ns)})
      h ^= std::hash<std::uint64_t>{}(v) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
  }
};

using Buffers = WeakCache<FileKey, const std::string, FileKeyHash>;

constexpr std::string_view over_budget = "cache.over_budget";

FileKey key_of(const std::string& path, const struct stat& st) {
  return FileKey{path, static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                 static_cast<std::uint64_t>(st.st_size),
                 static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
                     static_cast<std::int64_t>(st.st_mtim.tv_nsec)};
}

tl::unexpected<Error> not_a_file(const std::string& path) {
  return fail(ErrorKind::not_found, "cache.not_a_file", fmt::format("'{}' is not a file", path));
}

tl::unexpected<Error> changed(const std::string& path) {
  return fail(ErrorKind::failed, "cache.changed",
              fmt::format("'{}' changed while it was read", path));
}

// stat_file(name, path, fd): the file's stat, through `fd` when it is open (the identity of
// what was opened) or by name; only regular files.
Result<struct stat> stat_file(const std::string& name, const std::string& path, int fd = -1) {
  struct stat st {};
  if ((fd >= 0 ? ::fstat(fd, &st) : ::stat(name.c_str(), &st)) != 0) {
    const int e = errno;
    if (e == ENOENT || e == ENOTDIR || e == ENAMETOOLONG || e == ELOOP)
      return fail(ErrorKind::not_found, "cache.not_found",
                  fmt::format("'{}': {}", path, std::strerror(e)));
    return fail(ErrorKind::io, "cache.stat",
                fmt::format("cannot stat '{}': {}", path, std::strerror(e)));
  }
  if (!S_ISREG(st.st_mode)) return not_a_file(path);
  return st;
}

FileHandle handle_of(const FileKey& key) {
  FileHandle handle;
  handle.path = key.path;
  handle.size = key.size;
  handle.mtime = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(key.mtime_ns)));
  handle.etag = fmt::format("\"{:x}-{:x}-{:x}\"", static_cast<std::uint64_t>(key.mtime_ns),
                            key.size, key.inode);
  return handle;
}

// read_version(name, key): the bytes of that version of the file; cache.changed when the file
// opened is another one (the caller stats again).
Result<std::string> read_version(const std::string& name, const FileKey& key) {
  auto fd = core::open_for_reading(name);
  if (!fd) return tl::unexpected(fd.error());
  auto st = stat_file(name, key.path, fd->get());
  if (!st) return tl::unexpected(st.error());
  if (!(key_of(key.path, *st) == key)) return changed(key.path);
  auto bytes = core::read_all(fd->get(), key.path);
  if (!bytes) return tl::unexpected(bytes.error());
  if (bytes->size() != key.size) return changed(key.path);
  bytes->shrink_to_fit();  // read_all reads in 64 KiB steps
  return bytes;
}

}  // namespace

struct FileCache::Impl {
  explicit Impl(FileCacheOptions o) : options(std::move(o)), buffers(buffer_options()) {}

  Buffers::Options buffer_options() {
    Buffers::Options b;
    b.lru_bytes = options.budget_bytes;
    b.size_of = [](const std::string& s) { return s.size(); };
    b.key_text = [](const FileKey& k) { return k.path; };
    // Buffers outlive the cache when held: the count they give back to is shared with them.
    b.on_evict = [live = live](const FileKey&, const std::string& s) { live->fetch_sub(s.size()); };
    b.log = options.log;
    return b;
  }

  // reserve(n): counts n more bytes alive if they fit in the budget.
  bool reserve(std::size_t n) {
    std::size_t current = live->load();
    do {
      if (n > options.budget_bytes || current > options.budget_bytes - n) return false;
    } while (!live->compare_exchange_weak(current, current + n));
    return true;
  }

  Result<FileHandle> open(const std::string& path, int attempts);

  FileCacheOptions options;
  std::shared_ptr<std::atomic<std::size_t>> live = std::make_shared<std::atomic<std::size_t>>(0);
  std::atomic<std::uint64_t> streamed{0};
  std::atomic<std::uint64_t> loads{0};
  std::atomic<std::uint64_t> over_budget_loads{0};
  std::mutex mutex;
  std::unordered_map<std::string, FileKey> latest;  // the version each path had when last opened
  Buffers buffers;  // last: its values' on_evict reach `live`, which must be made first
};

// A hit costs one stat(2): the file is opened only to be read into memory or streamed.
Result<FileHandle> FileCache::Impl::open(const std::string& path, int attempts) {
  // "-" would be standard input to core::open_for_reading; here it is a file named "-".
  const std::string name = path == "-" ? "./-" : path;
  // Not a regular file is refused before any open: opening a FIFO waits for a writer.
  auto st = stat_file(name, path);
  if (!st) return tl::unexpected(st.error());
  const FileKey key = key_of(path, *st);

  // A newer version: the old one's buffer leaves the LRU tier now, and memory once unheld.
  std::optional<FileKey> stale;
  {
    std::lock_guard lock(mutex);
    auto [it, fresh] = latest.try_emplace(path, key);
    if (!fresh && !(it->second == key)) {
      stale = std::move(it->second);
      it->second = key;
    }
  }
  if (stale) buffers.erase(*stale);

  if (key.size <= options.max_file_bytes && key.size <= options.budget_bytes) {
    const std::size_t size = static_cast<std::size_t>(key.size);
    auto loaded = buffers.get_or_load(key, [&]() -> Result<std::shared_ptr<const std::string>> {
      if (!reserve(size)) {
        // Cached buffers nobody holds make room; those being sent do not.
        const std::size_t current = live->load();
        buffers.shrink_lru(current + size - std::min(current + size, options.budget_bytes));
        if (!reserve(size)) {
          ++over_budget_loads;
          return fail(ErrorKind::failed, std::string(over_budget), "over the cache budget");
        }
      }
      auto bytes = read_version(name, key);
      if (!bytes) {
        live->fetch_sub(size);
        return tl::unexpected(bytes.error());
      }
      ++loads;
      return std::make_shared<const std::string>(std::move(*bytes));
    });
    if (loaded) {
      FileHandle handle = handle_of(key);
      handle.bytes = std::move(*loaded);
      return handle;
    }
    if (loaded.error().code == "cache.changed" && attempts > 1) return open(path, attempts - 1);
    if (loaded.error().code != over_budget) return tl::unexpected(loaded.error());
  }

  // Streamed: described by what was opened (a newer version than the stat above, maybe).
  auto fd = core::open_for_reading(name);
  if (!fd) return tl::unexpected(fd.error());
  auto opened = stat_file(name, path, fd->get());
  if (!opened) return tl::unexpected(opened.error());
  FileHandle handle = handle_of(key_of(path, *opened));
  ++streamed;
  if (options.log)
    options.log(fmt::format("  [cache disk] {} -- streaming {} bytes", path, handle.size));
  handle.fd = std::move(*fd);
  return handle;
}

FileCache::FileCache(FileCacheOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

FileCache::~FileCache() = default;

Result<FileHandle> FileCache::open(const std::string& path) {
  return impl_->open(path, 3);
}

FileCacheStats FileCache::stats() const {
  const CacheStats b = impl_->buffers.stats();
  FileCacheStats s;
  s.hits = b.hits;
  s.misses = b.misses;
  s.loads = impl_->loads.load();
  s.streamed = impl_->streamed.load();
  s.evictions = b.evictions;
  s.bytes_in_memory = impl_->live->load();
  s.lru_bytes = b.lru_bytes;
  return s;
}

void FileCache::clear() {
  impl_->buffers.clear();
}

std::string http_date(std::chrono::system_clock::time_point t) {
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds =
      std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(t));
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", days[tm.tm_wday], tm.tm_mday,
                     months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

}  // namespace kit::cache
