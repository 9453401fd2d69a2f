// PNG: the signature, then every chunk in order with its CRC checked (PNG spec, section 5).
#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "kit/binary.hpp"
#include "kit/binary/inspect.hpp"
#include "reader.hpp"

namespace kit::binary {

using detail::fits;
using detail::load_be;
using detail::problem;

namespace {

constexpr std::string_view png_signature{"\x89PNG\r\n\x1a\n", 8};

bool is_chunk_type(std::string_view type) {
  return std::all_of(type.begin(), type.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); });
}

// The bit depths the spec allows for each colour type (Table 11.1).
bool valid_depth(std::uint8_t color_type, std::uint8_t depth) {
  switch (color_type) {
    case 0:
      return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3:
      return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2:
    case 4:
    case 6:
      return depth == 8 || depth == 16;
    default:
      return false;
  }
}

// tEXt and zTXt are Latin-1; kit's strings are UTF-8.
std::string latin1_to_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

// inflate_text(data): zlib data inflated, at most max_png_text bytes; nullopt when corrupt.
std::optional<std::string> inflate_text(std::string_view data) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return std::nullopt;
  std::string out;
  char buffer[16384];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(std::min<std::size_t>(data.size(), UINT32_MAX));
  int rc = Z_OK;
  while (rc == Z_OK && out.size() < max_png_text) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;  // the stream ends early
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END && out.size() < max_png_text) return std::nullopt;
  if (out.size() > max_png_text) out.resize(max_png_text);
  return out;
}

// split_nul(data): the text before the first NUL and the rest after it.
std::optional<std::pair<std::string_view, std::string_view>> split_nul(std::string_view data) {
  std::size_t nul = data.find('\0');
  if (nul == std::string_view::npos) return std::nullopt;
  return std::pair{data.substr(0, nul), data.substr(nul + 1)};
}

// decode_text(type, data): a tEXt, zTXt or iTXt chunk's entry, nullopt when malformed.
std::optional<PngText> decode_text(std::string_view type, std::string_view data) {
  auto parts = split_nul(data);
  if (!parts) return std::nullopt;
  auto [keyword, rest] = *parts;
  PngText t{std::string(type), latin1_to_utf8(keyword), {}, {}, {}};
  if (type == "tEXt") {
    t.text = latin1_to_utf8(rest);
  } else if (type == "zTXt") {
    if (rest.empty() || rest[0] != 0) return std::nullopt;  // method 0: zlib
    auto text = inflate_text(rest.substr(1));
    if (!text) return std::nullopt;
    t.text = latin1_to_utf8(*text);
  } else {  // iTXt: flag, method, language\0, translated keyword\0, text (UTF-8)
    if (rest.size() < 2) return std::nullopt;
    bool compressed = rest[0] != 0;
    auto language = split_nul(rest.substr(2));
    if (!language) return std::nullopt;
    auto translated = split_nul(language->second);
    if (!translated) return std::nullopt;
    t.language = std::string(language->first);
    t.translated_keyword = std::string(translated->first);
    if (compressed) {
      auto text = inflate_text(translated->second);
      if (!text) return std::nullopt;
      t.text = std::move(*text);
    } else {
      t.text = std::string(translated->second);
    }
  }
  return t;
}

// decode_chunk: what a known ancillary chunk says, into info; false when its data is malformed.
bool decode_chunk(PngInfo& info, std::string_view type, std::string_view data) {
  if (type == "PLTE") {
    if (data.size() % 3 != 0 || data.empty() || data.size() > 768) return false;
    info.palette_entries = static_cast<std::uint32_t>(data.size() / 3);
  } else if (type == "tRNS") {
    info.transparency_bytes = static_cast<std::uint32_t>(data.size());
  } else if (type == "gAMA") {
    if (data.size() != 4) return false;
    info.gamma = load_be<std::uint32_t>(data, 0);
  } else if (type == "sRGB") {
    if (data.size() != 1) return false;
    info.srgb_intent = static_cast<std::uint8_t>(data[0]);
  } else if (type == "iCCP") {
    auto parts = split_nul(data);
    if (!parts) return false;
    info.icc_profile = latin1_to_utf8(parts->first);
  } else if (type == "pHYs") {
    if (data.size() != 9) return false;
    info.phys = PngInfo::Phys{load_be<std::uint32_t>(data, 0), load_be<std::uint32_t>(data, 4),
                              static_cast<std::uint8_t>(data[8])};
  } else if (type == "acTL") {
    if (data.size() != 8) return false;
    info.animation =
        PngInfo::Animation{load_be<std::uint32_t>(data, 0), load_be<std::uint32_t>(data, 4)};
  } else if (type == "fcTL") {
    ++info.frame_controls;
  } else if (type == "tEXt" || type == "zTXt" || type == "iTXt") {
    auto text = decode_text(type, data);
    if (!text) return false;
    info.texts.push_back(std::move(*text));
  }
  return true;
}

}  // namespace

std::string_view PngInfo::color_mode() const {
  switch (color_type) {
    case 0:
      return "Grayscale";
    case 2:
      return "RGB";
    case 3:
      return "Indexed";
    case 4:
      return "Grayscale+Alpha";
    case 6:
      return "RGBA";
    default:
      return "Unknown";
  }
}

std::string_view PngInfo::interlace_name() const {
  return interlace == 0 ? "None" : interlace == 1 ? "Adam7" : "?";
}

std::string PngInfo::srgb_intent_name() const {
  static constexpr const char* intents[] = {"Perceptual", "Relative colorimetric", "Saturation",
                                            "Absolute colorimetric"};
  if (!srgb_intent) return "";
  return *srgb_intent < 4 ? intents[*srgb_intent] : std::to_string(*srgb_intent);
}

