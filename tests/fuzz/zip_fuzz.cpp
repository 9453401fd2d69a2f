// Fuzz target: kit::binary::inspect_zip on arbitrary bytes (see inspector_fuzz.hpp).
#include "inspector_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return kit::fuzz::fuzz_inspector(data, size, kit::binary::inspect_zip);
}
