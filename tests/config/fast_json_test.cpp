// The fast paths against the Json ones they replace, on thousands of generated inputs:
// parse_document vs nlohmann's parser, merge_texts vs to_text(merge_patch(...)), lookup vs
// find(load()). Each must give the same bytes, the same value types and the same errors.
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "../../src/config/fast_json.hpp"  // to check the fast path is the one taken
#include "kit/config/layers.hpp"
#include "kit/config/merge.hpp"
#include "kit/config/store.hpp"
#include "kit/fs.hpp"

namespace kit::config {
namespace {

// Generated JSON text, with what nlohmann's reading must agree on: repeated names (also one
// spelled with and without escapes), escapes, surrogate pairs, numbers at the edges of int64,
// uint64 and double, white space of every kind.
class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) {}

  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  bool chance(int percent) { return static_cast<int>(pick(100)) < percent; }

  std::string space() {
    static const char* const spaces[] = {"", "", "", " ", "\n  ", "\t", "\r\n", "  "};
    return spaces[pick(std::size(spaces))];
  }

  std::string name() {
    if (simple_names) {
      static const char* const names[] = {"\"a\"", "\"b\"", "\"c\"", "\"A\"", "\"\\u0062\""};
      return names[pick(std::size(names))];
    }
    static const char* const names[] = {"\"a\"",
                                        "\"b\"",
                                        "\"c\"",
                                        "\"d\"",
                                        "\"\\u0061\"",
                                        "\"\xC3\xA9\"",
                                        "\"\\u00e9\"",
                                        "\"k\\\"q\"",
                                        "\"\\ud83d\\ude00\"",
                                        "\"\xF0\x9F\x98\x80\"",
                                        "\"\"",
                                        "\"tab\\t\"",
                                        "\"x.y\"",
                                        "\"\\\\\"",
                                        "\"\\/\""};
    return names[pick(std::size(names))];
  }

  std::string scalar() {
    static const char* const scalars[] = {"null",
                                          "null",
                                          "true",
                                          "false",
                                          "0",
                                          "-0",
                                          "1",
                                          "-1",
                                          "1.5",
                                          "1.50",
                                          "1e2",
                                          "1E+2",
                                          "-2.5e-3",
                                          "0.1",
                                          "123456789012345678901",
                                          "18446744073709551615",
                                          "18446744073709551616",
                                          "9223372036854775807",
                                          "9223372036854775808",
                                          "-9223372036854775808",
                                          "-9223372036854775809",
                                          "1e-400",
                                          "-0.0",
                                          "3.141592653589793",
                                          "2.2250738585072014e-308",
                                          "5e-324",
                                          "1.7976931348623157e308",
                                          "\"str\"",
                                          "\"\"",
                                          "\"line\\nbreak\"",
                                          "\"\\u0000\"",
                                          "\"\\u001f\\u007f\"",
                                          "\"\\/\"",
                                          "\"\\b\\f\\r\\t\"",
                                          "\"\xC3\xBC\"",
                                          "\"\x7F\"",
                                          "\"\\ud834\\udd1e\"",
                                          "\"\xE2\x82\xAC \xF4\x8F\xBF\xBF\"",
                                          "\"a\\\\b\\\"c\""};
    if (chance(15)) return std::to_string(static_cast<std::int64_t>(rng_()));
    if (chance(10)) {
      char buffer[40];
      std::snprintf(buffer, sizeof buffer, "%.17g",
                    std::uniform_real_distribution<double>(-1e6, 1e6)(rng_));
      return buffer;
    }
    return scalars[pick(std::size(scalars))];
  }

