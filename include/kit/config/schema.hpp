// kit/config/schema.hpp — JSON Schema (draft 2020-12) checks of a configuration.
//
// The keywords a configuration needs, written for kit (Debian packages no C++ validator):
//   type ("integer" is a number with a zero fraction: 1.0 is one), enum, const (JSON equality,
//   1 == 1.0, objects regardless of key order), properties, required, additionalProperties,
//   patternProperties, propertyNames, minProperties/maxProperties, dependentRequired,
//   dependentSchemas, items, prefixItems, contains/minContains/maxContains, minItems/maxItems,
//   uniqueItems, minimum/maximum, exclusiveMinimum/exclusiveMaximum (numbers, as 2020-12 says),
//   multipleOf, minLength/maxLength (Unicode code points), pattern, allOf/anyOf/oneOf/not,
//   if/then/else, $ref to `#` or `#/...` in the same document (JSON pointer with ~0 ~1 and
//   %-escapes), $defs, boolean schemas true and false; annotations ($schema, $id at the root,
//   title, description, default, examples, $comment, deprecated, readOnly, writeOnly) are
//   accepted and never change the outcome.
// Any other keyword (format, unevaluatedProperties, $anchor, $dynamicRef, a remote $ref, a
// misspelt "requried", ...) is refused by compile() with config.schema, naming the keyword and
// where it sits in the schema: a check that would be silently skipped is worse than none.
//
// pattern and patternProperties use std::regex (ECMAScript grammar, unanchored search) over
// UTF-32, so `.` and classes such as [à-ü] see code points, matched breadth-first (time linear
// in the string, no backtracking blow-up, no deep recursion). Refused at compile time:
// backreferences (\1), which need backtracking, and patterns over 256 elements once counted
// repetitions are written out ([a-z]{1,63} is 63), which bound the cost per character.
// ECMAScript's \d \w \s are ASCII, as in JavaScript without the u flag; Unicode property
// escapes (\p{L}) do not exist in std::regex and are refused as bad patterns; lookbehind
// ((?<=...)) does not exist in std::regex either.
//
// Example:
//   auto schema = kit::config::Schema::compile(
//       kit::config::Json::parse(R"({"properties": {"port": {"type": "integer",
//                                     "maximum": 65535}}, "additionalProperties": false})"),
//       "config.schema.json");
//   auto errors = schema->validate(kit::config::Json::parse(R"({"port": 70000, "colour": 1})"));
//   // errors[0].to_string() == "/: additionalProperties: \"colour\" is not allowed"
//   // errors[1].to_string() == "/port: maximum: 70000 is greater than 65535"
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kit/config/json.hpp"
#include "kit/core/error.hpp"

namespace kit::config {

// One reason an instance does not satisfy a schema.
struct SchemaError {
  std::string pointer;  // RFC 6901 pointer to the value in the instance ("" is the whole document)
  std::string keyword;  // the schema keyword that failed: "maximum", "additionalProperties"
  std::string message;  // "70000 is greater than 65535"

  // to_string(): "<pointer>: <keyword>: <message>", the root shown as "/":
  //   "/port: maximum: 70000 is greater than 65535"
  //   "/: required: \"name\" is missing"
  [[nodiscard]] std::string to_string() const;
};

// A compiled schema: immutable, cheap to copy (shared), safe to use from several threads.
class Schema {
 public:
  // compile(schema, source): check the schema and prepare it. Errors: config.schema
  // (invalid_argument) naming `source` and the JSON pointer of the problem in the schema,
  // e.g. `app.schema.json: #/properties/port: keyword "format" is not supported`.
  [[nodiscard]] static Result<Schema> compile(const Json& schema, std::string_view source);

  // validate(instance): every error, in the instance's document order (a value before the
  // values inside it, members and items in the order they appear; errors at one value in the
  // order of the schema's keywords). Empty when the instance is valid. Nesting deeper than
  // max_depth() is reported as an error (keyword "depth"), never a stack overflow.
  [[nodiscard]] std::vector<SchemaError> validate(const Json& instance) const;

  // is_valid(instance): validate(instance).empty(), stopping at the first error.
  [[nodiscard]] bool is_valid(const Json& instance) const;

  // How deep validation follows the instance and the schema's subschemas before it stops.
  static constexpr std::size_t max_depth() { return 256; }

  struct Compiled;  // the schema as a graph of checks (src/config/schema.cpp)

 private:
  explicit Schema(std::shared_ptr<const Compiled> compiled) : compiled_(std::move(compiled)) {}
  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace kit::config
