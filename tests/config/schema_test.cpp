// kit::config::Schema: the error lines (pointer, keyword, message, order), the refusals, and
// the guards against deep or cyclic input. The keyword semantics are tested case by case by
// the official suite (schema_suite_test.cpp).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kit/config/schema.hpp"

namespace kit::config {
namespace {

Schema compiled(const char* schema) {
  auto s = Schema::compile(Json::parse(schema), "app.schema.json");
  EXPECT_TRUE(s) << (s ? "" : s.error().message);
  if (!s) std::abort();
  return *s;
}

// validate() as the lines `kit config validate` prints; also checks is_valid() agrees.
std::vector<std::string> lines(const char* schema, const char* instance) {
  const Schema s = compiled(schema);
  const Json doc = Json::parse(instance);
  std::vector<std::string> out;
  for (const auto& e : s.validate(doc)) out.push_back(e.to_string());
  EXPECT_EQ(s.is_valid(doc), out.empty()) << schema << " / " << instance;
  return out;
}

using Lines = std::vector<std::string>;

std::string refusal(const char* schema) {
  auto s = Schema::compile(Json::parse(schema), "app.schema.json");
  EXPECT_FALSE(s) << schema << " compiled";
  if (s) return "";
  EXPECT_EQ(s.error().code, "config.schema");
  EXPECT_EQ(s.error().kind, ErrorKind::invalid_argument);
  return s.error().message;
}

TEST(SchemaErrors, TheIssueExample) {
  const char* schema = R"({"type": "object",
    "properties": {"name": {"type": "string"},
                   "port": {"type": "integer", "minimum": 1, "maximum": 65535},
                   "theme": {"enum": ["light", "dark"]}},
    "required": ["port", "name"], "additionalProperties": false})";
  EXPECT_EQ(
      lines(schema, R"({"port": 70000, "theme": "dark"})"),
      (Lines{"/: required: \"name\" is missing", "/port: maximum: 70000 is greater than 65535"}));
  EXPECT_EQ(lines(schema, R"({"name": "x", "port": 80, "colour": "red"})"),
            (Lines{"/: additionalProperties: \"colour\" is not allowed"}));
  EXPECT_EQ(lines(schema, R"({"name": "x", "port": 8080, "theme": "blue"})"),
            (Lines{"/theme: enum: \"blue\" is not one of \"light\", \"dark\""}));
  EXPECT_TRUE(lines(schema, R"({"name": "x", "port": 8080.0})").empty());
}

TEST(SchemaErrors, FieldsAndRootPointer) {
  const Schema s = compiled(R"({"required": ["a"], "properties": {"b": {"type": "string"}}})");
  const auto errors = s.validate(Json::parse(R"({"b": 3})"));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].pointer, "");  // RFC 6901's whole document
  EXPECT_EQ(errors[0].keyword, "required");
  EXPECT_EQ(errors[0].message, "\"a\" is missing");
  EXPECT_EQ(errors[0].to_string(), "/: required: \"a\" is missing");
  EXPECT_EQ(errors[1].pointer, "/b");
  EXPECT_EQ(errors[1].keyword, "type");
  EXPECT_EQ(errors[1].message, "3 is not of type \"string\"");
}

TEST(SchemaErrors, DocumentOrderWhateverTheSchemaOrder) {
  // The schema names z before a and checks required last; errors follow the instance.
  const char* schema = R"({"properties": {"z": {"type": "string"},
    "a": {"properties": {"y": {"maximum": 1}, "x": {"maximum": 1}}}},
    "required": ["q"]})";
  EXPECT_EQ(lines(schema, R"({"a": {"x": 5, "y": 5}, "z": 1})"),
            (Lines{"/: required: \"q\" is missing", "/a/x: maximum: 5 is greater than 1",
                   "/a/y: maximum: 5 is greater than 1", "/z: type: 1 is not of type \"string\""}));
  // Several errors at one value: in the schema's keyword order.
  EXPECT_EQ(lines(R"({"minLength": 5, "pattern": "^[0-9]+$", "maxLength": 1})", R"("ab")"),
            (Lines{"/: minLength: \"ab\" has 2 characters, at least 5 allowed",
                   "/: pattern: \"ab\" does not match \"^[0-9]+$\"",
                   "/: maxLength: \"ab\" has 2 characters, at most 1 allowed"}));
  // Deterministic: the same lines every time.
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(lines(schema, R"({"a": {"x": 5, "y": 5}, "z": 1})").size(), 4u);
}

