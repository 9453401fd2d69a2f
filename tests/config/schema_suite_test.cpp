// The official JSON-Schema-Test-Suite against kit::config::Schema.
//
// Debian's json-schema-test-suite 2.0.0 has draft3..draft7 only, so every draft7 file is read
// and translated to draft 2020-12 where the keyword means the same: "definitions" -> "$defs"
// (and "#/definitions/" in a $ref), an array-form "items" + "additionalItems" -> "prefixItems" +
// "items" ("additionalItems" is dropped where draft 7 ignores it: beside a schema-form "items"
// or none), "dependencies" -> "dependentRequired" (array values) + "dependentSchemas" (schema
// values). Every case of every file runs: it must pass, or its group must be in
// kExpectedRefusals (compile() refuses the schema with config.schema, and the refusal's message
// must name the reason), or it must be in kExcluded with the reason. optional/bignum.json and
// optional/zeroTerminatedFloats.json run too. Nothing is skipped silently;
// the counts are printed. The suite is a required dependency (scripts/install-deps.sh): missing,
// the test fails.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "kit/config/schema.hpp"

namespace kit::config {
namespace {

namespace fs = std::filesystem;

const fs::path kSuite = "/usr/share/json-schema-test-suite/tests/draft7";

// Groups ("file: group description") whose schema kit refuses, and a phrase the refusal must
// contain: the keyword or reason.
const std::map<std::string, std::string> kExpectedRefusals = {
    // Remote references: kit resolves only "#..." within the schema itself.
    {"definitions.json: valid definition", "only references within the schema"},
    {"definitions.json: invalid definition", "only references within the schema"},
    {"ref.json: remote ref, containing refs itself", "only references within the schema"},
    {"refRemote.json: remote ref", "only references within the schema"},
    {"refRemote.json: fragment within remote ref", "only references within the schema"},
    {"refRemote.json: ref within remote ref", "only references within the schema"},
    {"refRemote.json: base URI change", "$id is supported only at the root"},
    {"refRemote.json: base URI change - change folder", "$id is supported only at the root"},
    {"refRemote.json: base URI change - change folder in subschema",
     "$id is supported only at the root"},
    {"refRemote.json: root ref in remote ref", "only references within the schema"},
    // $ref "node" resolved against a $id (a base URI) is a remote reference for kit.
    {"ref.json: Recursive references between schemas", "only references within the schema"},
    // Subschemas kept under names that are no keyword ("tilda~field"): any unknown keyword is
    // refused. (Pointer escapes ~0 ~1 and %25 are tested in schema_test.cpp under $defs.)
    {"ref.json: escaped pointer ref", "keyword \"tilda~field\" is not supported"},
};

// Cases ("file: group: case") not run, each with its reason.
const std::map<std::string, std::string> kExcluded = {
    {"ref.json: ref overrides any sibling keywords: ref valid, maxItems ignored",
     "draft 7 ignores a $ref's siblings; in 2020-12 they apply (maxItems 2 fails [1, 2, 3]), "
     "the meaning kit implements"},
};

// Translate a draft-7 schema into the 2020-12 schema with the same meaning.
Json translate(const Json& s);

Json translate_map(const Json& m) {
  Json out = Json::object();
  for (const auto& [k, v] : m.items()) out[k] = translate(v);
  return out;
}

Json translate_list(const Json& l) {
  Json out = Json::array();
  for (const auto& v : l) out.push_back(translate(v));
  return out;
}

std::string translate_ref(std::string ref) {
  auto replace_all = [&](const std::string& from, const std::string& to) {
    for (std::size_t at = ref.find(from); at != std::string::npos;
         at = ref.find(from, at + to.size()))
      ref.replace(at, from.size(), to);
  };
  replace_all("#/definitions/", "#/$defs/");
  replace_all("#/items/", "#/prefixItems/");  // the array form became prefixItems
  return ref;
}

Json translate(const Json& s) {
  if (!s.is_object()) return s;
  Json out = Json::object();
  const bool array_items = s.contains("items") && s["items"].is_array();
  for (const auto& [k, v] : s.items()) {
    if (k == "definitions" || k == "$defs") {
      out["$defs"] = translate_map(v);
    } else if (k == "properties" || k == "patternProperties") {
      out[k] = translate_map(v);
    } else if (k == "items") {
      if (array_items) {
        out["prefixItems"] = translate_list(v);
        if (s.contains("additionalItems")) out["items"] = translate(s["additionalItems"]);
      } else {
        out["items"] = translate(v);
      }
    } else if (k == "additionalItems") {
      // handled with "items"; alone (or beside schema-form items) draft 7 ignores it
    } else if (k == "dependencies") {
      for (const auto& [name, dep] : v.items()) {
        if (dep.is_array())
          out["dependentRequired"][name] = dep;
        else
          out["dependentSchemas"][name] = translate(dep);
      }
    } else if (k == "allOf" || k == "anyOf" || k == "oneOf") {
      out[k] = translate_list(v);
    } else if (k == "additionalProperties" || k == "not" || k == "contains" ||
               k == "propertyNames" || k == "if" || k == "then" || k == "else") {
      out[k] = translate(v);
    } else if (k == "$ref" && v.is_string()) {
      out[k] = translate_ref(v.get<std::string>());
    } else {
      out[k] = v;
    }
  }
  return out;
}

std::vector<fs::path> suite_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kSuite))
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  // Two optional files about numbers, which configurations are full of.
  files.push_back(kSuite / "optional" / "bignum.json");
  files.push_back(kSuite / "optional" / "zeroTerminatedFloats.json");
  return files;
}

