// BMP: the 14-byte file header, then whichever DIB header its size announces (Windows' CORE,
// INFO, V2–V5 and OS/2's), the bitfield masks and the colour table, checked against the file.
#include <cstdlib>

#include <fmt/core.h>

#include "kit/binary/inspect.hpp"
#include "reader.hpp"

namespace kit::binary {

using detail::fits;
using detail::load_le;
using detail::problem;

namespace {

constexpr std::size_t file_header_size = 14;

bool is_os2(std::uint32_t dib_size) {
  return dib_size == 16 || dib_size == 64;
}

bool known_dib_size(std::uint32_t s) {
  return s == 12 || s == 16 || s == 40 || s == 52 || s == 56 || s == 64 || s == 108 || s == 124;
}

// A V4/V5 colour space: a four-letter tag stored as a little-endian number ('sRGB'), or 0.
std::string color_space_name(std::uint32_t v) {
  std::string tag;
  for (int shift = 24; shift >= 0; shift -= 8) {
    char c = static_cast<char>((v >> shift) & 0xFF);
    if (c < 0x20 || c > 0x7E) return fmt::format("{}", v);
    tag += c;
  }
  return tag;
}

}  // namespace

std::string_view BmpInfo::dib_header() const {
  switch (dib_size) {
    case 12:
      return "BITMAPCOREHEADER";
    case 16:
    case 64:
      return "OS22XBITMAPHEADER";
    case 40:
      return "BITMAPINFOHEADER";
    case 52:
      return "BITMAPV2INFOHEADER";
    case 56:
      return "BITMAPV3INFOHEADER";
    case 108:
      return "BITMAPV4HEADER";
    case 124:
      return "BITMAPV5HEADER";
    default:
      return "unknown";
  }
}

std::string BmpInfo::compression_name() const {
  if (is_os2(dib_size) && compression == 3) return "Huffman 1D";
  if (is_os2(dib_size) && compression == 4) return "RLE24";
  switch (compression) {
    case 0:
      return "None (RGB)";
    case 1:
      return "RLE8";
    case 2:
      return "RLE4";
    case 3:
      return "Bitfields";
    case 4:
      return "JPEG";
    case 5:
      return "PNG";
    case 6:
      return "Alpha bitfields";
    case 11:
      return "CMYK";
    case 12:
      return "CMYK RLE8";
    case 13:
      return "CMYK RLE4";
    default:
      return fmt::format("Unknown ({})", compression);
  }
}

Result<BmpInfo> inspect_bmp(std::string_view bytes) {
  if (bytes.substr(0, 2) != "BM")
    return tl::unexpected(problem("bmp.bad_signature", 0, "not a BMP signature"));
  if (!fits(bytes, 0, file_header_size + 4))
    return tl::unexpected(
        problem("bmp.truncated", bytes.size(), "the file ends inside the BMP file header"));
  BmpInfo info;
  info.actual_size = bytes.size();
  info.file_size = load_le<std::uint32_t>(bytes, 2);
  info.data_offset = load_le<std::uint32_t>(bytes, 10);
  info.dib_size = load_le<std::uint32_t>(bytes, 14);
  if (!known_dib_size(info.dib_size))
    return tl::unexpected(
        problem("bmp.bad_dib_header", 14, "unknown DIB header size {}", info.dib_size));
  if (!fits(bytes, file_header_size, info.dib_size))
    return tl::unexpected(problem("bmp.truncated", bytes.size(),
                                  "the file ends inside the {}-byte {}", info.dib_size,
                                  info.dib_header()));

  std::string_view dib = bytes.substr(file_header_size, info.dib_size);
  if (info.dib_size == 12) {  // CORE: unsigned 16-bit dimensions, always bottom-up
    info.width = load_le<std::uint16_t>(dib, 4);
    info.height = load_le<std::uint16_t>(dib, 6);
    info.planes = load_le<std::uint16_t>(dib, 8);
    info.bits_per_pixel = load_le<std::uint16_t>(dib, 10);
  } else {
    info.width = load_le<std::int32_t>(dib, 4);
    info.height = load_le<std::int32_t>(dib, 8);
    info.planes = load_le<std::uint16_t>(dib, 12);
    info.bits_per_pixel = load_le<std::uint16_t>(dib, 14);
    info.top_down = info.height < 0;
    if (info.dib_size >= 40) {  // the 16-byte OS/2 header stops at the bit count
      info.compression = load_le<std::uint32_t>(dib, 16);
      info.image_size = load_le<std::uint32_t>(dib, 20);
      info.x_pixels_per_meter = load_le<std::int32_t>(dib, 24);
      info.y_pixels_per_meter = load_le<std::int32_t>(dib, 28);
      info.colors_used = load_le<std::uint32_t>(dib, 32);
      info.colors_important = load_le<std::uint32_t>(dib, 36);
    }
  }
  std::uint16_t bpp = info.bits_per_pixel;
  info.palette_colors = info.colors_used != 0 ? info.colors_used : bpp <= 8 ? 1u << bpp : 0;

  // Masks: inside V2+ headers, or (INFO header with BI_BITFIELDS/BI_ALPHABITFIELDS) right after.
  std::size_t table_at = file_header_size + info.dib_size;
  bool bitfields = !is_os2(info.dib_size) && (info.compression == 3 || info.compression == 6);
  if (info.dib_size >= 52) {
    if (bitfields || info.dib_size >= 108) {
      std::uint32_t alpha = info.dib_size >= 56 ? load_le<std::uint32_t>(dib, 52) : 0;
      info.masks = BmpInfo::Masks{load_le<std::uint32_t>(dib, 40), load_le<std::uint32_t>(dib, 44),
                                  load_le<std::uint32_t>(dib, 48), alpha};
    }
  } else if (info.dib_size == 40 && bitfields) {
    std::size_t mask_bytes = info.compression == 6 ? 16 : 12;
    if (!fits(bytes, table_at, mask_bytes)) {
      info.problems.push_back(
          problem("bmp.truncated", bytes.size(), "the file ends inside the bitfield masks"));
      return info;
    }
    info.masks = BmpInfo::Masks{
        load_le<std::uint32_t>(bytes, table_at), load_le<std::uint32_t>(bytes, table_at + 4),
        load_le<std::uint32_t>(bytes, table_at + 8),
        mask_bytes == 16 ? load_le<std::uint32_t>(bytes, table_at + 12) : 0};
    table_at += mask_bytes;
  }
  if (info.dib_size >= 108) info.color_space = color_space_name(load_le<std::uint32_t>(dib, 56));

  // Consistency with the file itself.
  if (info.planes != 1)
    info.problems.push_back(
        problem("bmp.bad_planes", 26, "{} colour planes (must be 1)", info.planes));
  bool embedded = info.compression == 4 || info.compression == 5;  // a JPEG or PNG inside
  if (!(bpp == 1 || bpp == 2 || bpp == 4 || bpp == 8 || bpp == 16 || bpp == 24 || bpp == 32 ||
        (bpp == 0 && embedded)))
    info.problems.push_back(problem("bmp.bad_depth",
                                    file_header_size + (info.dib_size == 12 ? 10u : 14u),
                                    "{} bits per pixel is not a BMP depth", bpp));
  std::int64_t width = info.width, height = std::llabs(std::int64_t{info.height});
  if (width <= 0 || height == 0)
    info.problems.push_back(problem("bmp.bad_size", file_header_size + 4,
                                    "image size {}x{} is not allowed", info.width, info.height));
  std::uint64_t entry_size = info.dib_size == 12 ? 3 : 4;
  std::uint64_t table_bytes = bpp <= 8 ? std::uint64_t{info.palette_colors} * entry_size : 0;
  if (table_bytes != 0 && !fits(bytes, table_at, table_bytes)) {
    info.problems.push_back(problem("bmp.truncated", bytes.size(),
                                    "the file ends inside the {}-colour table",
                                    info.palette_colors));
    return info;
  }
  if (info.data_offset > bytes.size() || info.data_offset < table_at) {
    info.problems.push_back(problem("bmp.bad_offset", 10,
                                    "pixel data offset {} is outside the file's {} bytes after "
                                    "its headers",
                                    info.data_offset, bytes.size()));
    return info;
  }
  bool uncompressed = info.compression == 0 || (!is_os2(info.dib_size) && bitfields);
  if (uncompressed && width > 0 && height > 0 && bpp != 0) {
    // Rows are padded to 4 bytes. row < 2^35, so row * height may overflow: saturate.
    std::uint64_t row = (static_cast<std::uint64_t>(width) * bpp + 31) / 32 * 4;
    auto rows = static_cast<std::uint64_t>(height);
    std::uint64_t need = rows > UINT64_MAX / row ? UINT64_MAX : row * rows;
    if (!fits(bytes, info.data_offset, need)) {
      info.problems.push_back(
          problem("bmp.truncated", bytes.size(),
                  "pixel data cut short: {}x{} at {} bits per pixel needs {} bytes from byte {}, "
                  "the file has {}",
                  width, height, bpp, need, info.data_offset, bytes.size() - info.data_offset));
      return info;
    }
  }
  if (info.file_size > bytes.size())
    info.problems.push_back(problem("bmp.truncated", bytes.size(),
                                    "the header says {} bytes, the file has {}", info.file_size,
                                    bytes.size()));
  return info;
}

}  // namespace kit::binary
