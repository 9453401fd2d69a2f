// GIF: header, logical screen descriptor, then the block stream (images, extensions, trailer).
#include "kit/binary/inspect.hpp"
#include "reader.hpp"

namespace kit::binary {

using detail::ByteReader;
using detail::problem;

namespace {

// skip_sub_blocks(r): past a chain of data sub-blocks and its zero terminator.
bool skip_sub_blocks(ByteReader& r) {
  while (auto size = r.get<std::uint8_t>()) {
    if (*size == 0) return true;
    if (!r.skip(*size)) return false;
  }
  return false;
}

}  // namespace

Result<GifInfo> inspect_gif(std::string_view bytes) {
  if (bytes.substr(0, 6) != "GIF87a" && bytes.substr(0, 6) != "GIF89a")
    return tl::unexpected(problem("gif.bad_signature", 0, "not a GIF87a or GIF89a signature"));
  ByteReader r(bytes, /*little_endian=*/true, 6);
  GifInfo info;
  info.version = std::string(bytes.substr(3, 3));
  auto width = r.get<std::uint16_t>();
  auto height = r.get<std::uint16_t>();
  auto packed = r.get<std::uint8_t>();
  if (!width || !height || !packed || !r.skip(2))
    return tl::unexpected(problem("gif.truncated", bytes.size(),
                                  "the file ends inside the logical screen descriptor"));
  info.width = *width;
  info.height = *height;
  if (*packed & 0x80) {
    info.global_colors = 2u << (*packed & 7);
    if (!r.skip(3u * info.global_colors))
      return tl::unexpected(
          problem("gif.truncated", bytes.size(), "the file ends inside the global colour table"));
  }

  auto truncated = [&](std::size_t at, std::string_view what) {
    info.problems.push_back(problem("gif.truncated", at, "the file ends inside {}", what));
  };
  while (true) {
    std::size_t at = r.offset();
    auto block = r.get<std::uint8_t>();
    if (!block) {
      info.problems.push_back(problem("gif.no_trailer", at, "the file ends without a trailer"));
      break;
    }
    if (*block == 0x3B) {
      info.has_trailer = true;
      break;
    }
    if (*block == 0x2C) {  // image descriptor: position, size, flags, tables, LZW data
      r.skip(8);
      auto flags = r.get<std::uint8_t>();
      if (!flags || ((*flags & 0x80) && !r.skip(3u * (2u << (*flags & 7)))) ||
          !r.get<std::uint8_t>() || !skip_sub_blocks(r)) {
        truncated(at, "an image");
        break;
      }
      ++info.frames;
    } else if (*block == 0x21) {
      auto label = r.get<std::uint8_t>();
      if (label && *label == 0xFF && r.remaining() >= 16 &&
          bytes.substr(r.offset(), 12) == "\x0bNETSCAPE2.0" && bytes[r.offset() + 12] == 3 &&
          bytes[r.offset() + 13] == 1) {
        info.loop_count = detail::load_le<std::uint16_t>(bytes, r.offset() + 14);
      }
      if (!label || !skip_sub_blocks(r)) {
        truncated(at, "an extension block");
        break;
      }
    } else {
      info.problems.push_back(problem("gif.bad_block", at, "unknown block type 0x{:02x}", *block));
      break;
    }
  }
  return info;
}

}  // namespace kit::binary
