// The body the log formats' fuzz targets share: parse the input as that format on two threads
// and check what the store says against the input (an oracle the sanitizers cannot be).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kit/logs.hpp"

namespace kit::fuzz {

inline int fuzz_log_format(const std::uint8_t* data, std::size_t size, logs::Format format) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const logs::EventStore store = logs::parse(text, {format, 2, true, 4});
  if (store.size() + store.skipped() > store.lines()) std::abort();
  for (std::size_t i = 0; i < store.size(); ++i) {
    (void)store.message(i);
    (void)logs::format_time(store.timestamp_us(i));
    if (store.line(i) == 0 || store.line(i) > store.lines()) std::abort();
    if (store.has_duration(i) && std::isinf(store.duration_ms(i)) && format != logs::Format::jsonl)
      std::abort();
  }
  (void)logs::detect_format(text);
  logs::StatsBuilder stats;
  for (std::size_t i = 0; i < store.size(); ++i)
    stats.add(store.service(i), store.level(i), store.has_duration(i), store.duration_ms(i));
  for (const auto& g : stats.finish().services) (void)g.durations.quantile(0.99);
  return 0;
}

}  // namespace kit::fuzz