TEST(SchemaErrors, PointersEscapeTildeAndSlash) {
  EXPECT_EQ(
      lines(R"({"additionalProperties": {"type": "null"}})", R"({"a/b": 1, "c~d": 2})"),
      (Lines{"/a~1b: type: 1 is not of type \"null\"", "/c~0d: type: 2 is not of type \"null\""}));
  EXPECT_EQ(
      lines(R"({"items": {"type": "string"}})", R"(["x", 2, "y", null])"),
      (Lines{"/1: type: 2 is not of type \"string\"", "/3: type: null is not of type \"string\""}));
}

TEST(SchemaErrors, TypesAndNumbers) {
  EXPECT_TRUE(lines(R"({"type": "integer"})", "1.0").empty());  // zero fraction: an integer
  EXPECT_EQ(lines(R"({"type": "integer"})", "1.5"),
            (Lines{"/: type: 1.5 is not of type \"integer\""}));
  EXPECT_EQ(lines(R"({"type": ["integer", "string", "null"]})", "true"),
            (Lines{"/: type: true is not of type \"integer\", \"string\" or \"null\""}));
  EXPECT_EQ(lines(R"({"minimum": 1.5})", "1"), (Lines{"/: minimum: 1 is less than 1.5"}));
  EXPECT_EQ(lines(R"({"exclusiveMinimum": 0})", "0"),
            (Lines{"/: exclusiveMinimum: 0 is not greater than 0"}));
  EXPECT_EQ(lines(R"({"exclusiveMaximum": 10})", "10.0"),
            (Lines{"/: exclusiveMaximum: 10.0 is not less than 10"}));
  EXPECT_TRUE(lines(R"({"exclusiveMaximum": 10})", "9.999").empty());
  // Exact across integer and floating point: 2^53 + 1 is more than 2^53 as a double.
  EXPECT_EQ(lines(R"({"maximum": 9007199254740992.0})", "9007199254740993"),
            (Lines{"/: maximum: 9007199254740993 is greater than 9.007199254740992e+15"}));
  EXPECT_TRUE(lines(R"({"minimum": -9223372036854775808})", "18446744073709551615").empty());
  EXPECT_EQ(lines(R"({"maximum": -1})", "18446744073709551615"),
            (Lines{"/: maximum: 18446744073709551615 is greater than -1"}));
  // multipleOf on the decimals as written.
  EXPECT_TRUE(lines(R"({"multipleOf": 0.0001})", "0.0075").empty());
  EXPECT_TRUE(lines(R"({"multipleOf": 0.1})", "0.3").empty());
  EXPECT_EQ(lines(R"({"multipleOf": 0.01})", "0.075"),
            (Lines{"/: multipleOf: 0.075 is not a multiple of 0.01"}));
  EXPECT_TRUE(lines(R"({"multipleOf": 3})", "-9").empty());
  EXPECT_FALSE(lines(R"({"multipleOf": 0.123456789})", "1e308").empty());
}

TEST(SchemaErrors, ConstAndEnumUseJsonEquality) {
  EXPECT_TRUE(lines(R"({"const": 1})", "1.0").empty());
  EXPECT_TRUE(lines(R"({"const": {"a": 1, "b": [1, 2]}})", R"({"b": [1.0, 2], "a": 1})").empty());
  EXPECT_EQ(lines(R"({"const": {"a": 1}})", R"({"a": 1, "b": 2})"),
            (Lines{"/: const: {\"a\": 1, \"b\": 2} is not {\"a\": 1}"}));
  EXPECT_EQ(lines(R"({"const": 9007199254740992})", "9007199254740993"),
            (Lines{"/: const: 9007199254740993 is not 9007199254740992"}));
  EXPECT_TRUE(lines(R"({"enum": [[1, 2], "x"]})", "[1.0, 2.0]").empty());
  EXPECT_EQ(lines(R"({"enum": [false]})", "0"), (Lines{"/: enum: 0 is not one of false"}));
  EXPECT_EQ(lines(R"({"uniqueItems": true})", R"([1, {"a": 1}, 2, {"a": 1.0}])"),
            (Lines{"/: uniqueItems: items 1 and 3 are equal"}));
  EXPECT_TRUE(lines(R"({"uniqueItems": true})", R"([1, true, "1", [1], {"1": 1}])").empty());
}

