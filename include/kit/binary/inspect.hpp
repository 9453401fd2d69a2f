// kit/binary/inspect.hpp — what a binary file is and what its headers say, by magic number:
// PNG (every chunk, CRCs verified), BMP (every DIB header version), GIF, JPEG, WAV, ZIP, ELF.
//
// Each inspector reads a whole file held in memory (mapped, see core::InputFile) and returns a
// typed result, never text. It fails (Result error) only when the bytes are not that format or
// too broken to say anything; problems found after the header — a bad CRC, a truncated chunk, a
// missing IEND — are kept in `problems`, each an Error with the byte offset where it went wrong,
// and everything read before them stays available. No inspector reads outside `bytes`.
//
// Example:
//   auto file = kit::core::InputFile::load("logo.png");
//   auto info = kit::binary::inspect_png(file->bytes());        // Result<PngInfo>
//   info->width, info->height, info->color_mode();               // 290, 82, "RGBA"
//   for (const auto& c : info->chunks) c.type, c.length, c.crc_ok;
//   bool corrupt = !info->problems.empty();
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "kit/core/error.hpp"

namespace kit::binary {

enum class FileFormat : unsigned char { unknown, png, bmp, gif, jpeg, wav, zip, elf };

// detect_format(bytes): the format its first bytes announce (unknown when none does).
[[nodiscard]] FileFormat detect_format(std::string_view bytes);
// format_name(PNG) == "PNG".
[[nodiscard]] std::string_view format_name(FileFormat format);

// ---- PNG ----------------------------------------------------------------------------------

struct PngChunk {
  std::string type;      // the 4 type bytes as they are in the file
  std::uint32_t length;  // of the data
  std::uint64_t offset;  // of the chunk (its length field)
  std::uint32_t crc;     // as stored
  bool crc_ok;
};

// A tEXt, zTXt or iTXt entry; compressed text is inflated (up to max_png_text bytes).
struct PngText {
  std::string chunk;  // "tEXt", "zTXt" or "iTXt"
  std::string keyword;
  std::string text;
  std::string language;            // iTXt only
  std::string translated_keyword;  // iTXt only
};
inline constexpr std::size_t max_png_text = 1 << 20;

struct PngInfo {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint8_t bit_depth = 0;
  std::uint8_t color_type = 0;  // 0 grey, 2 RGB, 3 indexed, 4 grey+alpha, 6 RGBA
  std::uint8_t compression = 0;
  std::uint8_t filter = 0;
  std::uint8_t interlace = 0;    // 0 none, 1 Adam7
  std::vector<PngChunk> chunks;  // every chunk, in file order
  std::vector<PngText> texts;
  std::optional<std::uint32_t> palette_entries;     // PLTE
  std::optional<std::uint32_t> transparency_bytes;  // tRNS data length
  std::optional<std::uint32_t> gamma;               // gAMA, times 100000
  std::optional<std::uint8_t> srgb_intent;          // sRGB rendering intent
  std::optional<std::string> icc_profile;           // iCCP profile name
  struct Phys {
    std::uint32_t x, y;
    std::uint8_t unit;  // 0 unknown (aspect ratio only), 1 metre
    // unit_name(): "pixels per metre", or "(aspect ratio)" when the unit is unknown.
    [[nodiscard]] std::string_view unit_name() const;
  };
  std::optional<Phys> phys;
  struct Animation {  // APNG
    std::uint32_t frames, plays;
  };
  std::optional<Animation> animation;  // acTL
  std::uint32_t frame_controls = 0;    // fcTL chunks
  bool has_iend = false;
  std::uint64_t trailing_bytes = 0;  // after IEND (a problem too: png.trailing_data)
  std::vector<Error> problems;

  // color_mode(): the tutorial's names: Grayscale, RGB, Indexed, Grayscale+Alpha, RGBA, Unknown.
  [[nodiscard]] std::string_view color_mode() const;
  // interlace_name(): "None", "Adam7", or "?" for a method PNG does not define.
  [[nodiscard]] std::string_view interlace_name() const;
  // srgb_intent_name(): "Perceptual", "Relative colorimetric", "Saturation", "Absolute
  // colorimetric", the number for another intent, "" without an sRGB chunk.
  [[nodiscard]] std::string srgb_intent_name() const;
};

// inspect_png(bytes): fails when the signature is wrong or the first chunk is not a whole IHDR.
[[nodiscard]] Result<PngInfo> inspect_png(std::string_view bytes);

// ---- BMP ----------------------------------------------------------------------------------

struct BmpInfo {
  std::uint32_t file_size = 0;    // as declared in the file header
  std::uint32_t data_offset = 0;  // of the pixel array
  std::uint32_t dib_size = 0;     // 12, 16, 40, 52, 56, 64, 108 or 124
  std::int32_t width = 0;
  std::int32_t height = 0;  // negative in the file when rows run top-down
  bool top_down = false;
  std::uint16_t planes = 0;
  std::uint16_t bits_per_pixel = 0;
  std::uint32_t compression = 0;  // BI_RGB 0, BI_RLE8 1, BI_RLE4 2, BI_BITFIELDS 3, …
  std::uint32_t image_size = 0;
  std::int32_t x_pixels_per_meter = 0;
  std::int32_t y_pixels_per_meter = 0;
  std::uint32_t colors_used = 0;
  std::uint32_t colors_important = 0;
  std::uint32_t palette_colors = 0;  // entries in the colour table that follows the header
  struct Masks {
    std::uint32_t red, green, blue, alpha;
  };
  std::optional<Masks> masks;              // BI_BITFIELDS / BI_ALPHABITFIELDS, or V4/V5 headers
  std::optional<std::string> color_space;  // V4/V5: "sRGB", "Win ", "LINK", "MBED" or a number
  std::uint64_t actual_size = 0;           // the file's real length
  std::vector<Error> problems;

