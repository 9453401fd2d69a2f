#include <gtest/gtest.h>

#include "kit/config/key.hpp"
#include "kit/config/merge.hpp"

namespace kit::config {
namespace {

TEST(ParseKey, SplitsOnDotsWithEscapes) {
  EXPECT_EQ(*parse_key("database.pool_size"), (Key{"database", "pool_size"}));
  EXPECT_EQ(*parse_key("a\\.b.c"), (Key{"a.b", "c"}));
  EXPECT_EQ(*parse_key("a\\\\.b"), (Key{"a\\", "b"}));
  for (const char* bad : {"", ".", "a.", ".a", "a..b", "a\\b", "a\\"}) {
    auto key = parse_key(bad);
    ASSERT_FALSE(key) << bad;
    EXPECT_EQ(key.error().code, "config.bad_key");
  }
}

TEST(FormatKey, IsParseKeysInverse) {
  for (const Key& key : {Key{"a"}, Key{"a.b", "c"}, Key{"x\\", ".y."}, Key{"ü", "0"}})
    EXPECT_EQ(*parse_key(format_key(key)), key) << format_key(key);
}

TEST(Assign, MakesObjectsOnTheWayAndRefusesThroughAScalar) {
  Json doc = Json::object();
  ASSERT_TRUE(assign(doc, {"a", "b", "c"}, 1));
  EXPECT_EQ(doc.dump(), R"({"a":{"b":{"c":1}}})");
  doc = Json::parse(R"({"a": 3})");
  auto refused = assign(doc, {"a", "b"}, 1);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "config.type");
  EXPECT_EQ(refused.error().message, "cannot set 'a.b': 'a' is a number, not an object");
  EXPECT_EQ(doc.dump(), R"({"a":3})");
}

TEST(Erase, ReportsWhetherItWasThere) {
  Json doc = Json::parse(R"({"a": {"b": 1, "c": 2}, "d": [1]})");
  EXPECT_TRUE(erase(doc, {"a", "b"}));
  EXPECT_FALSE(erase(doc, {"a", "b"}));
  EXPECT_FALSE(erase(doc, {"d", "0"}));
  EXPECT_EQ(doc.dump(), R"({"a":{"c":2},"d":[1]})");
}

// RFC 7396 appendix A, every example.
TEST(MergePatch, Rfc7396AppendixA) {
  const char* cases[][3] = {
      {R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
      {R"({"a":"b"})", R"({"a":null})", R"({})"},
      {R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
      {R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
      {R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})", R"({"a":{"b":"d"}})"},
      {R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
      {R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
      {R"({"a":"b"})", R"(["c"])", R"(["c"])"},
      {R"({"a":"foo"})", R"(null)", R"(null)"},
      {R"({"a":"foo"})", R"("bar")", R"("bar")"},
      {R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
      {R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
      {R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"},
  };
  for (const auto& [target, patch, result] : cases) {
    const Json t = Json::parse(target);
    const Json before = t;
    EXPECT_EQ(merge_patch(t, Json::parse(patch)), Json::parse(result)) << target << " + " << patch;
    EXPECT_EQ(t, before);  // the input is untouched
  }
}

// The copy tutorial's create_env_config example, with its printed values.
TEST(MergePatch, TheTutorialsEnvironmentConfigs) {
  const Json base = Json::parse(R"({
    "database": {"host": "localhost", "port": 5432, "name": "myapp_dev", "pool_size": 5},
    "cache": {"backend": "redis", "timeout": 300},
    "debug": true,
    "allowed_hosts": ["localhost", "127.0.0.1"]})");
  const Json staging = merge_patch(
      base, Json::parse(R"({"database": {"host": "staging-db.internal", "name": "myapp_staging"},
                            "debug": false})"));
  Json production = merge_patch(
      base, Json::parse(R"({"database": {"host": "prod-db.internal", "name": "myapp_prod",
                                         "pool_size": 20},
                            "debug": false, "allowed_hosts": ["myapp.com", "www.myapp.com"]})"));
  production["allowed_hosts"].push_back("api.myapp.com");
  EXPECT_EQ(base["allowed_hosts"].dump(), R"(["localhost","127.0.0.1"])");
  EXPECT_EQ(staging["database"]["host"], "staging-db.internal");
  EXPECT_EQ(production["allowed_hosts"].dump(), R"(["myapp.com","www.myapp.com","api.myapp.com"])");
  EXPECT_EQ(production["database"]["pool_size"], 20);
  EXPECT_EQ(staging["database"]["port"], 5432);
}

}  // namespace
}  // namespace kit::config