TEST(SchemaErrors, LengthsCountCodePoints) {
  EXPECT_TRUE(lines(R"({"maxLength": 5})", R"("héllo")").empty());  // 6 bytes, 5 code points
  EXPECT_TRUE(lines(R"({"minLength": 2, "maxLength": 2})", R"("😀😀")").empty());
  EXPECT_EQ(lines(R"({"minLength": 3})", R"("日本")"),
            (Lines{"/: minLength: \"日本\" has 2 characters, at least 3 allowed"}));
  // Long values are cut in messages.
  const std::string longer = "\"" + std::string(100, 'x') + "\"";
  const auto out = lines(R"({"maxLength": 3})", longer.c_str());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], "/: maxLength: \"" + std::string(40, 'x') +
                        "...\" has 100 characters, at most 3 allowed");
}

TEST(SchemaErrors, PatternIsAnUnanchoredSearchOverCodePoints) {
  EXPECT_TRUE(lines(R"({"pattern": "b+"})", R"("abbc")").empty());
  EXPECT_TRUE(lines(R"({"pattern": "^.$"})", R"("é")").empty());  // one code point, two bytes
  EXPECT_TRUE(lines(R"({"pattern": "^[à-ü]+$"})", R"("éü")").empty());
  EXPECT_EQ(lines(R"({"pattern": "^[a-z]+$"})", R"("Dark")"),
            (Lines{"/: pattern: \"Dark\" does not match \"^[a-z]+$\""}));
  EXPECT_TRUE(lines(R"j({"pattern": "^(?!tmp)"})j", R"("var")").empty());  // lookahead works
  EXPECT_FALSE(lines(R"j({"pattern": "^(?!tmp)"})j", R"("tmpx")").empty());
  // Linear time where a backtracking matcher (2^200 paths) or a restarting one (quadratic) is
  // not: (x?){200}y over 2000 x.
  const std::string xs = "\"" + std::string(2000, 'x') + "\"";
  EXPECT_FALSE(lines(R"({"pattern": "(x?){200}y"})", xs.c_str()).empty());
  EXPECT_TRUE(lines(R"({"pattern": "(x?){200}x$"})", xs.c_str()).empty());
  // Groups, classes with ( and escapes keep their meaning once made non-capturing.
  EXPECT_TRUE(lines(R"j({"pattern": "^(a|b)+[(]\\(c\\)$"})j", R"j("abba((c)")j").empty());
  EXPECT_FALSE(lines(R"j({"pattern": "^(a|b)+[(]\\(c\\)$"})j", R"j("abba(c)")j").empty());
  // A long string does not exhaust the stack (libstdc++'s backtracking matcher would).
  const std::string big = "\"" + std::string(50000, 'a') + "\"";
  EXPECT_TRUE(lines(R"({"pattern": "^(a|b)*$"})", big.c_str()).empty());
}

TEST(SchemaErrors, CombinatorsAndConditionals) {
  EXPECT_EQ(lines(R"({"anyOf": [{"type": "string"}, {"minimum": 10}]})", "3"),
            (Lines{"/: anyOf: 3 matches none of the 2 schemas"}));
  EXPECT_EQ(lines(R"({"oneOf": [{"type": "integer"}, {"minimum": 0}]})", "3"),
            (Lines{"/: oneOf: 3 matches more than one schema (#0 and #1)"}));
  EXPECT_EQ(lines(R"({"not": {"type": "null"}})", "null"),
            (Lines{"/: not: null must not match the schema"}));
  // allOf reports what fails inside it.
  EXPECT_EQ(lines(R"({"allOf": [{"minimum": 5}, {"maximum": 1}]})", "3"),
            (Lines{"/: minimum: 3 is less than 5", "/: maximum: 3 is greater than 1"}));
  const char* tls = R"({"if": {"properties": {"tls": {"const": true}}, "required": ["tls"]},
                        "then": {"required": ["cert"]}, "else": {"properties": {"port": {"maximum": 1023}}}})";
  EXPECT_EQ(lines(tls, R"({"tls": true})"), (Lines{"/: required: \"cert\" is missing"}));
  EXPECT_EQ(lines(tls, R"({"port": 8080})"), (Lines{"/port: maximum: 8080 is greater than 1023"}));
  EXPECT_EQ(lines(R"({"dependentRequired": {"user": ["password"]}})", R"({"user": "me"})"),
            (Lines{"/: dependentRequired: \"password\" is missing (required when \"user\" is "
                   "present)"}));
  EXPECT_EQ(lines(R"({"contains": {"type": "string"}, "minContains": 2})", R"([1, "a"])"),
            (Lines{"/: contains: 1 item matches the schema, at least 2 required"}));
  EXPECT_EQ(lines(R"({"propertyNames": {"pattern": "^[a-z_]+$"}})", R"({"ok": 1, "Bad": 2})"),
            (Lines{"/: propertyNames: \"Bad\" is not a valid property name"}));
  EXPECT_EQ(lines(R"({"patternProperties": {"^x-": {"type": "string"}},
                      "additionalProperties": false})",
                  R"({"x-a": "1", "x-b": 2, "y": 3})"),
            (Lines{"/: additionalProperties: \"y\" is not allowed",
                   "/x-b: type: 2 is not of type \"string\""}));
  EXPECT_EQ(lines(R"({"minProperties": 2})", R"({"a": 1})"),
            (Lines{"/: minProperties: 1 property given, at least 2 allowed"}));
}