  // dib_header(): "BITMAPCOREHEADER", "BITMAPINFOHEADER", "BITMAPV5HEADER", "OS22XBITMAPHEADER", …
  [[nodiscard]] std::string_view dib_header() const;
  // compression_name(): "None (RGB)", "RLE8", "RLE4", "Bitfields", … or "Unknown (N)".
  [[nodiscard]] std::string compression_name() const;
};

// inspect_bmp(bytes): fails when the signature is not "BM" or the headers are cut short.
[[nodiscard]] Result<BmpInfo> inspect_bmp(std::string_view bytes);

// ---- GIF, JPEG, WAV, ZIP, ELF -------------------------------------------------------------

struct GifInfo {
  std::string version;                      // "87a" or "89a"
  std::uint16_t width = 0, height = 0;      // logical screen
  std::uint32_t global_colors = 0;          // 0 when there is no global colour table
  std::uint32_t frames = 0;                 // image descriptors
  std::optional<std::uint16_t> loop_count;  // NETSCAPE2.0 extension; 0 loops forever
  bool has_trailer = false;
  std::vector<Error> problems;
};
[[nodiscard]] Result<GifInfo> inspect_gif(std::string_view bytes);

struct JpegInfo {
  std::uint16_t width = 0, height = 0;
  std::uint8_t precision = 0;   // bits per sample
  std::uint8_t components = 0;  // 1 grey, 3 YCbCr, 4 CMYK
  std::uint8_t sof = 0;         // the SOFn marker's n
  bool progressive = false;
  bool jfif = false, exif = false;
  bool has_eoi = false;
  std::vector<Error> problems;
  [[nodiscard]] std::string_view process() const;  // "Baseline DCT", "Progressive DCT", …
};
[[nodiscard]] Result<JpegInfo> inspect_jpeg(std::string_view bytes);

struct WavInfo {
  std::uint16_t format_tag = 0;  // 1 PCM, 3 IEEE float, 6 A-law, 7 µ-law, 0xFFFE extensible
  std::uint16_t channels = 0;
  std::uint32_t sample_rate = 0;
  std::uint32_t byte_rate = 0;
  std::uint16_t block_align = 0;
  std::uint16_t bits_per_sample = 0;
  std::uint64_t data_bytes = 0;
  std::vector<std::string> chunks;  // chunk ids in order
  std::vector<Error> problems;
  [[nodiscard]] std::string format_name() const;
  [[nodiscard]] double duration_seconds() const;  // data_bytes / byte_rate, 0 without a rate
};
[[nodiscard]] Result<WavInfo> inspect_wav(std::string_view bytes);

struct ZipEntry {
  std::string name;
  std::uint64_t compressed_size = 0;
  std::uint64_t size = 0;
  std::uint16_t method = 0;  // 0 stored, 8 deflate, 12 bzip2, 14 LZMA, 93 zstd, 95 xz
  std::uint32_t crc = 0;
  std::uint64_t local_header_offset = 0;
  [[nodiscard]] std::string method_name() const;
};
struct ZipInfo {
  std::vector<ZipEntry> entries;  // from the central directory
  std::uint64_t central_directory_offset = 0;
  bool zip64 = false;
  std::string comment;
  std::vector<Error> problems;
};
[[nodiscard]] Result<ZipInfo> inspect_zip(std::string_view bytes);

struct ElfInfo {
  std::uint8_t elf_class = 0;  // 1 32-bit, 2 64-bit
  bool little_endian = true;
  std::uint8_t os_abi = 0;
  std::uint16_t type = 0;     // 1 REL, 2 EXEC, 3 DYN, 4 CORE
  std::uint16_t machine = 0;  // EM_*
  std::uint64_t entry = 0;
  std::uint16_t program_headers = 0;
  std::uint16_t section_headers = 0;
  bool pie = false;  // DYN with DF_1_PIE: an executable, not a shared library
  std::vector<Error> problems;
  [[nodiscard]] std::string_view class_name() const;  // "ELF32" or "ELF64"
  [[nodiscard]] std::string_view data_name() const;   // "little endian" or "big endian"
  [[nodiscard]] std::string os_abi_name() const;      // "UNIX - System V", as readelf says
  [[nodiscard]] std::string type_name() const;        // "EXEC (Executable file)" as readelf says
  [[nodiscard]] std::string machine_name() const;     // "Advanced Micro Devices X86-64", …
};
[[nodiscard]] Result<ElfInfo> inspect_elf(std::string_view bytes);

// inspect(bytes): detect_format, then that format's inspector; binary.unknown_format otherwise.
using FileInfo = std::variant<PngInfo, BmpInfo, GifInfo, JpegInfo, WavInfo, ZipInfo, ElfInfo>;
[[nodiscard]] Result<FileInfo> inspect(std::string_view bytes);

}  // namespace kit::binary
