// Internal to kit::binary: integers as one wide type, for range checks.
#pragma once

#include <optional>

#include "kit/binary.hpp"

namespace kit::binary::detail {

__extension__ using int128 = __int128;  // every 64-bit field's range fits, signed or not

// as_int128(v): an integer or bool Value as a number; nullopt for floats and bytes.
inline std::optional<int128> as_int128(const Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* u = std::get_if<std::uint64_t>(&v)) return *u;
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1 : 0;
  return std::nullopt;
}

}  // namespace kit::binary::detail