std::string_view PngInfo::Phys::unit_name() const {
  return unit == 1 ? "pixels per metre" : "(aspect ratio)";
}

Result<PngInfo> inspect_png(std::string_view bytes) {
  if (bytes.substr(0, 8) != png_signature) {
    std::size_t at = 0;
    while (at < bytes.size() && at < 8 && bytes[at] == png_signature[at]) ++at;
    std::string why = bytes.size() < 8 && at == bytes.size()
                          ? "the file ends inside the PNG signature"
                          : "not a PNG signature (a text-mode transfer changes its line ends)";
    return tl::unexpected(problem("png.bad_signature", at, "{}", why));
  }
  // The first chunk must be a whole 13-byte IHDR: without it there is nothing to report.
  if (!fits(bytes, 8, 8 + 13 + 4) || bytes.substr(12, 4) != "IHDR" ||
      load_be<std::uint32_t>(bytes, 8) != 13) {
    if (!fits(bytes, 8, 8 + 13 + 4))
      return tl::unexpected(
          problem("png.truncated", bytes.size(), "the file ends inside the IHDR chunk"));
    return tl::unexpected(problem("png.no_ihdr", 8, "the first chunk is not a 13-byte IHDR"));
  }

  PngInfo info;
  std::string_view ihdr = bytes.substr(16, 13);
  info.width = load_be<std::uint32_t>(ihdr, 0);
  info.height = load_be<std::uint32_t>(ihdr, 4);
  info.bit_depth = static_cast<std::uint8_t>(ihdr[8]);
  info.color_type = static_cast<std::uint8_t>(ihdr[9]);
  info.compression = static_cast<std::uint8_t>(ihdr[10]);
  info.filter = static_cast<std::uint8_t>(ihdr[11]);
  info.interlace = static_cast<std::uint8_t>(ihdr[12]);

  bool stopped = false;  // a problem that makes the rest of the file unreadable
  bool has_idat = false;
  std::size_t pos = 8;
  while (pos < bytes.size()) {
    if (!fits(bytes, pos, 8)) {
      info.problems.push_back(problem("png.truncated", pos, "the file ends inside a chunk header"));
      stopped = true;
      break;
    }
    std::uint32_t length = load_be<std::uint32_t>(bytes, pos);
    std::string_view type = bytes.substr(pos + 4, 4);
    if (!is_chunk_type(type)) {
      info.problems.push_back(problem("png.bad_chunk_type", pos + 4,
                                      "chunk type {} is not four letters", to_hex(type)));
      stopped = true;
      break;
    }
    if (length > 0x7FFFFFFFu) {
      info.problems.push_back(problem("png.bad_length", pos,
                                      "chunk {} length {} is over the PNG limit of 2^31-1", type,
                                      length));
      stopped = true;
      break;
    }
    if (!fits(bytes, pos + 8, std::uint64_t{length} + 4)) {
      info.problems.push_back(problem(
          "png.truncated", pos, "chunk {} announces {} bytes of data but only {} bytes follow",
          type, length, bytes.size() - pos - 8));
      stopped = true;
      break;
    }
    std::string_view data = bytes.substr(pos + 8, length);
    std::uint32_t stored = load_be<std::uint32_t>(bytes, pos + 8 + length);
    auto computed = static_cast<std::uint32_t>(
        crc32_z(crc32_z(0, nullptr, 0), reinterpret_cast<const Bytef*>(bytes.data() + pos + 4),
                std::size_t{length} + 4));
    info.chunks.push_back(PngChunk{std::string(type), length, pos, stored, stored == computed});
    if (stored != computed) {
      info.problems.push_back(problem("png.bad_crc", pos,
                                      "chunk {} has CRC {:08x}, its data gives {:08x}", type,
                                      stored, computed));
    } else if (!decode_chunk(info, type, data)) {
      info.problems.push_back(problem("png.bad_chunk", pos, "chunk {} is malformed", type));
    }
    if (type == "IDAT") has_idat = true;
    pos += 12 + std::size_t{length};
    if (type == "IEND") {
      info.has_iend = true;
      info.trailing_bytes = bytes.size() - pos;
      // Nothing may follow IEND (pngcheck agrees): often a second file glued on, or a
      // transfer that appended junk.
      if (info.trailing_bytes != 0)
        info.problems.push_back(problem("png.trailing_data", pos, "{} bytes after the IEND chunk",
                                        info.trailing_bytes));
      break;
    }
  }

  if (info.width == 0 || info.height == 0 || info.width > 0x7FFFFFFFu ||
      info.height > 0x7FFFFFFFu) {
    info.problems.push_back(
        problem("png.bad_ihdr", 16, "image size {}x{} is not allowed", info.width, info.height));
  }
  if (!valid_depth(info.color_type, info.bit_depth)) {
    info.problems.push_back(problem("png.bad_ihdr", 24,
                                    "bit depth {} is not allowed for colour type {}",
                                    info.bit_depth, info.color_type));
  }
  if (info.compression != 0 || info.filter != 0 || info.interlace > 1) {
    info.problems.push_back(problem("png.bad_ihdr", 26,
                                    "unknown compression, filter or interlace method ({}, {}, {})",
                                    info.compression, info.filter, info.interlace));
  }
  if (!stopped) {
    if (!info.has_iend)
      info.problems.push_back(
          problem("png.no_iend", bytes.size(), "the file ends without an IEND chunk"));
    if (!has_idat)
      info.problems.push_back(problem("png.no_idat", bytes.size(), "there is no IDAT chunk"));
    if (info.color_type == 3 && !info.palette_entries)
      info.problems.push_back(problem("png.missing_plte", bytes.size(),
                                      "an indexed-colour image without a PLTE chunk"));
  }
  return info;
}

}  // namespace kit::binary