TEST(SchemaErrors, ArraysAndBooleanSchemas) {
  const char* pair =
      R"({"prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false})";
  EXPECT_TRUE(lines(pair, R"(["a", 1])").empty());
  EXPECT_EQ(lines(pair, R"(["a", "b", 3])"), (Lines{"/: items: 3 items given, at most 2 allowed",
                                                    "/1: type: \"b\" is not of type \"integer\""}));
  EXPECT_EQ(lines(R"({"minItems": 2, "maxItems": 3})", "[1]"),
            (Lines{"/: minItems: 1 item given, at least 2 allowed"}));
  EXPECT_EQ(lines("false", "1"),
            (Lines{"/: false: no value is allowed here (the schema is false)"}));
  EXPECT_TRUE(lines("true", "1").empty());
  EXPECT_TRUE(lines("{}", R"({"anything": [1]})").empty());
  EXPECT_EQ(lines(R"({"properties": {"legacy": false}})", R"({"legacy": 1})"),
            (Lines{"/: properties: \"legacy\" is not allowed"}));
  EXPECT_EQ(lines(R"({"prefixItems": [true, false]})", "[1, 2]"),
            (Lines{"/1: prefixItems: no value is allowed here (the schema is false)"}));
}

TEST(SchemaRef, DefsRootAndPointerEscapes) {
  const char* schema = R"({
    "$defs": {"port": {"type": "integer", "maximum": 65535},
              "a/b": {"type": "string"}, "t~x": {"type": "boolean"}, "p%c": {"type": "null"},
              "chain": {"$ref": "#/$defs/port"}},
    "properties": {"http": {"$ref": "#/$defs/port"}, "via": {"$ref": "#/$defs/chain"},
                   "slash": {"$ref": "#/$defs/a~1b"}, "tilde": {"$ref": "#/$defs/t~0x"},
                   "pct": {"$ref": "#/$defs/p%25c"}, "self": {"$ref": "#"}}})";
  EXPECT_TRUE(lines(schema, R"({"http": 80, "slash": "s", "tilde": true, "pct": null,
                                "self": {"via": 1, "self": {"http": 2}}})")
                  .empty());
  EXPECT_EQ(
      lines(schema, R"({"http": 70000, "slash": 1, "tilde": 1, "pct": 1,
                             "self": {"self": {"via": 1.5}}})"),
      (Lines{"/http: maximum: 70000 is greater than 65535",
             "/slash: type: 1 is not of type \"string\"",
             "/tilde: type: 1 is not of type \"boolean\"", "/pct: type: 1 is not of type \"null\"",
             "/self/self/via: type: 1.5 is not of type \"integer\""}));
  // 2020-12: $ref's siblings apply too.
  EXPECT_EQ(
      lines(R"({"$defs": {"a": {"type": "array"}}, "$ref": "#/$defs/a", "maxItems": 1})", "[1, 2]"),
      (Lines{"/: maxItems: 2 items given, at most 1 allowed"}));
  // The root's own $id may prefix a local pointer.
  EXPECT_TRUE(lines(R"({"$id": "https://example.com/app.json", "$defs": {"n": {"type": "null"}},
                        "$ref": "https://example.com/app.json#/$defs/n"})",
                    "null")
                  .empty());
  EXPECT_EQ(
      lines(
          R"({"$id": "https://example.com/t.json", "items": {"$ref": "https://example.com/t.json"},
                      "type": "array"})",
          "[[], [1]]"),
      (Lines{"/1/0: type: 1 is not of type \"array\""}));
}

