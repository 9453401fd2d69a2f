// kit/config/key.hpp — dotted keys ("database.pool_size") and the values they name in a document.
//
// A key is a path of object member names joined by dots; `\.` is a dot inside a name and `\\` a
// backslash. Keys never index arrays: "hosts.0" names the member "0" of an object.
//
// Example:
//   auto key = kit::config::parse_key("database.pool_size");   // {"database", "pool_size"}
//   kit::config::Json doc = {{"database", {{"pool_size", 5}}}};
//   const kit::config::Json* v = kit::config::find(doc, *key);  // 5
//   (void)kit::config::assign(doc, *key, 20);                   // config.type if database is 3
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kit/config/json.hpp"
#include "kit/core/error.hpp"

namespace kit::config {

using Key = std::vector<std::string>;

// parse_key("a.b\\.c"): {"a", "b.c"}. config.bad_key for an empty key or name ("a..b", ".a"),
// or a backslash before anything but a dot or a backslash.
[[nodiscard]] Result<Key> parse_key(std::string_view text);

// format_key(key): the dotted form, dots and backslashes in names escaped (parse_key's inverse).
[[nodiscard]] std::string format_key(const Key& key);

// find(doc, key): the value at `key`, or nullptr when a name is missing or a step is no object.
[[nodiscard]] const Json* find(const Json& doc, const Key& key);

// assign(doc, key, value): sets the value, making the objects on the way. config.type when a
// step exists and is not an object ("a.b" where a is 3): the document is then unchanged.
[[nodiscard]] Result<void> assign(Json& doc, const Key& key, Json value);

// erase(doc, key): removes the member; whether it was there. Emptied parents stay (as {}).
bool erase(Json& doc, const Key& key);

// type_name(value): "object", "array", "string", "number", "boolean" or "null", for messages.
[[nodiscard]] std::string_view type_name(const Json& value);

}  // namespace kit::config
