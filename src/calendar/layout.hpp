// Internals shared by the text and HTML layouts.
#pragma once

#include <string>
#include <string_view>

namespace kit::calendar::detail {

// append_centered(out, s, width): Python's s.center(width) appended to out.
void append_centered(std::string& out, std::string_view s, std::size_t width);

// rstrip_from(out, start): Python's rstrip() of the text appended since start (spaces only:
// the layouts put no other whitespace inside a line).
void rstrip_from(std::string& out, std::size_t start);

}  // namespace kit::calendar::detail
