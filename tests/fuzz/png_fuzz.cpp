// Fuzz target: kit::binary::inspect_png on arbitrary bytes (see inspector_fuzz.hpp); every chunk
// it lists must lie inside the input.
#include "inspector_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (auto info = kit::binary::inspect_png(bytes))
    for (const auto& c : info->chunks)
      if (c.offset + 12 + c.length > size) std::abort();
  return kit::fuzz::fuzz_inspector(data, size, kit::binary::inspect_png);
}