  std::string value(int depth) {
    const std::size_t kind = depth <= 0 ? 2 : pick(5);
    if (kind == 0) {
      std::string out = "{" + space();
      const std::size_t n = pick(6);
      for (std::size_t i = 0; i < n; ++i) {
        if (i > 0) out += "," + space();
        out += name() + space() + ":" + space() + value(depth - 1) + space();
      }
      return out + "}";
    }
    if (kind == 1) {
      std::string out = "[" + space();
      const std::size_t n = pick(4);
      for (std::size_t i = 0; i < n; ++i) {
        if (i > 0) out += "," + space();
        out += value(depth - 1) + space();
      }
      return out + "]";
    }
    return scalar();
  }

  // A document: an object mostly (its members' values of any kind).
  std::string document(int depth) {
    std::string text = chance(3) ? "\xEF\xBB\xBF" : "";
    if (chance(90)) {
      text += space() + "{" + space();
      const std::size_t n = pick(7);
      for (std::size_t i = 0; i < n; ++i) {
        if (i > 0) text += "," + space();
        text += name() + ":" + space() + value(depth) + space();
      }
      return text + "}" + space();
    }
    return text + value(depth) + space();
  }

  // `text` with one byte changed, inserted, removed, or cut short.
  std::string mutate(std::string text) {
    static const char bytes[] = "{}[],:\"\\x0-.eE+ \x01\xFF\xC3\xED\xA0nult";
    const std::size_t at = text.empty() ? 0 : pick(text.size());
    switch (pick(4)) {
      case 0:
        if (!text.empty()) text[at] = bytes[pick(sizeof bytes - 1)];
        break;
      case 1:
        text.insert(at, 1, bytes[pick(sizeof bytes - 1)]);
        break;
      case 2:
        if (!text.empty()) text.erase(at, 1);
        break;
      default:
        text.resize(at);
    }
    return text;
  }

  bool simple_names = false;

 private:
  std::mt19937_64 rng_;
};

