// Internals shared by the text and HTML layouts.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kit/calendar.hpp"

namespace kit::calendar::detail {

// append_centered(out, s, width): Python's s.center(width) appended to out.
void append_centered(std::string& out, std::string_view s, std::size_t width);

// rstrip_from(out, start): Python's rstrip() of the text appended since start (spaces only:
// the layouts put no other whitespace inside a line).
void rstrip_from(std::string& out, std::size_t start);

// A year's layout depends on its number only through its shape: the weekday of 1 January and
// whether it is leap. 14 shapes repeat through the 400-year cycle, so a year's body (all but
// the line naming the year) can be laid out once per shape and options, and copied after that.
using BodyKey = std::array<int, 8>;

// body_key(y, options...): the shape of y plus the layout options that change its body.
BodyKey body_key(year y, int kind, int a = 0, int b = 0, int c = 0, int d = 0, int e = 0);

// append_cached_body(out, key, lay_out): appends the body for key, calling lay_out(std::string&)
// to build it on a miss. The cache is per thread and small (a few layouts are in use at once).
template <class LayOut>
void append_cached_body(std::string& out, const BodyKey& key, LayOut&& lay_out) {
  thread_local std::vector<std::pair<BodyKey, std::string>> cache;
  for (const auto& [k, body] : cache)
    if (k == key) {
      out += body;
      return;
    }
  if (cache.size() >= 64) cache.clear();
  std::string body;
  lay_out(body);
  out += body;
  cache.emplace_back(key, std::move(body));
}

}  // namespace kit::calendar::detail