TEST(SchemaRef, CyclesAreRefusedAndDeepInstancesStop) {
  EXPECT_NE(refusal(R"({"$ref": "#"})").find("$ref cycle # -> #"), std::string::npos);
  const std::string loop = refusal(
      R"({"$defs": {"a": {"allOf": [{"$ref": "#/$defs/b"}]}, "b": {"anyOf": [{"$ref": "#/$defs/a"}]}},
                  "$ref": "#/$defs/a"})");
  EXPECT_NE(loop.find("$ref cycle"), std::string::npos) << loop;
  EXPECT_NE(loop.find("applies to the same value forever"), std::string::npos) << loop;

  // A recursive schema that descends is fine, and stops with an error where it nests too deep.
  const Schema tree = compiled(R"({"type": "array", "items": {"$ref": "#"}})");
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += '[';
  for (int i = 0; i < 100000; ++i) deep += ']';
  const Json doc = Json::parse(deep);
  const auto errors = tree.validate(doc);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].keyword, "depth");
  EXPECT_FALSE(tree.is_valid(doc));
  EXPECT_TRUE(tree.validate(Json::parse("[[[[]]], []]")).empty());
}

TEST(SchemaRef, FanOutIsEvaluatedOncePerValue) {
  // 60 levels of two-way anyOf: 2^60 paths without memoisation.
  Json schema = {{"$defs", Json::object()}};
  for (int i = 0; i < 60; ++i) {
    const std::string next = "#/$defs/d" + std::to_string(i + 1);
    schema["$defs"]["d" + std::to_string(i)] = {
        {"anyOf",
         Json::array({{{"$ref", next}, {"minimum", 0}}, {{"$ref", next}, {"maximum", 0}}})}};
  }
  schema["$defs"]["d60"] = {{"type", "string"}};
  schema["$ref"] = "#/$defs/d0";
  auto s = Schema::compile(schema, "fan.json");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(s->is_valid(Json(1)));
  EXPECT_EQ(s->validate(Json(1)).size(), 1u);
  EXPECT_TRUE(s->is_valid(Json("x")));
}

