#include "kit/fs.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace fs = kit::fs;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

std::size_t entries(const std::string& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST(AtomicWrite, NewFileGetsTheModeAndTheBytes) {
  auto dir = fs::TempDir::create();
  ASSERT_TRUE(dir);
  const std::string path = dir->path() + "/config.json";
  ASSERT_TRUE(fs::atomic_write(path, "{\"a\": 1}\n", 0600));
  EXPECT_EQ(slurp(path), "{\"a\": 1}\n");
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(entries(dir->path()), 1u);  // no temporary file left beside it
}

TEST(AtomicWrite, AnExistingFileKeepsItsMode) {
  auto dir = fs::TempDir::create();
  const std::string path = dir->path() + "/f";
  ASSERT_TRUE(fs::atomic_write(path, "old", 0600));
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  ASSERT_TRUE(fs::atomic_write(path, "new", 0600));
  EXPECT_EQ(slurp(path), "new");
  EXPECT_EQ(mode_of(path), 0640u);
}

TEST(AtomicWrite, ThroughASymbolicLinkToItsTarget) {
  auto dir = fs::TempDir::create();
  const std::string real = dir->path() + "/real.json", link = dir->path() + "/link.json";
  ASSERT_TRUE(fs::atomic_write(real, "1", 0644));
  ASSERT_EQ(::symlink("real.json", link.c_str()), 0);  // relative, as users make them
  ASSERT_TRUE(fs::atomic_write(link, "2", 0600));
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  EXPECT_EQ(slurp(real), "2");
  // A dangling link: its target is created.
  const std::string dangling = dir->path() + "/dangling", later = dir->path() + "/later";
  ASSERT_EQ(::symlink(later.c_str(), dangling.c_str()), 0);
  ASSERT_TRUE(fs::atomic_write(dangling, "3", 0600));
  EXPECT_TRUE(std::filesystem::is_symlink(dangling));
  EXPECT_EQ(slurp(later), "3");
}

TEST(AtomicWrite, FailuresNameThePathAndLeaveNothing) {
  auto dir = fs::TempDir::create();
  auto missing = fs::atomic_write(dir->path() + "/no/such/dir/f", "x");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "fs.write");
  EXPECT_NE(missing.error().message.find("/no/such/dir/f"), std::string::npos);
  ASSERT_EQ(::mkdir((dir->path() + "/sub").c_str(), 0700), 0);
  auto folder = fs::atomic_write(dir->path() + "/sub", "x");
  ASSERT_FALSE(folder);
  EXPECT_TRUE(std::filesystem::is_directory(dir->path() + "/sub"));
  EXPECT_EQ(entries(dir->path()), 1u);
  const std::string loop = dir->path() + "/loop";
  ASSERT_EQ(::symlink("loop", loop.c_str()), 0);
  EXPECT_FALSE(fs::atomic_write(loop, "x"));
}

// A reader never sees a mix of the old and the new bytes, nor a short file.
TEST(AtomicWrite, ReadersSeeTheOldOrTheNewNeverAMix) {
  auto dir = fs::TempDir::create();
  const std::string path = dir->path() + "/big";
  const std::string a(1 << 20, 'a'), b(1 << 20, 'b');
  ASSERT_TRUE(fs::atomic_write(path, a));
  std::atomic<bool> done{false};
  std::atomic<int> bad{0}, reads{0};
  std::thread reader([&] {
    while (!done.load()) {
      const std::string got = slurp(path);
      ++reads;
      if (got != a && got != b) ++bad;
    }
  });
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(fs::atomic_write(path, i % 2 == 0 ? b : a));
  done = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0) << "of " << reads.load() << " reads";
  EXPECT_EQ(entries(dir->path()), 1u);
}

TEST(TempFile, RemovedUnlessKept) {
  std::string gone, kept;
  {
    auto a = fs::TempFile::create();
    ASSERT_TRUE(a);
    gone = a->path();
    EXPECT_TRUE(std::filesystem::exists(gone));
    EXPECT_EQ(mode_of(gone), 0600u);
    auto b = fs::TempFile::create({}, "kit-kept-");
    ASSERT_TRUE(b);
    kept = b->path();
    EXPECT_NE(kept.find("kit-kept-"), std::string::npos);
    b->keep();
    fs::TempFile moved = std::move(*a);  // the move owns it now
    EXPECT_EQ(moved.path(), gone);
  }
  EXPECT_FALSE(std::filesystem::exists(gone));
  EXPECT_TRUE(std::filesystem::exists(kept));
  ::unlink(kept.c_str());
  EXPECT_FALSE(fs::TempFile::create("/no/such/dir"));
}

