// WAV: a RIFF file of form WAVE; the fmt chunk describes the samples, data holds them.
#include <fmt/core.h>

#include "kit/binary/inspect.hpp"
#include "reader.hpp"

namespace kit::binary {

using detail::fits;
using detail::load_le;
using detail::problem;

std::string WavInfo::format_name() const {
  switch (format_tag) {
    case 1:
      return "PCM";
    case 2:
      return "Microsoft ADPCM";
    case 3:
      return "IEEE float";
    case 6:
      return "A-law";
    case 7:
      return "mu-law";
    case 0x11:
      return "IMA ADPCM";
    case 0x55:
      return "MPEG Layer 3";
    case 0xFFFE:
      return "Extensible";
    default:
      return fmt::format("Unknown (0x{:04x})", format_tag);
  }
}

double WavInfo::duration_seconds() const {
  return byte_rate == 0 ? 0.0 : static_cast<double>(data_bytes) / byte_rate;
}

Result<WavInfo> inspect_wav(std::string_view bytes) {
  if (bytes.size() < 12 || bytes.substr(0, 4) != "RIFF" || bytes.substr(8, 4) != "WAVE")
    return tl::unexpected(problem("wav.bad_signature", 0, "not a RIFF WAVE header"));
  WavInfo info;
  bool has_fmt = false, has_data = false;
  std::size_t pos = 12;
  while (pos < bytes.size()) {
    if (!fits(bytes, pos, 8)) {
      info.problems.push_back(problem("wav.truncated", pos, "the file ends inside a chunk header"));
      return info;
    }
    std::string_view id = bytes.substr(pos, 4);
    std::uint32_t size = load_le<std::uint32_t>(bytes, pos + 4);
    info.chunks.emplace_back(id);
    bool whole = fits(bytes, pos + 8, size);
    if (id == "fmt ") {
      if (!whole || size < 16) {
        info.problems.push_back(problem("wav.bad_fmt", pos,
                                        "fmt chunk of {} bytes is too short "
                                        "or cut short",
                                        size));
        return info;
      }
      std::string_view f = bytes.substr(pos + 8, size);
      has_fmt = true;
      info.format_tag = load_le<std::uint16_t>(f, 0);
      info.channels = load_le<std::uint16_t>(f, 2);
      info.sample_rate = load_le<std::uint32_t>(f, 4);
      info.byte_rate = load_le<std::uint32_t>(f, 8);
      info.block_align = load_le<std::uint16_t>(f, 12);
      info.bits_per_sample = load_le<std::uint16_t>(f, 14);
    } else if (id == "data") {
      has_data = true;
      info.data_bytes = size;
      if (!whole) {
        info.problems.push_back(problem("wav.truncated", pos,
                                        "data chunk announces {} bytes, the file holds {}", size,
                                        bytes.size() - pos - 8));
        return info;
      }
    } else if (!whole) {
      info.problems.push_back(problem("wav.truncated", pos,
                                      "chunk {:?} announces {} bytes, the "
                                      "file holds {}",
                                      std::string(id), size, bytes.size() - pos - 8));
      return info;
    }
    pos += 8 + std::size_t{size} + (size & 1);  // chunks are padded to an even length
  }
  if (!has_fmt) info.problems.push_back(problem("wav.no_fmt", bytes.size(), "no fmt chunk"));
  if (!has_data) info.problems.push_back(problem("wav.no_data", bytes.size(), "no data chunk"));
  return info;
}

}  // namespace kit::binary
