// Fuzz target: kit::hash's checksum manifest parser (coreutils' -c line grammar). The first
// byte picks the algorithm's format; every line of the rest is parsed, and an entry must come
// back with a digest of the announced length and a name that round-trips through checksum_line.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kit/hash/checksum.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace h = kit::hash;
  if (size == 0) return 0;
  const bool b2 = (data[0] & 1) != 0;
  h::ManifestParser parser({b2 ? "BLAKE2b" : "SHA256", b2 ? 128u : 64u, b2, (data[0] & 2) != 0});
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  h::ChecksumEntry entry;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (parser.parse(line, entry) != h::ManifestParser::Kind::entry) continue;
    if (entry.hex.size() != entry.hex_length || entry.hex_length == 0) std::abort();
    // What checksum_line writes, a fresh parser reads back as the same name.
    h::ManifestParser again({b2 ? "BLAKE2b" : "SHA256", b2 ? 128u : 64u, b2, false});
    h::ChecksumEntry back;
    const std::string written =
        h::checksum_line(entry.hex, entry.name, {b2 ? "BLAKE2b" : "SHA256", false, false, false});
    if (entry.name.find('\0') == std::string::npos && !entry.name.empty() &&
        again.parse(std::string_view(written).substr(0, written.size() - 1), back) ==
            h::ManifestParser::Kind::entry &&
        back.name != entry.name)
      std::abort();
  }
  return 0;
}
