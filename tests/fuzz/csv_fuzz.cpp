// Fuzz target: kit::core's RFC 4180 reader. Whatever parses must survive a round trip through
// csv_record, which checks the reader and the writer against each other.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "kit/core/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rows = kit::core::parse_csv(text);
  if (!rows) return 0;
  std::string written;
  for (const auto& row : *rows) written += kit::core::csv_record(row.fields) + "\n";
  auto again = kit::core::parse_csv(written);
  if (!again || again->size() != rows->size()) std::abort();
  for (std::size_t r = 0; r < rows->size(); ++r)
    if ((*again)[r].fields != (*rows)[r].fields) std::abort();
  return 0;
}
