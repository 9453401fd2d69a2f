#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "kit/config/layers.hpp"
#include "kit/fs.hpp"

namespace kit::config {
namespace {

void spit(const std::string& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

class LayersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto made = fs::TempDir::create("kit-layers-");
    ASSERT_TRUE(made);
    dir_.emplace(std::move(*made));
    file_ = dir_->path() + "/app.json";
    spit(file_, R"({"database": {"host": "localhost", "port": 5432, "pool_size": 5},
                    "debug": true, "allowed_hosts": ["localhost"]})");
    spit(dir_->path() + "/app.production.json",
         R"({"database": {"host": "prod-db.internal", "pool_size": 20}, "debug": null})");
  }
  std::string listing(const Config& config) {
    std::string out;
    for (const Entry& e : config.entries())
      out += e.origin->to_string() + "\t" + format_key(e.key) + "=" + e.value->dump() + "\n";
    return out;
  }
  std::optional<fs::TempDir> dir_;
  std::string file_;
};

TEST_F(LayersTest, OverlayBesideTheFileWithOrigins) {
  auto config = load({.defaults = Json::parse(R"({"log": {"level": "info"}})"),
                      .file = file_,
                      .env = "production"});
  ASSERT_TRUE(config) << config.error().message;
  const std::string f = "file:" + file_;
  const std::string o = "file:" + dir_->path() + "/app.production.json";
  EXPECT_EQ(listing(**config), "default:\tlog.level=\"info\"\n" + o +
                                   "\tdatabase.host=\"prod-db.internal\"\n" + f +
                                   "\tdatabase.port=5432\n" + o + "\tdatabase.pool_size=20\n" + f +
                                   "\tallowed_hosts=[\"localhost\"]\n");
  EXPECT_EQ((*config)->files().size(), 2u);
}

TEST_F(LayersTest, VariablesOverrideOnlyKeysTheLowerLayersDefine) {
  auto config = load({.file = file_,
                      .environment = {{"KIT_DATABASE__POOL_SIZE", "20"},
                                      {"KIT_DATABASE__HOST", "db.internal"},
                                      {"KIT_DEBUG", "false"},
                                      {"KIT_ENV", "production"},
                                      {"KIT_JOBS_DB", "/tmp/x.db"},
                                      {"KIT_BOT_TOKEN", "secret"}}});
  ASSERT_TRUE(config);
  const Json& v = (*config)->values();
  EXPECT_EQ(v["database"]["pool_size"], 20);
  EXPECT_EQ(v["database"]["host"], "db.internal");
  EXPECT_EQ(v["debug"], false);
  EXPECT_FALSE(v.contains("env"));
  EXPECT_FALSE(v.contains("jobs_db"));
  EXPECT_FALSE(v.contains("bot_token"));
  EXPECT_EQ((*config)->origin({"database", "pool_size"})->to_string(),
            "env:KIT_DATABASE__POOL_SIZE");
  EXPECT_EQ((*config)->origin({"database", "port"})->to_string(), "file:" + file_);
}

TEST_F(LayersTest, CommandLineWinsAndMayAddKeys) {
  auto config = load({.file = file_,
                      .environment = {{"KIT_DEBUG", "false"}},
                      .overrides = {"debug=true", "new.key=hello", "flag", "database=null"}});
  ASSERT_TRUE(config) << config.error().message;
  const Json& v = (*config)->values();
  EXPECT_EQ(v["debug"], true);
  EXPECT_EQ(v["new"]["key"], "hello");
  EXPECT_EQ(v["flag"], true);
  EXPECT_FALSE(v.contains("database"));
  EXPECT_EQ((*config)->origin({"debug"})->to_string(), "command line:");
  EXPECT_EQ((*config)->origin({"database", "host"}), nullptr);
}

TEST_F(LayersTest, ObjectReplacedByScalarForgetsItsLeavesOrigins) {
  auto config = load({.file = file_, .overrides = {"database=\"sqlite\""}});
  ASSERT_TRUE(config);
  EXPECT_EQ(listing(**config).find("database.host"), std::string::npos);
  EXPECT_EQ((*config)->origin({"database"})->to_string(), "command line:");
}

TEST_F(LayersTest, SnapshotsAreImmutableAndIndependent) {
  auto first = load({.file = file_});
  ASSERT_TRUE(first);
  spit(file_, R"({"debug": false})");
  auto second = load({.file = file_});
  ASSERT_TRUE(second);
  EXPECT_EQ((*first)->values()["debug"], true);  // what a reader holds never changes
  EXPECT_EQ((*second)->values()["debug"], false);
}

TEST_F(LayersTest, Errors) {
  spit(dir_->path() + "/app.broken.json", "{,}");
  auto corrupt = load({.file = file_, .env = "broken"});
  ASSERT_FALSE(corrupt);
  EXPECT_EQ(corrupt.error().code, "config.corrupt");
  EXPECT_NE(corrupt.error().message.find("app.broken.json:1:2"), std::string::npos)
      << corrupt.error().message;
  EXPECT_EQ(load({.file = file_, .env = "../x"}).error().code, "config.bad_env");
  EXPECT_EQ(load({.file = file_, .overrides = {"a..b=1"}}).error().code, "config.bad_override");
}

TEST(OverlayPath, BesideTheStore) {
  EXPECT_EQ(overlay_path("dir/app.json", "staging"), "dir/app.staging.json");
  EXPECT_EQ(overlay_path("/etc/kit/config.json", "prod"), "/etc/kit/config.prod.json");
  EXPECT_EQ(overlay_path("settings", "dev"), "settings.dev");
}

TEST(VariableName, UpperCaseWithDoubleUnderscores) {
  EXPECT_EQ(variable_name({"database", "pool_size"}), "KIT_DATABASE__POOL_SIZE");
  EXPECT_EQ(variable_name({"theme"}), "KIT_THEME");
}

TEST(LooseValue, JsonWhenItParsesElseString) {
  EXPECT_EQ(loose_value("14"), 14);
  EXPECT_EQ(loose_value("true"), true);
  EXPECT_EQ(loose_value("dark"), "dark");
  EXPECT_EQ(loose_value("[1,2]"), Json::array({1, 2}));
  EXPECT_EQ(loose_value("{oops"), "{oops");
  EXPECT_EQ(loose_value(""), "");
}

}  // namespace
}  // namespace kit::config
