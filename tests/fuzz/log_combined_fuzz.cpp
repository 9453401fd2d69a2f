// Fuzz target: kit::logs' combined line parser and the column store (see logs_fuzz.hpp).
#include "logs_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return kit::fuzz::fuzz_log_format(data, size, kit::logs::Format::combined);
}
