// Feeding files to a Hasher: large reads into a reused buffer, no per-byte work.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "kit/hash.hpp"

namespace kit::hash {

namespace {

// 256 KiB: past it, bigger reads gain nothing; below it, syscalls start to show for fast hashes.
constexpr std::size_t block_size = 256 * 1024;

// The system's reason alone ("No such file or directory"): the caller names the file, quoted
// as it likes. A missing file is ErrorKind::not_found (sha256sum --ignore-missing skips those).
Error io_error(int err, std::string code) {
  return make_error(err == ENOENT ? ErrorKind::not_found : ErrorKind::io, std::move(code),
                    std::strerror(err));
}

}  // namespace

Result<void> hash_fd(Hasher& hasher, int fd) {
  thread_local std::unique_ptr<char[]> buffer(new char[block_size]);
  bool first = true;
  while (true) {
    const ssize_t got = ::read(fd, buffer.get(), block_size);
    if (got < 0) {
      if (errno == EINTR) continue;
      return tl::unexpected(io_error(errno, "hash.read"));
    }
    if (got == 0) return {};
    // A file that fills the first block is worth read-ahead advice; small files (most of a
    // tree) are spared the extra system calls.
    if (first && static_cast<std::size_t>(got) == block_size)
      ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    first = false;
    hasher.update(std::string_view(buffer.get(), static_cast<std::size_t>(got)));
  }
}

Result<void> hash_file(Hasher& hasher, const std::string& path) {
  if (path == "-") return hash_fd(hasher, STDIN_FILENO);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return tl::unexpected(io_error(errno, "hash.open"));
  auto result = hash_fd(hasher, fd);
  ::close(fd);
  return result;
}

}  // namespace kit::hash
