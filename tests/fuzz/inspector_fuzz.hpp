// The body every inspector's fuzz target shares: inspect the input as that format and check
// that whatever it reports lies inside the input (an oracle for out-of-bounds reasoning that
// the sanitizers cannot see: offsets that are merely wrong).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kit/binary/inspect.hpp"

namespace kit::fuzz {

template <class Info>
void check_problems(const Info& info, std::size_t size) {
  for (const auto& p : info.problems)
    if (p.offset && *p.offset > size) std::abort();
}

template <class Inspector>
int fuzz_inspector(const std::uint8_t* data, std::size_t size, Inspector inspector) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto info = inspector(bytes);
  if (!info) {
    if (info.error().offset && *info.error().offset > size) std::abort();
    return 0;
  }
  check_problems(*info, size);
  (void)kit::binary::inspect(bytes);  // detection and dispatch agree with the direct call
  return 0;
}

}  // namespace kit::fuzz
