#include <sys/stat.h>

#include <string>

#include <gtest/gtest.h>

#include "kit/fs.hpp"

namespace fs = kit::fs;

TEST(UniversalNewlines, CrLfAndCrBecomeLfAndTheBomGoes) {
  EXPECT_EQ(fs::universal_newlines("a\r\nb\rc\nd"), "a\nb\nc\nd");
  EXPECT_EQ(fs::universal_newlines("\xEF\xBB\xBFkey=1\r\n"), "key=1\n");
  EXPECT_EQ(fs::universal_newlines("\r\r\n\n\r"), "\n\n\n\n");
  EXPECT_EQ(fs::universal_newlines("x\xEF\xBB\xBF"), "x\xEF\xBB\xBF");  // only at the start
  EXPECT_EQ(fs::universal_newlines(""), "");
}

TEST(ReadText, AFileWithCrLfAndABom) {
  auto dir = fs::TempDir::create();
  ASSERT_TRUE(dir);
  const std::string path = dir->path() + "/app.json";
  ASSERT_TRUE(fs::atomic_write(path, "\xEF\xBB\xBF{\r\n  \"a\": 1\r\n}\r\n"));
  auto text = fs::read_text(path);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "{\n  \"a\": 1\n}\n");
  EXPECT_FALSE(fs::read_text(dir->path() + "/missing"));
}

TEST(Which, SearchesThePathAsShutilWhich) {
  auto dir = fs::TempDir::create();
  ASSERT_TRUE(dir);
  const std::string bin = dir->path() + "/bin", other = dir->path() + "/other";
  ASSERT_EQ(::mkdir(bin.c_str(), 0700), 0);
  ASSERT_EQ(::mkdir(other.c_str(), 0700), 0);
  ASSERT_TRUE(fs::atomic_write(bin + "/tool", "#!/bin/sh\n", 0755));
  ASSERT_TRUE(fs::atomic_write(other + "/tool", "not executable", 0644));
  ASSERT_EQ(::mkdir((other + "/dir").c_str(), 0755), 0);  // a folder is never the answer
  const std::string path = other + ":" + bin;
  EXPECT_EQ(fs::which("tool", path), bin + "/tool");
  EXPECT_EQ(fs::which("dir", path), std::nullopt);
  EXPECT_EQ(fs::which("missing", path), std::nullopt);
  EXPECT_EQ(fs::which("tool", ""), std::nullopt);
  EXPECT_EQ(fs::which(bin + "/tool", ""), bin + "/tool");  // a slash: checked as it is
  EXPECT_EQ(fs::which(other + "/tool"), std::nullopt);
  EXPECT_EQ(fs::which(""), std::nullopt);
  EXPECT_TRUE(fs::which("sh"));  // from the real $PATH
}
