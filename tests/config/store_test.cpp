#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "kit/config/store.hpp"
#include "kit/core/clock.hpp"
#include "kit/fs.hpp"

namespace kit::config {
namespace {

using namespace std::chrono_literals;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const std::string& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_mode & 07777;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto made = fs::TempDir::create("kit-store-");
    ASSERT_TRUE(made);
    dir_.emplace(std::move(*made));
    path_ = dir_->path() + "/config.json";
  }
  std::optional<fs::TempDir> dir_;
  std::string path_;
};

// The tutorial's usage: set theme, font_size, recent_files; read them back; a missing key.
TEST_F(StoreTest, TheTutorialsConfigManager) {
  auto store = Store::open(path_);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_FALSE(store->exists());
  ASSERT_TRUE(store->set("theme", "dark"));
  ASSERT_TRUE(store->set("font_size", 14));
  ASSERT_TRUE(store->set("recent_files", Json::array({"/home/user/doc.txt"})));
  EXPECT_EQ(*store->get_string("theme"), "dark");
  EXPECT_EQ(*store->get_int("font_size"), 14);
  EXPECT_EQ(store->get("language").error().code, "config.missing");
  EXPECT_EQ(slurp(path_),
            "{\n  \"theme\": \"dark\",\n  \"font_size\": 14,\n  \"recent_files\": [\n"
            "    \"/home/user/doc.txt\"\n  ]\n}\n");
  EXPECT_EQ(mode_of(path_), 0600u);
}

TEST_F(StoreTest, TypedReadsNeverDefaultSilently) {
  spit(path_, R"({"n": 14.5, "s": "x", "b": true, "big": 18446744073709551615})");
  auto store = Store::open(path_);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->get_int("n").error().code, "config.type");
  EXPECT_EQ(store->get_int("n").error().message, "'n' is a number, not an integer");
  EXPECT_EQ(*store->get_number("n"), 14.5);
  EXPECT_EQ(store->get_bool("s").error().code, "config.type");
  EXPECT_EQ(store->get_string("b").error().code, "config.type");
  EXPECT_EQ(store->get_int("big").error().code, "config.type");
  EXPECT_TRUE(*store->get_bool("b"));
}

TEST_F(StoreTest, DottedKeysNestAndKeepOrder) {
  spit(path_, "{\"z\": 1, \"database\": {\"host\": \"h\"}, \"a\": 2}");
  auto store = Store::open(path_);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->set("database.pool_size", 20));
  ASSERT_TRUE(store->set("dotted\\.name", true));
  EXPECT_EQ(slurp(path_),
            "{\n  \"z\": 1,\n  \"database\": {\n    \"host\": \"h\",\n    \"pool_size\": 20\n"
            "  },\n  \"a\": 2,\n  \"dotted.name\": true\n}\n");
  auto through_scalar = store->set("z.x", 1);
  ASSERT_FALSE(through_scalar);
  EXPECT_EQ(through_scalar.error().code, "config.type");
}

TEST_F(StoreTest, CorruptFileIsNeverWritten) {
  const std::string bad = "{\n  \"theme\": \"dark\",\n  oops\n}\n";
  spit(path_, bad);
  auto store = Store::open(path_);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, "config.corrupt");
  EXPECT_EQ(store.error().position->line, 3u);
  EXPECT_NE(store.error().message.find(path_), std::string::npos);
  EXPECT_EQ(slurp(path_), bad);
}

TEST_F(StoreTest, CorruptedAfterOpenIsNotOverwrittenBySet) {
  auto store = Store::open(path_);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->set("a", 1));
  spit(path_, "[1, 2]");  // another program broke it meanwhile
  auto set = store->set("b", 2);
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().code, "config.corrupt");
  EXPECT_EQ(set.error().message, path_ + ": the top level is an array, not an object");
  EXPECT_EQ(slurp(path_), "[1, 2]");
}

TEST_F(StoreTest, ReadsCrlfAndBomWritesLf) {
  spit(path_, "\xEF\xBB\xBF{\r\n  \"a\": 1\r\n}\r\n");
  auto store = Store::open(path_);
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE(store->set("b", 2));
  EXPECT_EQ(slurp(path_), "{\n  \"a\": 1,\n  \"b\": 2\n}\n");
}

