// Fuzz target: kit::timing's text parsers — durations (`--base 250ms`), jitter names, strftime
// formats. A duration that parses prints back (format_seconds) and is never negative.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kit/timing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace timing = kit::timing;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto d = timing::parse_duration(input)) {
    if (d->count() < 0) std::abort();
    (void)timing::format_seconds(*d);
  }
  (void)timing::parse_jitter(input);
  const auto when = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  (void)timing::strftime(input, when, true);
  return 0;
}
