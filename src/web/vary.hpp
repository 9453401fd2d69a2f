// web/vary.hpp — adding a field name to a response's Vary header (CORS and GZip both do).
//
// Example:
//   kit::web::detail::add_vary(response.headers, "Origin");   // "Accept-Encoding, Origin"
#pragma once

#include <string>
#include <string_view>

#include "kit/web/http.hpp"

namespace kit::web::detail {

// add_vary(headers, name): appends name to Vary unless it is already listed (any case), as
// Starlette's MutableHeaders.add_vary_header, which does not check and can repeat a name.
inline void add_vary(Headers& headers, std::string_view name) {
  const auto existing = headers.get("Vary");
  if (!existing || existing->empty()) {
    headers.set("Vary", name);
    return;
  }
  std::string_view rest = *existing;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item == "*") return;
    if (item.size() == name.size()) {
      bool same = true;
      for (std::size_t i = 0; i < item.size() && same; ++i) {
        auto lo = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
        same = lo(item[i]) == lo(name[i]);
      }
      if (same) return;
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  std::string value(*existing);
  value += ", ";
  value += name;
  headers.set("Vary", value);
}

}  // namespace kit::web::detail