TEST_F(StoreTest, ExistingModeKeptAndSymlinkWrittenThrough) {
  const std::string real = dir_->path() + "/real.json";
  spit(real, "{}");
  ASSERT_EQ(::chmod(real.c_str(), 0640), 0);
  ASSERT_EQ(::symlink("real.json", path_.c_str()), 0);
  auto store = Store::open(path_);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->set("k", "v"));
  EXPECT_EQ(mode_of(real), 0640u);
  struct stat st {};
  ASSERT_EQ(::lstat(path_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_EQ(slurp(real), "{\n  \"k\": \"v\"\n}\n");
}

TEST_F(StoreTest, SetRereadsUnderTheLockSoWritersKeepEachOthersKeys) {
  auto first = Store::open(path_);
  auto second = Store::open(path_);
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(first->set("from_first", 1));
  ASSERT_TRUE(second->set("from_second", 2));  // its document was read before first's set
  auto check = Store::open(path_);
  EXPECT_EQ(*check->get_int("from_first"), 1);
  EXPECT_EQ(*check->get_int("from_second"), 2);
}

TEST_F(StoreTest, ThreadsWritingDistinctKeysLoseNothing) {
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t)
    writers.emplace_back([this, t] {
      auto store = Store::open(path_);
      ASSERT_TRUE(store);
      for (int i = 0; i < 25; ++i)
        ASSERT_TRUE(store->set("t" + std::to_string(t) + "_" + std::to_string(i), i));
    });
  for (auto& w : writers) w.join();
  auto check = Store::open(path_);
  ASSERT_TRUE(check);
  EXPECT_EQ(check->document().size(), 100u);
}

TEST_F(StoreTest, LockTimeoutLeavesTheFileAlone) {
  spit(path_, "{\"a\": 1}\n");
  auto held = fs::FileLock::acquire(path_ + ".lock", 1s);
  ASSERT_TRUE(held);
  core::ManualClock clock;
  auto store = Store::open(path_, {.lock_timeout = 50ms, .clock = &clock});
  ASSERT_TRUE(store);
  auto set = store->set("a", 2);
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().code, "fs.lock_timeout");
  EXPECT_EQ(slurp(path_), "{\"a\": 1}\n");
}

TEST_F(StoreTest, StaleTemporaryFilesAreSweptByTheNextWriter) {
  spit(dir_->path() + "/.config.json.tmp-Ab12Cd", "{\"half\": ");
  auto store = Store::open(path_);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->set("a", 1));
  EXPECT_NE(::access((dir_->path() + "/.config.json.tmp-Ab12Cd").c_str(), F_OK), 0);
}

TEST_F(StoreTest, UnsetAndRemove) {
  auto store = Store::open(path_);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->set("a.b", 1));
  EXPECT_TRUE(*store->unset("a.b"));
  EXPECT_FALSE(*store->unset("a.b"));
  EXPECT_EQ(slurp(path_), "{\n  \"a\": {}\n}\n");
  EXPECT_TRUE(*store->remove());
  EXPECT_FALSE(*store->remove());
  EXPECT_NE(::access(path_.c_str(), F_OK), 0);
}

TEST_F(StoreTest, UnwritableFolderIsAnErrorAndNothingChanges) {
  if (::geteuid() == 0) {
    // root writes anywhere; a folder that is a file stands in for an unwritable one.
    const std::string file_as_dir = dir_->path() + "/file";
    spit(file_as_dir, "x");
    auto store = Store::open(file_as_dir + "/config.json");
    ASSERT_FALSE(store);  // ENOTDIR reading it
    EXPECT_EQ(store.error().code, "config.read");
    return;
  }
  ASSERT_EQ(::chmod(dir_->path().c_str(), 0500), 0);
  auto store = Store::open(path_);
  ASSERT_TRUE(store);
  auto set = store->set("a", 1);
  ::chmod(dir_->path().c_str(), 0700);
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().code, "fs.lock");
}

}  // namespace
}  // namespace kit::config
