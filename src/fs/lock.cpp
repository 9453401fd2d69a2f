// FileLock: flock(2) on a lock file, waited for with a bounded backoff.
#include <fcntl.h>
#include <sys/file.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/core.h>

#include "kit/fs.hpp"

namespace kit::fs {

Result<FileLock> FileLock::acquire(const std::string& lock_path, std::chrono::milliseconds timeout,
                                   core::Clock& clock) {
  FileLock lock;
  lock.path_ = lock_path;
  lock.fd_ = core::FileDescriptor(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!lock.fd_.valid())
    return fail(ErrorKind::io, "fs.lock",
                fmt::format("{}: cannot open the lock file: {}", lock_path, std::strerror(errno)));
  const core::Duration deadline = clock.now() + timeout;
  // flock has no timeout of its own: try, then sleep 1 ms doubling to 25 ms (a writer holds the
  // lock for about one fsync, so waiters are served within a few milliseconds of its release).
  core::Duration pause = std::chrono::milliseconds(1);
  while (::flock(lock.fd_.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK)
      return fail(ErrorKind::io, "fs.lock",
                  fmt::format("{}: cannot lock: {}", lock_path, std::strerror(errno)));
    const core::Duration left = deadline - clock.now();
    if (left <= core::Duration::zero())
      return fail(ErrorKind::io, "fs.lock_timeout",
                  fmt::format("{}: still locked by another writer after {} ms", lock_path,
                              timeout.count()));
    clock.sleep_for(std::min(pause, left));
    pause = std::min<core::Duration>(pause * 2, std::chrono::milliseconds(25));
  }
  return lock;
}

}  // namespace kit::fs
