// atomic_write: temporary file beside the target, fsync, rename, fsync of the folder.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/core.h>

#include "kit/core/file.hpp"
#include "kit/fs.hpp"

namespace kit::fs {

namespace {

tl::unexpected<Error> write_error(const std::string& path, std::string_view what, int err) {
  return fail(ErrorKind::io, "fs.write", fmt::format("{}: {}: {}", path, what, std::strerror(err)));
}

// The file a write to `path` lands in: symbolic links followed (a dangling one included), so
// that the rename replaces the target and the link stays a link.
Result<std::string> write_target(const std::string& path) {
  std::string target = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st {};
    if (::lstat(target.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return target;
    std::string link(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 4096) + 1, '\0');
    const ssize_t n = ::readlink(target.c_str(), link.data(), link.size());
    if (n < 0) return write_error(path, "cannot read the link", errno);
    link.resize(static_cast<std::size_t>(n));
    const std::filesystem::path next(link);
    target =
        next.is_absolute() ? link : (std::filesystem::path(target).parent_path() / next).string();
  }
  return write_error(path, "cannot follow the link", ELOOP);
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

Result<void> atomic_write(const std::string& path, std::string_view bytes, mode_t mode) {
  auto target = write_target(path);
  if (!target) return tl::unexpected(target.error());
  struct stat existing {};
  if (::stat(target->c_str(), &existing) == 0) {
    if (!S_ISREG(existing.st_mode)) return write_error(path, "not a regular file", EISDIR);
    mode = existing.st_mode & 07777;
  }
  std::string dir = std::filesystem::path(*target).parent_path().string();
  if (dir.empty()) dir = ".";
  std::string temp =
      dir + "/." + std::filesystem::path(*target).filename().string() + ".tmp-XXXXXX";
  core::FileDescriptor fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (!fd.valid()) return write_error(path, "cannot create a temporary file", errno);
  auto abandon = [&](std::string_view what) {
    const int err = errno;
    ::unlink(temp.c_str());
    return write_error(path, what, err);
  };
  if (::fchmod(fd.get(), mode) != 0) return abandon("cannot set the mode");
  if (!write_all(fd.get(), bytes)) return abandon("cannot write");
  if (::fsync(fd.get()) != 0) return abandon("cannot sync");
  fd.reset();
  if (::rename(temp.c_str(), target->c_str()) != 0) return abandon("cannot replace it");
  // The rename is durable once the folder is synced.
  core::FileDescriptor folder(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!folder.valid() || ::fsync(folder.get()) != 0)
    return write_error(path, "cannot sync its folder", errno);
  return {};
}

Result<std::size_t> remove_stale_temps(const std::string& path) {
  auto target = write_target(path);
  if (!target) return tl::unexpected(target.error());
  const std::filesystem::path file(*target);
  std::filesystem::path dir = file.parent_path();
  if (dir.empty()) dir = ".";
  // mkostemp's six characters follow the prefix atomic_write gives its temporary files.
  const std::string prefix = "." + file.filename().string() + ".tmp-";
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() == prefix.size() + 6 && name.starts_with(prefix) &&
        ::unlink(entry.path().c_str()) == 0)
      ++removed;
  }
  if (ec) return write_error(path, "cannot list its folder", ec.value());
  return removed;
}

}  // namespace kit::fs