TEST(SchemaCompile, UnsupportedKeywordsAreRefusedWithTheirPointer) {
  EXPECT_EQ(refusal(R"({"properties": {"port": {"type": "integer", "format": "port"}}})"),
            "app.schema.json: #/properties/port/format: keyword \"format\" is not supported");
  for (const char* keyword :
       {"unevaluatedProperties", "unevaluatedItems", "$anchor", "$dynamicRef", "$dynamicAnchor",
        "$recursiveRef", "contentMediaType", "contentEncoding", "$vocabulary", "requried"}) {
    const std::string schema = std::string(R"({"items": {")") + keyword + R"(": "x"}})";
    const std::string message = refusal(schema.c_str());
    EXPECT_EQ(message, std::string("app.schema.json: #/items/") + keyword + ": keyword \"" +
                           keyword + "\" is not supported");
  }
  EXPECT_NE(refusal(R"({"definitions": {}})").find("2020-12 writes $defs"), std::string::npos);
  EXPECT_NE(refusal(R"({"dependencies": {}})").find("dependentRequired"), std::string::npos);
  EXPECT_NE(refusal(R"({"items": [{}], "additionalItems": false})").find("prefixItems"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"$ref": "other.json#/$defs/a"})")
                .find("#/$ref: $ref \"other.json#/$defs/a\": only references within the schema"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"$ref": "#name"})").find("anchors ($anchor) are not supported"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"$ref": "#/$defs/missing"})").find("names nothing in the schema"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"$ref": "#/a~2"})").find("bad JSON pointer escape"), std::string::npos);
  EXPECT_NE(refusal(R"({"properties": {"a": {"$id": "x"}}})")
                .find("#/properties/a/$id: $id is supported only at the root"),
            std::string::npos);
}

TEST(SchemaCompile, BadKeywordValuesAreRefused) {
  EXPECT_NE(refusal(R"({"type": "int"})").find("\"int\" is not a type"), std::string::npos);
  EXPECT_NE(refusal(R"({"minimum": "5"})").find("#/minimum: minimum must be a number"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"exclusiveMaximum": true})").find("draft 4"), std::string::npos);
  EXPECT_NE(refusal(R"({"required": ["a", "a"]})").find("lists \"a\" twice"), std::string::npos);
  EXPECT_NE(refusal(R"({"maxLength": -1})").find("non-negative integer"), std::string::npos);
  EXPECT_NE(refusal(R"({"multipleOf": 0})").find("greater than 0"), std::string::npos);
  EXPECT_NE(refusal(R"({"anyOf": []})").find("non-empty array"), std::string::npos);
  EXPECT_NE(refusal(R"({"properties": {"a": 3}})")
                .find("#/properties/a: a schema must be an object or a boolean, not integer"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"pattern": "("})").find("not a valid regular expression"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"pattern": "(a)\\1"})").find("backreferences are not supported"),
            std::string::npos);
  EXPECT_TRUE(
      lines(R"({"pattern": "^a{250}$"})", ("\"" + std::string(250, 'a') + "\"").c_str()).empty());
  EXPECT_NE(refusal(R"({"pattern": "a{1001}"})").find("repetition counts above 1000"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"pattern": "((x?){10}){26}"})").find("is too large"), std::string::npos);
  EXPECT_NE(refusal("3").find("#: a schema must be an object or a boolean"), std::string::npos);
  // Deeply nested schemas are refused, not recursed into without end.
  std::string nested;
  for (int i = 0; i < 5000; ++i) nested += R"({"not": )";
  nested += "{}";
  for (int i = 0; i < 5000; ++i) nested += "}";
  EXPECT_NE(refusal(nested.c_str()).find("nests deeper than"), std::string::npos);
}

TEST(SchemaCompile, AnnotationsAreAcceptedAndIgnored) {
  EXPECT_TRUE(lines(R"({"$schema": "https://json-schema.org/draft/2020-12/schema",
                        "$id": "https://example.com/app.schema.json", "title": "App",
                        "description": "d", "$comment": "c",
                        "properties": {"port": {"default": 8080, "examples": [80],
                          "deprecated": true, "readOnly": false, "writeOnly": false,
                          "type": "integer"}}})",
                    R"({"port": 1})")
                  .empty());
  EXPECT_TRUE(lines(R"({"uniqueItems": false})", "[1, 1]").empty());
}

TEST(SchemaCompile, CopiesAreIndependentOfTheSource) {
  Json source = Json::parse(R"({"properties": {"a": {"const": "x"}}})");
  auto s = Schema::compile(source, "s.json");
  ASSERT_TRUE(s);
  source = Json::parse("{}");  // the compiled schema keeps its own copy
  const Schema copy = *s;
  EXPECT_EQ(copy.validate(Json::parse(R"({"a": "y"})")).size(), 1u);
}

}  // namespace
}  // namespace kit::config