TEST(TempDir, RemovedWithWhatItHolds) {
  std::string path;
  {
    auto dir = fs::TempDir::create("kit-dir-");
    ASSERT_TRUE(dir);
    path = dir->path();
    EXPECT_EQ(mode_of(path), 0700u);
    ASSERT_TRUE(fs::atomic_write(path + "/a", "1"));
    std::filesystem::create_directories(path + "/x/y");
    ASSERT_TRUE(fs::atomic_write(path + "/x/y/b", "2"));
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(TempDirectory, TmpdirWhenSetAndNotEmpty) {
  const char* saved = std::getenv("TMPDIR");
  const std::string before = saved ? saved : "";
  ::setenv("TMPDIR", "/var/tmp", 1);
  EXPECT_EQ(fs::temp_directory(), "/var/tmp");
  ::setenv("TMPDIR", "", 1);
  EXPECT_EQ(fs::temp_directory(), "/tmp");
  if (saved)
    ::setenv("TMPDIR", before.c_str(), 1);
  else
    ::unsetenv("TMPDIR");
}

// which's Windows flavour on this disk: PATH and PATHEXT injected, backslashes read as slashes
// (tests/diff/fs_path_vs_python.py compares it with shutil.which's own code).
TEST(WhichWindows, PathextCurrentFolderFirstAndNoExecuteBit) {
  auto dir = fs::TempDir::create();
  ASSERT_TRUE(dir);
  const std::string bin = dir->path() + "/bin";
  ASSERT_EQ(::mkdir(bin.c_str(), 0700), 0);
  ASSERT_TRUE(fs::atomic_write(bin + "/tool.BAT", "@echo off\r\n", 0644));  // no x bit needed
  ASSERT_TRUE(fs::atomic_write(bin + "/tool.EXE", "MZ", 0644));
  ASSERT_TRUE(fs::atomic_write(bin + "/run.exe.EXE", "MZ", 0644));
  ASSERT_EQ(::mkdir((bin + "/dir.EXE").c_str(), 0700), 0);
  const auto win = fs::PathFlavour::windows;

  // PATHEXT order decides; the answer is joined as ntpath.join joins.
  EXPECT_EQ(fs::which("tool", bin, win, ".COM;.EXE;.BAT"), bin + "\\tool.EXE");
  EXPECT_EQ(fs::which("tool", bin, win, ".BAT;.EXE"), bin + "\\tool.BAT");
  EXPECT_EQ(fs::which("tool", bin, win, ""), bin + "\\tool.EXE");  // the default list
  EXPECT_EQ(fs::which("tool", bin + "/", win, ".EXE"), bin + "/tool.EXE");
  EXPECT_EQ(fs::which("tool.EXE", bin, win, ".BAT"), std::nullopt);  // .EXE not in PATHEXT
  // A name ending in an extension (in any case) is tried alone: no "run.exe.EXE".
  EXPECT_EQ(fs::which("run.exe", bin, win, ".EXE"), std::nullopt);
  EXPECT_EQ(fs::which("run", bin, win, ".exe.EXE"), bin + "\\run.exe.EXE");
  EXPECT_EQ(fs::which("dir", bin, win, ".EXE"), std::nullopt);  // a folder never is
  EXPECT_EQ(fs::which("tool", "", win, ".EXE"), std::nullopt);  // PATH="" finds nothing

  // The current folder comes first, and a name with a folder part is checked as it is.
  char* saved = ::getcwd(nullptr, 0);
  ASSERT_NE(saved, nullptr);
  ASSERT_EQ(::chdir(dir->path().c_str()), 0);
  ASSERT_TRUE(fs::atomic_write("tool.EXE", "MZ", 0644));
  EXPECT_EQ(fs::which("tool", bin, win, ".EXE"), ".\\tool.EXE");
  EXPECT_EQ(fs::which("bin\\tool.BAT", "", win, ".EXE"), "bin\\tool.BAT");
  EXPECT_EQ(fs::which("bin/nothing", bin, win, ".EXE"), std::nullopt);
  EXPECT_EQ(::chdir(saved), 0);
  std::free(saved);

  // PathFlavour::posix is the POSIX which: the execute bit matters there.
  EXPECT_EQ(fs::which("tool.EXE", bin, fs::PathFlavour::posix), std::nullopt);
}