TEST(SchemaSuite, Draft7TranslatedTo202012) {
  ASSERT_TRUE(fs::is_directory(kSuite))
      << kSuite << " is missing: scripts/install-deps.sh installs json-schema-test-suite";
  const auto files = suite_files();
  ASSERT_GE(files.size(), 30u) << "the draft7 folder looks incomplete";

  std::size_t passed = 0, refused_cases = 0, refused_groups = 0, excluded = 0;
  std::set<std::string> refusals_seen, exclusions_seen;
  for (const auto& file : files) {
    std::ifstream in(file);
    const Json groups = Json::parse(in);
    const std::string name = file.parent_path().filename() == "optional"
                                 ? "optional/" + file.filename().string()
                                 : file.filename().string();
    for (const auto& group : groups) {
      const std::string group_id = name + ": " + group["description"].get<std::string>();
      const Json schema = translate(group["schema"]);
      auto compiled = Schema::compile(schema, name);
      if (auto expected = kExpectedRefusals.find(group_id); expected != kExpectedRefusals.end()) {
        refusals_seen.insert(group_id);
        if (compiled) {
          ADD_FAILURE() << group_id << ": expected a refusal (" << expected->second
                        << "), but the schema compiled: " << schema.dump();
          continue;
        }
        EXPECT_EQ(compiled.error().code, "config.schema") << group_id;
        EXPECT_NE(compiled.error().message.find(expected->second), std::string::npos)
            << group_id << ": " << compiled.error().message;
        ++refused_groups;
        refused_cases += group["tests"].size();
        continue;
      }
      if (!compiled) {
        ADD_FAILURE() << group_id << ": refused unexpectedly: " << compiled.error().message
                      << "\n  schema: " << schema.dump();
        continue;
      }
      for (const auto& test : group["tests"]) {
        const std::string case_id = group_id + ": " + test["description"].get<std::string>();
        if (kExcluded.count(case_id) != 0) {
          exclusions_seen.insert(case_id);
          ++excluded;
          continue;
        }
        const bool expected = test["valid"].get<bool>();
        const auto errors = compiled->validate(test["data"]);
        const bool quick = compiled->is_valid(test["data"]);
        std::string lines;
        for (const auto& e : errors) lines += "\n    " + e.to_string();
        EXPECT_EQ(errors.empty(), expected) << case_id << "\n  schema: " << schema.dump()
                                            << "\n  data: " << test["data"].dump() << lines;
        EXPECT_EQ(quick, expected) << case_id << " (is_valid)";
        if (errors.empty() == expected && quick == expected) ++passed;
      }
    }
  }
  // Every listed refusal and exclusion must still exist in the suite (no stale entries).
  for (const auto& [id, why] : kExpectedRefusals)
    EXPECT_TRUE(refusals_seen.count(id) != 0) << "no such group in the suite: " << id;
  for (const auto& [id, why] : kExcluded)
    EXPECT_TRUE(exclusions_seen.count(id) != 0) << "no such case in the suite: " << id;
  std::cout << "JSON-Schema-Test-Suite draft7 -> 2020-12: " << files.size() << " files, " << passed
            << " cases passed, " << refused_cases << " cases in " << refused_groups
            << " groups refused at compile time, " << excluded << " excluded\n";
}

}  // namespace
}  // namespace kit::config