// The reference: nlohmann's parser on the text as Python's text mode reads it.
std::optional<Json> reference_parse(std::string_view text) {
  const std::string clean = fs::universal_newlines(text);
  std::size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < clean.size(); ++i) {
    const char c = clean[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  if (deepest > max_depth) return std::nullopt;
  try {
    return Json::parse(clean);
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

// The same value with the same types at every node (dump() prints 1 and 1u alike).
void expect_identical(const Json& want, const Json& got, const std::string& context) {
  ASSERT_EQ(want.type(), got.type()) << context;
  ASSERT_EQ(want.dump(), got.dump()) << context;
  if (want.is_object()) {
    auto w = want.begin();
    auto g = got.begin();
    for (; w != want.end(); ++w, ++g) {
      ASSERT_EQ(w.key(), g.key()) << context;
      expect_identical(*w, *g, context);
    }
  } else if (want.is_array()) {
    for (std::size_t i = 0; i < want.size(); ++i) expect_identical(want[i], got[i], context);
  }
}

TEST(FastJson, ParseDocumentReadsAsNlohmannOnGeneratedDocuments) {
  Generator gen(17);
  for (int i = 0; i < 4000; ++i) {
    const std::string text = gen.document(4);
    auto want = reference_parse(text);
    ASSERT_TRUE(want) << text;
    auto got = parse_document(text, "gen.json");
    ASSERT_TRUE(got) << text << "\n" << got.error().message;
    expect_identical(*want, *got, text);
    // The fast reader itself accepts it (a refusal would pass above through nlohmann, unseen).
    const std::string clean = fs::universal_newlines(text);
    detail::FastDoc fast;
    ASSERT_TRUE(fast.parse(clean)) << text;
    expect_identical(*want, fast.to_json(fast.root()), text);
    ASSERT_TRUE(fast.path_value(clean, {"a", "b"})) << text;
  }
}

TEST(FastJson, ParseDocumentRefusesWhatNlohmannRefuses) {
  Generator gen(18);
  int refused = 0;
  for (int i = 0; i < 6000; ++i) {
    const std::string text = gen.mutate(gen.document(3));
    auto want = reference_parse(text);
    auto got = parse_document(text, "gen.json");
    ASSERT_EQ(want.has_value(), got.has_value()) << text;
    if (want) {
      expect_identical(*want, *got, text);
    } else {
      ++refused;
      EXPECT_EQ(got.error().code, "config.corrupt");
    }
  }
  EXPECT_GT(refused, 1000);  // the mutations do break documents
}

TEST(FastJson, ParseDocumentEdgeCases) {
  for (const char* text : {"1e400",
                           "-1e400",
                           "[1e309]",
                           "\"\\ud800\"",
                           "\"\\udc00\"",
                           "\"\\ud800\\u0041\"",
                           "\"\xED\xA0\x80\"",
                           "\"\xC0\xAF\"",
                           "\"\xF5\x80\x80\x80\"",
                           "\"\x01\"",
                           "01",
                           "1.",
                           "-",
                           ".5",
                           "+1",
                           "1e",
                           "tru",
                           "nul",
                           "[1,]",
                           "{\"a\":1,}",
                           "{\"a\" 1}",
                           "",
                           " ",
                           "\xEF\xBB\xBF\xEF\xBB\xBF{}",
                           "\xEF\xBB\xBF{}",
                           "{}\r\n",
                           "{\"a\":\r1}",
                           "[1]x",
                           "\"a\rb\""}) {
    auto want = reference_parse(text);
    auto got = parse_document(text, "edge.json");
    ASSERT_EQ(want.has_value(), got.has_value()) << text;
    if (want) expect_identical(*want, *got, text);
  }
  const std::string deep_ok = std::string(512, '[') + std::string(512, ']');
  const std::string too_deep = std::string(513, '[') + std::string(513, ']');
  EXPECT_TRUE(parse_document(deep_ok, "deep.json"));
  EXPECT_FALSE(parse_document(too_deep, "deep.json"));
}

TEST(FastJson, MergeTextsWritesWhatToTextOfMergePatchWrites) {
  Generator gen(19);
  for (int i = 0; i < 3000; ++i) {
    const std::size_t n = 1 + gen.pick(4);
    std::vector<std::string> texts, sources;
    Json want;
    for (std::size_t k = 0; k < n; ++k) {
      texts.push_back(gen.document(4));
      sources.push_back("doc" + std::to_string(k) + ".json");
      auto doc = reference_parse(texts.back());
      ASSERT_TRUE(doc);
      if (k == 0)
        want = *doc;
      else
        apply_merge_patch(want, *doc);
    }
    auto got = merge_texts(texts, sources);
    ASSERT_TRUE(got);
    std::string context;
    for (const auto& t : texts) context += t + "\n----\n";
    ASSERT_EQ(to_text(want), *got) << context;
  }
}

TEST(FastJson, MergeTextsReportsTheFirstBadDocumentAsParseDocument) {
  Generator gen(20);
  int failed = 0;
  for (int i = 0; i < 2000; ++i) {
    std::vector<std::string> texts, sources;
    for (std::size_t k = 0; k < 3; ++k) {
      texts.push_back(gen.chance(30) ? gen.mutate(gen.document(2)) : gen.document(2));
      sources.push_back("doc" + std::to_string(k) + ".json");
    }
    auto got = merge_texts(texts, sources);
    for (std::size_t k = 0; k < 3; ++k) {
      auto doc = parse_document(texts[k], sources[k]);
      if (!doc) {
        ASSERT_FALSE(got) << texts[k];
        EXPECT_EQ(got.error().message, doc.error().message);
        EXPECT_EQ(got.error().code, doc.error().code);
        ++failed;
        break;
      }
    }
    if (got) {
      Json want = *parse_document(texts[0], sources[0]);
      for (std::size_t k = 1; k < 3; ++k) apply_merge_patch(want, *parse_document(texts[k], ""));
      ASSERT_EQ(to_text(want), *got);
    }
  }
  EXPECT_GT(failed, 100);
}

TEST(FastJson, MergeFilesReadsFilesInOrder) {
  auto dir = fs::TempDir::create("kit-fast-merge-");
  ASSERT_TRUE(dir);
  const std::string base = dir->path() + "/base.json", patch = dir->path() + "/patch.json";
  std::ofstream(base) << "{\"a\": {\"b\": 1, \"c\": [1, {\"d\": null}]}, \"e\": 1.50}\r\n";
  std::ofstream(patch)
      << "\xEF\xBB\xBF{\"a\": {\"b\": null, \"f\": {\"g\": null, \"h\": 2}}, \"e\": 1e2}";
  auto got = merge_files({base, patch});
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, to_text(merge_patch(*read_document(base), *read_document(patch))));
  std::string pieces;
  ASSERT_TRUE(merge_files({base, patch}, [&](std::string_view piece) { pieces += piece; }));
  EXPECT_EQ(pieces, *got);
  auto missing = merge_files({base, dir->path() + "/missing.json"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, read_document(dir->path() + "/missing.json").error().message);
}

TEST(FastJson, LookupIsFindOfLoadOnGeneratedLayers) {
  auto dir = fs::TempDir::create("kit-fast-lookup-");
  ASSERT_TRUE(dir);
  const std::string file = dir->path() + "/app.json";
  const std::string overlay = dir->path() + "/app.prod.json";
  Generator gen(21);
  gen.simple_names = true;
  static const char* const names[] = {"a", "b", "c", "A"};
  static const char* const loose[] = {
      "1",   "x",  "null", "{\"b\": 2}",         "{\"c\": null, \"a\": {}}",
      "[1]", "{}", "true", "{\"b\": {\"c\": 3}}"};
  auto random_key = [&] {
    Key key;
    const std::size_t n = 1 + gen.pick(3);
    for (std::size_t i = 0; i < n; ++i) key.push_back(names[gen.pick(std::size(names))]);
    return key;
  };
  int found = 0, errors = 0;
  for (int i = 0; i < 2500; ++i) {
    std::remove(file.c_str());
    std::remove(overlay.c_str());
    LayerOptions options;
    if (gen.chance(50)) {
      auto defaults = reference_parse(gen.document(2));
      if (defaults && defaults->is_object()) options.defaults = *defaults;
    }
    if (gen.chance(85)) {
      std::ofstream(file, std::ios::binary)
          << (gen.chance(5) ? gen.mutate(gen.document(3)) : gen.document(3));
      options.file = file;
    } else if (gen.chance(50)) {
      options.file = file;  // missing: an empty layer
    }
    if (gen.chance(50)) {
      options.env = "prod";
      if (gen.chance(80)) std::ofstream(overlay, std::ios::binary) << gen.document(3);
    }
    for (std::size_t v = gen.pick(5); v > 0; --v)
      options.environment[variable_name(random_key())] = loose[gen.pick(std::size(loose))];
    for (std::size_t v = gen.pick(3); v > 0; --v) {
      std::string text = format_key(random_key());
      if (gen.chance(80)) text += std::string("=") + loose[gen.pick(std::size(loose))];
      options.overrides.push_back(text);
    }
    if (gen.chance(2)) options.overrides.push_back("a..b=1");
    const Key key = random_key();
    auto want = load(options);
    auto got = lookup(options, key);
    ASSERT_EQ(want.has_value(), got.has_value());
    if (!want) {
      ++errors;
      EXPECT_EQ(want.error().code, got.error().code);
      EXPECT_EQ(want.error().message, got.error().message);
      continue;
    }
    const Json* value = find((*want)->values(), key);
    ASSERT_EQ(value != nullptr, got->has_value())
        << format_key(key) << " in " << (*want)->values().dump();
    if (value != nullptr) {
      ++found;
      expect_identical(*value, **got, format_key(key) + " in " + (*want)->values().dump());
    }
  }
  EXPECT_GT(found, 500);
  EXPECT_GT(errors, 20);
}

}  // namespace
}  // namespace kit::config
