// Dotted keys: parsing with escapes, and finding, assigning and erasing what they name.
#include <fmt/core.h>

#include "kit/config/key.hpp"

namespace kit::config {

Result<Key> parse_key(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return fail(ErrorKind::invalid_argument, "config.bad_key",
                fmt::format("bad key '{}': {}", text, why));
  };
  if (text.empty()) return bad("empty");
  Key key(1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\') {
      if (i + 1 == text.size() || (text[i + 1] != '.' && text[i + 1] != '\\'))
        return bad("a backslash escapes only a dot or a backslash");
      key.back() += text[++i];
    } else if (c == '.') {
      if (key.back().empty()) return bad("an empty name");
      key.emplace_back();
    } else {
      key.back() += c;
    }
  }
  if (key.back().empty()) return bad("an empty name");
  return key;
}

std::string format_key(const Key& key) {
  std::string text;
  for (const std::string& name : key) {
    if (!text.empty()) text += '.';
    for (const char c : name) {
      if (c == '.' || c == '\\') text += '\\';
      text += c;
    }
  }
  return text;
}

const Json* find(const Json& doc, const Key& key) {
  const Json* at = &doc;
  for (const std::string& name : key) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(name);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

Result<void> assign(Json& doc, const Key& key, Json value) {
  // Check the whole path first, so that a refused assignment changes nothing.
  const Json* probe = &doc;
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (!probe->is_object()) {
      const Key step(key.begin(), key.begin() + static_cast<std::ptrdiff_t>(i));
      return fail(ErrorKind::invalid_argument, "config.type",
                  fmt::format("cannot set '{}': '{}' is {} {}, not an object", format_key(key),
                              format_key(step), probe->is_array() ? "an" : "a", type_name(*probe)));
    }
    auto it = probe->find(key[i]);
    if (it == probe->end()) break;
    probe = &*it;
  }
  Json* at = &doc;
  for (const std::string& name : key) at = &(*at)[name];
  *at = std::move(value);
  return {};
}

bool erase(Json& doc, const Key& key) {
  if (key.empty()) return false;
  Json* parent = &doc;
  for (std::size_t i = 0; i + 1 < key.size(); ++i) {
    if (!parent->is_object()) return false;
    auto it = parent->find(key[i]);
    if (it == parent->end()) return false;
    parent = &*it;
  }
  return parent->is_object() && parent->erase(key.back()) > 0;
}

std::string_view type_name(const Json& value) {
  switch (value.type()) {
    case Json::value_t::object:
      return "object";
    case Json::value_t::array:
      return "array";
    case Json::value_t::string:
      return "string";
    case Json::value_t::boolean:
      return "boolean";
    case Json::value_t::null:
      return "null";
    default:
      return "number";
  }
}

}  // namespace kit::config
