// JPEG: the marker segments from SOI up to EOI; SOFn gives size, precision and components.
#include <cstring>

#include "kit/binary/inspect.hpp"
#include "reader.hpp"

namespace kit::binary {

using detail::fits;
using detail::load_be;
using detail::problem;

namespace {

// after_entropy_data(bytes, at): where the next marker after a scan's entropy-coded data
// starts; 0xFF00 (a stuffed byte), RSTn and fill bytes belong to the data.
std::size_t after_entropy_data(std::string_view bytes, std::size_t at) {
  while (at < bytes.size()) {
    const void* ff = std::memchr(bytes.data() + at, 0xFF, bytes.size() - at);
    if (ff == nullptr) return bytes.size();
    at = static_cast<std::size_t>(static_cast<const char*>(ff) - bytes.data());
    if (at + 1 >= bytes.size()) return bytes.size();
    auto next = static_cast<unsigned char>(bytes[at + 1]);
    if (next == 0x00 || next == 0xFF || (next >= 0xD0 && next <= 0xD7)) {
      at += next == 0xFF ? 1 : 2;
      continue;
    }
    return at;
  }
  return bytes.size();
}

bool is_sof(unsigned char m) {
  return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

}  // namespace

std::string_view JpegInfo::process() const {
  switch (sof) {
    case 0:
      return "Baseline DCT";
    case 1:
      return "Extended sequential DCT";
    case 2:
      return "Progressive DCT";
    case 3:
      return "Lossless";
    case 5:
      return "Differential sequential DCT";
    case 6:
      return "Differential progressive DCT";
    case 7:
      return "Differential lossless";
    case 9:
      return "Extended sequential DCT, arithmetic";
    case 10:
      return "Progressive DCT, arithmetic";
    case 11:
      return "Lossless, arithmetic";
    case 13:
      return "Differential sequential DCT, arithmetic";
    case 14:
      return "Differential progressive DCT, arithmetic";
    case 15:
      return "Differential lossless, arithmetic";
    default:
      return "unknown";
  }
}

Result<JpegInfo> inspect_jpeg(std::string_view bytes) {
  if (bytes.substr(0, 2) != "\xFF\xD8")
    return tl::unexpected(problem("jpeg.bad_signature", 0, "not a JPEG start-of-image marker"));
  JpegInfo info;
  bool has_sof = false;
  std::size_t pos = 2;
  while (true) {
    if (pos >= bytes.size()) {
      info.problems.push_back(
          problem("jpeg.no_eoi", bytes.size(), "the file ends without an end-of-image marker"));
      break;
    }
    if (static_cast<unsigned char>(bytes[pos]) != 0xFF) {
      info.problems.push_back(problem("jpeg.bad_marker", pos, "expected a marker, found 0x{:02x}",
                                      static_cast<unsigned char>(bytes[pos])));
      break;
    }
    while (pos < bytes.size() && static_cast<unsigned char>(bytes[pos]) == 0xFF) ++pos;  // fill
    if (pos >= bytes.size()) continue;
    auto marker = static_cast<unsigned char>(bytes[pos]);
    std::size_t at = pos - 1;
    ++pos;
    if (marker == 0xD9) {
      info.has_eoi = true;
      break;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;  // no length
    if (!fits(bytes, pos, 2)) {
      info.problems.push_back(
          problem("jpeg.truncated", at, "the file ends inside marker 0x{:02x}", marker));
      break;
    }
    std::uint16_t length = load_be<std::uint16_t>(bytes, pos);
    if (length < 2 || !fits(bytes, pos, length)) {
      info.problems.push_back(problem("jpeg.truncated", at,
                                      "segment 0x{:02x} of {} bytes does not fit in the file",
                                      marker, length));
      break;
    }
    std::string_view segment = bytes.substr(pos + 2, length - 2u);
    if (is_sof(marker) && !has_sof) {
      if (segment.size() < 6) {
        info.problems.push_back(problem("jpeg.bad_segment", at, "SOF segment too short"));
        break;
      }
      has_sof = true;
      info.sof = static_cast<std::uint8_t>(marker - 0xC0);
      info.progressive = info.sof == 2 || info.sof == 6 || info.sof == 10 || info.sof == 14;
      info.precision = static_cast<std::uint8_t>(segment[0]);
      info.height = load_be<std::uint16_t>(segment, 1);
      info.width = load_be<std::uint16_t>(segment, 3);
      info.components = static_cast<std::uint8_t>(segment[5]);
    } else if (marker == 0xE0 && segment.substr(0, 5) == std::string_view("JFIF\0", 5)) {
      info.jfif = true;
    } else if (marker == 0xE1 && segment.substr(0, 6) == std::string_view("Exif\0\0", 6)) {
      info.exif = true;
    }
    pos += length;
    if (marker == 0xDA) pos = after_entropy_data(bytes, pos);
  }
  if (!has_sof) info.problems.push_back(problem("jpeg.no_sof", 2, "no start-of-frame segment"));
  return info;
}

}  // namespace kit::binary
