// Fuzz target: the --probe escape parser and the banner escaper of kit::net. Oracles: escaping
// any bytes and parsing them back gives the same bytes; escaped text is printable ASCII only; a
// bad escape names a column inside the input (the column of a backslash).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "kit/net/scan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace net = kit::net;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string escaped = net::escape_banner(input);
  for (const char c : escaped)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) std::abort();
  auto back = net::parse_probe(escaped);
  if (!back || *back != input) std::abort();
  if (auto parsed = net::parse_probe(input)) {
    if (parsed->size() > input.size()) std::abort();  // escapes only shrink
  } else {
    const std::string& m = parsed.error().message;
    const auto at = m.rfind("(column ");
    if (parsed.error().code != "net.bad_probe" || at == std::string::npos) std::abort();
    const std::size_t column = std::strtoul(m.c_str() + at + 8, nullptr, 10);
    if (column < 1 || column > size || input[column - 1] != '\\') std::abort();
  }
  return 0;
}
