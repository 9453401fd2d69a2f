#include "kit/binary/inspect.hpp"

#include "kit/binary/describe.hpp"

#include <zlib.h>

#include <string>

#include <gtest/gtest.h>

namespace bin = kit::binary;

namespace {

std::string le16(unsigned v) {
  return {static_cast<char>(v & 0xFF), static_cast<char>(v >> 8 & 0xFF)};
}
std::string le32(std::uint32_t v) {
  return le16(v & 0xFFFF) + le16(v >> 16);
}
std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16 & 0xFF),
          static_cast<char>(v >> 8 & 0xFF), static_cast<char>(v & 0xFF)};
}

std::string chunk(std::string_view type, std::string_view data) {
  std::string body = std::string(type) + std::string(data);
  auto crc = static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
  return be32(static_cast<std::uint32_t>(data.size())) + body + be32(crc);
}

std::string deflate(std::string_view s) {
  uLongf size = compressBound(s.size());
  std::string out(size, '\0');
  compress(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(s.data()),
           s.size());
  out.resize(size);
  return out;
}

// A 3x2 RGBA PNG with the chunks given between IHDR and IDAT.
std::string png(std::string extra = {}, std::uint8_t depth = 8, std::uint8_t color = 6) {
  std::string ihdr =
      be32(3) + be32(2) + std::string{static_cast<char>(depth), static_cast<char>(color), 0, 0, 0};
  std::string raw(2 * (1 + 3 * 4), '\0');
  return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) + extra +
         chunk("IDAT", deflate(raw)) + chunk("IEND", "");
}

// The tutorial's 2x2 24-bit top-down BMP: 14 + 40 + 16 bytes.
std::string tutorial_bmp() {
  std::string pixels;
  for (int row = 0; row < 2; ++row) pixels += std::string(6, '\xff') + std::string(2, '\0');
  std::string dib = le32(40) + le32(2) + le32(static_cast<std::uint32_t>(-2)) + le16(1) + le16(24) +
                    le32(0) + le32(16) + le32(2835) + le32(2835) + le32(0) + le32(0);
  return "BM" + le32(70) + le16(0) + le16(0) + le32(54) + dib + pixels;
}

}  // namespace

TEST(DetectFormat, ByMagicNumber) {
  EXPECT_EQ(bin::detect_format(png()), bin::FileFormat::png);
  EXPECT_EQ(bin::detect_format("BM...."), bin::FileFormat::bmp);
  EXPECT_EQ(bin::detect_format("GIF89a"), bin::FileFormat::gif);
  EXPECT_EQ(bin::detect_format("\xFF\xD8\xFF\xE0"), bin::FileFormat::jpeg);
  EXPECT_EQ(bin::detect_format(std::string_view("RIFF\0\0\0\0WAVE", 12)), bin::FileFormat::wav);
  EXPECT_EQ(bin::detect_format(std::string_view("RIFF\0\0\0\0AVI ", 12)), bin::FileFormat::unknown);
  EXPECT_EQ(bin::detect_format("PK\x03\x04"), bin::FileFormat::zip);
  EXPECT_EQ(bin::detect_format("\x7F"
                               "ELF"),
            bin::FileFormat::elf);
  EXPECT_EQ(bin::detect_format(""), bin::FileFormat::unknown);
  EXPECT_EQ(bin::detect_format("RIFF"), bin::FileFormat::unknown);
  EXPECT_EQ(bin::format_name(bin::FileFormat::jpeg), "JPEG");
  EXPECT_FALSE(bin::inspect("hello"));
  EXPECT_EQ(bin::inspect("hello").error().code, "binary.unknown_format");
}

TEST(InspectBmp, TutorialTinyBmp) {
  std::string file = tutorial_bmp();
  ASSERT_EQ(file.size(), 70u);
  auto info = bin::inspect_bmp(file);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->file_size, 70u);
  EXPECT_EQ(info->data_offset, 54u);
  EXPECT_EQ(info->width, 2);
  EXPECT_EQ(info->height, -2);
  EXPECT_TRUE(info->top_down);
  EXPECT_EQ(info->bits_per_pixel, 24);
  EXPECT_EQ(info->compression_name(), "None (RGB)");
  EXPECT_EQ(info->image_size, 16u);
  EXPECT_EQ(info->dib_header(), "BITMAPINFOHEADER");
  EXPECT_EQ(info->palette_colors, 0u);
  EXPECT_FALSE(info->masks);
  EXPECT_TRUE(info->problems.empty());
}

TEST(InspectBmp, CoreHeaderHasAThreeBytePalette) {
  std::string dib = le32(12) + le16(1) + le16(1) + le16(1) + le16(1);
  std::string palette(2 * 3, '\0');
  std::string file = "BM" + le32(14 + 12 + 6 + 4) + le32(0) + le32(14 + 12 + 6) + dib + palette +
                     std::string(4, '\0');
  auto info = bin::inspect_bmp(file);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->dib_header(), "BITMAPCOREHEADER");
  EXPECT_EQ(info->palette_colors, 2u);
  EXPECT_FALSE(info->top_down);
  EXPECT_TRUE(info->problems.empty()) << info->problems[0].message;
}

TEST(InspectBmp, V5HeaderMasksAndColourSpace) {
  std::string dib = le32(124) + le32(1) + le32(1) + le16(1) + le16(32) + le32(3) + le32(4) +
                    le32(0) + le32(0) + le32(0) + le32(0) + le32(0x00FF0000) + le32(0x0000FF00) +
                    le32(0x000000FF) + le32(0xFF000000) + le32(0x73524742);
  dib.resize(124, '\0');
  std::string file = "BM" + le32(14 + 124 + 4) + le32(0) + le32(14 + 124) + dib + le32(0);
  auto info = bin::inspect_bmp(file);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->dib_header(), "BITMAPV5HEADER");
  ASSERT_TRUE(info->masks);
  EXPECT_EQ(info->masks->red, 0x00FF0000u);
  EXPECT_EQ(info->masks->alpha, 0xFF000000u);
  EXPECT_EQ(info->color_space, "sRGB");
  EXPECT_EQ(info->compression_name(), "Bitfields");
  EXPECT_TRUE(info->problems.empty());
}

TEST(InspectBmp, TruncatedPixelDataIsAProblemWithAnOffset) {
  std::string file = tutorial_bmp();
  file.resize(60);
  auto info = bin::inspect_bmp(file);
  ASSERT_TRUE(info);
  ASSERT_EQ(info->problems.size(), 1u);
  EXPECT_EQ(info->problems[0].code, "bmp.truncated");
  EXPECT_EQ(info->problems[0].offset, 60u);
}

TEST(InspectBmp, BrokenHeadersFail) {
  EXPECT_EQ(bin::inspect_bmp("BM\0\0").error().code, "bmp.truncated");
  std::string file = tutorial_bmp();
  file[14] = 41;  // no DIB header is 41 bytes
  EXPECT_EQ(bin::inspect_bmp(file).error().code, "bmp.bad_dib_header");
  file = tutorial_bmp();
  file[10] = 100;  // pixel data offset past the end
  EXPECT_EQ(bin::inspect_bmp(file)->problems.at(0).code, "bmp.bad_offset");
}

TEST(InspectPng, HeaderAndChunks) {
  auto info = bin::inspect_png(png());
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->width, 3u);
  EXPECT_EQ(info->height, 2u);
  EXPECT_EQ(info->bit_depth, 8);
  EXPECT_EQ(info->color_mode(), "RGBA");
  ASSERT_EQ(info->chunks.size(), 3u);
  EXPECT_EQ(info->chunks[0].type, "IHDR");
  EXPECT_EQ(info->chunks[0].offset, 8u);
  EXPECT_EQ(info->chunks[0].length, 13u);
  EXPECT_EQ(info->chunks[1].offset, 33u);
  EXPECT_TRUE(info->chunks[2].crc_ok);
  EXPECT_TRUE(info->has_iend);
  EXPECT_TRUE(info->problems.empty());
}

TEST(InspectPng, TextChunksAreDecoded) {
  std::string itxt = std::string("Title\0\x01\0en\0Titel\0", 17) + deflate("caf\xC3\xA9");
  auto info = bin::inspect_png(png(chunk("tEXt", std::string("Author\0J\xF6rg", 11)) +
                                   chunk("zTXt", std::string("Comment\0\0", 9) + deflate("hi")) +
                                   chunk("iTXt", itxt)));
  ASSERT_TRUE(info);
  ASSERT_EQ(info->texts.size(), 3u);
  EXPECT_EQ(info->texts[0].keyword, "Author");
  EXPECT_EQ(info->texts[0].text, "J\xC3\xB6rg");  // Latin-1 to UTF-8
  EXPECT_EQ(info->texts[1].text, "hi");
  EXPECT_EQ(info->texts[2].language, "en");
  EXPECT_EQ(info->texts[2].translated_keyword, "Titel");
  EXPECT_EQ(info->texts[2].text, "caf\xC3\xA9");
  EXPECT_TRUE(info->problems.empty());
}

TEST(InspectPng, AncillaryChunks) {
  auto info = bin::inspect_png(
      png(chunk("gAMA", be32(45455)) + chunk("sRGB", std::string(1, '\0')) +
          chunk("pHYs", be32(2835) + be32(2835) + "\x01") +
          chunk("iCCP", std::string("ICC profile\0\0", 13) + deflate("x")) +
          chunk("acTL", be32(3) + be32(0)) + chunk("fcTL", std::string(26, '\0'))));
  ASSERT_TRUE(info);
  EXPECT_EQ(info->gamma, 45455u);
  EXPECT_EQ(info->srgb_intent, 0);
  ASSERT_TRUE(info->phys);
  EXPECT_EQ(info->phys->unit, 1);
  EXPECT_EQ(info->icc_profile, "ICC profile");
  ASSERT_TRUE(info->animation);
  EXPECT_EQ(info->animation->frames, 3u);
  EXPECT_EQ(info->frame_controls, 1u);
}

TEST(InspectPng, BadCrcIsAProblemAtItsChunk) {
  std::string file = png();
  file[42] ^= 1;  // a byte of IDAT's data (its chunk starts at 33)
  auto info = bin::inspect_png(file);
  ASSERT_TRUE(info);
  ASSERT_FALSE(info->problems.empty());
  EXPECT_EQ(info->problems[0].offset, 33u);
}

TEST(InspectPng, MissingIendAndTrailingData) {
  std::string file = png();
  auto no_iend = bin::inspect_png(file.substr(0, file.size() - 12));
  ASSERT_TRUE(no_iend);
  ASSERT_EQ(no_iend->problems.size(), 1u);
  EXPECT_EQ(no_iend->problems[0].code, "png.no_iend");
  auto trailing = bin::inspect_png(file + "junk");
  ASSERT_TRUE(trailing);
  EXPECT_EQ(trailing->trailing_bytes, 4u);
  ASSERT_EQ(trailing->problems.size(), 1u);
  EXPECT_EQ(trailing->problems[0].code, "png.trailing_data");
  EXPECT_EQ(trailing->problems[0].offset, file.size());
}

TEST(InspectPng, TextModeSignatureFails) {
  std::string file = png();
  file.replace(4, 2, "\n");  // \r\n -> \n, as a text-mode transfer does
  auto info = bin::inspect_png(file);
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, "png.bad_signature");
  EXPECT_EQ(info.error().offset, 4u);
}

TEST(InspectPng, InvalidHeaderValues) {
  auto info = bin::inspect_png(png({}, 3, 2));  // RGB has no 3-bit depth
  ASSERT_TRUE(info);
  ASSERT_FALSE(info->problems.empty());
  EXPECT_EQ(info->problems[0].code, "png.bad_ihdr");
  auto indexed = bin::inspect_png(png({}, 8, 3));  // indexed without PLTE
  ASSERT_TRUE(indexed);
  ASSERT_EQ(indexed->problems.size(), 1u);
  EXPECT_EQ(indexed->problems[0].code, "png.missing_plte");
}

// Every prefix of a valid file is a clean failure or a problem, never a read past the end
// (the sanitizer build checks the reads).
TEST(InspectAll, EveryTruncationIsReported) {
  for (const std::string& file : {png(chunk("tEXt", std::string("a\0b", 3))), tutorial_bmp()}) {
    for (std::size_t n = 0; n < file.size(); ++n) {
      auto info = bin::inspect(std::string_view(file).substr(0, n));
      bool reported = !info || std::visit([](const auto& i) { return !i.problems.empty(); }, *info);
      EXPECT_TRUE(reported) << "prefix of " << n << " bytes";
    }
  }
}

TEST(InspectGif, ScreenFramesAndLoop) {
  std::string image = "\x2C" + le16(0) + le16(0) + le16(1) + le16(1) + std::string(1, '\0') +
                      "\x02\x02\x44\x01" + std::string(1, '\0');
  std::string loop =
      std::string("\x21\xFF\x0BNETSCAPE2.0\x03\x01", 16) + le16(0) + std::string(1, '\0');
  std::string file = "GIF89a" + le16(10) + le16(20) + std::string("\x80\x00\x00", 3) +
                     std::string(6, '\0') + loop + image + image + "\x3B";
  auto info = bin::inspect_gif(file);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->version, "89a");
  EXPECT_EQ(info->width, 10);
  EXPECT_EQ(info->height, 20);
  EXPECT_EQ(info->global_colors, 2u);
  EXPECT_EQ(info->frames, 2u);
  EXPECT_EQ(info->loop_count, 0);
  EXPECT_TRUE(info->has_trailer);
  EXPECT_TRUE(info->problems.empty());
  auto cut = bin::inspect_gif(file.substr(0, file.size() - 1));
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->problems.at(0).code, "gif.no_trailer");
}

TEST(InspectJpeg, FrameFromSof) {
  std::string sof2 = std::string("\xFF\xC2\x00\x11\x08", 5) +
                     std::string("\x01\x00\x02\x80\x03", 5) + std::string(9, '\x01');
  std::string file = std::string("\xFF\xD8\xFF\xE0\x00\x10JFIF\0", 11) + std::string(9, '\0') +
                     sof2 + std::string("\xFF\xDA\x00\x02\x12\xFF\x00\x34\xFF\xD9", 10);
  auto info = bin::inspect_jpeg(file);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->width, 640);
  EXPECT_EQ(info->height, 256);
  EXPECT_EQ(info->components, 3);
  EXPECT_TRUE(info->progressive);
  EXPECT_EQ(info->process(), "Progressive DCT");
  EXPECT_TRUE(info->jfif);
  EXPECT_TRUE(info->has_eoi);
  EXPECT_TRUE(info->problems.empty());
  EXPECT_EQ(bin::inspect_jpeg(file.substr(0, file.size() - 2))->problems.at(0).code, "jpeg.no_eoi");
}

TEST(InspectWav, FormatAndDuration) {
  std::string fmt = le16(1) + le16(2) + le32(8000) + le32(32000) + le16(4) + le16(16);
  std::string file = "RIFF" + le32(36 + 16000) + "WAVE" + "fmt " + le32(16) + fmt + "data" +
                     le32(16000) + std::string(16000, '\0');
  auto info = bin::inspect_wav(file);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->format_name(), "PCM");
  EXPECT_EQ(info->channels, 2);
  EXPECT_EQ(info->sample_rate, 8000u);
  EXPECT_DOUBLE_EQ(info->duration_seconds(), 0.5);
  EXPECT_TRUE(info->problems.empty());
  EXPECT_EQ(bin::inspect_wav(file.substr(0, 100))->problems.at(0).code, "wav.truncated");
}

TEST(InspectZip, CentralDirectory) {
  std::string local = "PK\x03\x04" + std::string(22, '\0') + le16(5) + le16(0) + "a.txt" + "hello";
  std::string central = "PK\x01\x02" + le16(20) + le16(20) + le16(0) + le16(0) + le32(0) +
                        le32(0x3610a686) + le32(5) + le32(5) + le16(5) + le16(0) + le16(0) +
                        le16(0) + le16(0) + le32(0) + le32(0) + "a.txt";
  std::string end = "PK\x05\x06" + le16(0) + le16(0) + le16(1) + le16(1) +
                    le32(static_cast<std::uint32_t>(central.size())) +
                    le32(static_cast<std::uint32_t>(local.size())) + le16(2) + "hi";
  auto info = bin::inspect_zip(local + central + end);
  ASSERT_TRUE(info) << info.error().message;
  ASSERT_EQ(info->entries.size(), 1u);
  EXPECT_EQ(info->entries[0].name, "a.txt");
  EXPECT_EQ(info->entries[0].size, 5u);
  EXPECT_EQ(info->entries[0].method_name(), "stored");
  EXPECT_EQ(info->entries[0].crc, 0x3610a686u);
  EXPECT_EQ(info->comment, "hi");
  EXPECT_TRUE(info->problems.empty());
  EXPECT_EQ(bin::inspect_zip(local + central).error().code, "zip.no_end_record");
}

TEST(InspectElf, BigEndian32BitHeader) {
  std::string file = std::string(
                         "\x7F"
                         "ELF\x01\x02\x01\x00",
                         8) +
                     std::string(8, '\0');
  file += std::string("\x00\x02\x00\x08", 4);                  // EXEC, MIPS
  file += std::string("\x00\x00\x00\x01\x00\x40\x00\x00", 8);  // version, entry
  file.resize(52, '\0');
  auto info = bin::inspect_elf(file);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->elf_class, 1);
  EXPECT_FALSE(info->little_endian);
  EXPECT_EQ(info->type_name(), "EXEC (Executable file)");
  EXPECT_EQ(info->machine_name(), "MIPS R3000");
  EXPECT_EQ(info->entry, 0x400000u);
  EXPECT_TRUE(info->problems.empty());
  EXPECT_EQ(bin::inspect_elf(file.substr(0, 40)).error().code, "elf.truncated");
}

namespace {

// elf_header(wide, little, phoff, phnum, shoff, shnum): a file header alone, with program
// headers of 56 (32) bytes and section headers of 64 (40).
std::string elf_header(bool wide, bool little, std::uint64_t phoff, std::uint16_t phnum,
                       std::uint64_t shoff, std::uint16_t shnum) {
  auto put = [&](std::uint64_t v, int n) {
    std::string out(static_cast<std::size_t>(n), '\0');
    for (int i = 0; i < n; ++i)
      out[static_cast<std::size_t>(little ? i : n - 1 - i)] = static_cast<char>(v >> (8 * i));
    return out;
  };
  const int word = wide ? 8 : 4;
  std::string h = std::string(
                      "\x7F"
                      "ELF",
                      4) +
                  static_cast<char>(wide ? 2 : 1) + static_cast<char>(little ? 1 : 2) +
                  std::string("\x01\x00", 2) + std::string(8, '\0');
  h += put(2, 2) + put(wide ? 21 : 3, 2) + put(1, 4);                // EXEC, machine, version
  h += put(0x10000000, word) + put(phoff, word) + put(shoff, word);  // entry, phoff, shoff
  h += put(0, 4) + put(wide ? 64 : 52, 2);                           // flags, ehsize
  h += put(wide ? 56 : 32, 2) + put(phnum, 2) + put(wide ? 64 : 40, 2) + put(shnum, 2);
  h += put(0, 2);  // shstrndx
  return h;
}

}  // namespace

TEST(InspectElf, ATableOutsideTheFileIsReportedAtTheFieldThatPlacesIt) {
  // The fuzzer's find: a big-endian ELF64 whose program headers lie far past the end was
  // reported "at byte 70368746930176" (e_phoff's value). The offset is e_phoff's own: 32.
  const std::string be64_file = elf_header(true, false, 0x4000002A0000, 1, 0, 0);
  ASSERT_EQ(be64_file.size(), 64u);
  auto be64 = bin::inspect_elf(be64_file);
  ASSERT_TRUE(be64);
  ASSERT_EQ(be64->problems.size(), 1u);
  EXPECT_EQ(be64->problems[0].code, "elf.truncated");
  EXPECT_EQ(be64->problems[0].offset, 32u);
  EXPECT_EQ(be64->problems[0].message,
            "the 1 program headers (56 bytes at byte 70368746930176) do not fit in the file");
  // e_shoff is at 40 in ELF64; in ELF32 e_phoff is at 28 and e_shoff at 32.
  auto shoff64 = bin::inspect_elf(elf_header(true, true, 0, 0, 1u << 20, 3));
  ASSERT_TRUE(shoff64);
  ASSERT_EQ(shoff64->problems.size(), 1u);
  EXPECT_EQ(shoff64->problems[0].offset, 40u);
  auto both32 = bin::inspect_elf(elf_header(false, true, 0xFFFFFFF0, 2, 0xFFFFFF00, 5));
  ASSERT_TRUE(both32);
  ASSERT_EQ(both32->problems.size(), 2u);
  EXPECT_EQ(both32->problems[0].offset, 28u);
  EXPECT_EQ(both32->problems[1].offset, 32u);
  // A table that starts inside the file and runs past its end: the same field.
  auto cut32 = bin::inspect_elf(elf_header(false, false, 52, 2, 0, 0) + std::string(40, '\0'));
  ASSERT_TRUE(cut32);
  ASSERT_EQ(cut32->problems.size(), 1u);
  EXPECT_EQ(cut32->problems[0].offset, 28u);
}

TEST(InspectElf, NamesAsReadelfGivesThem) {
  bin::ElfInfo e;
  EXPECT_EQ(e.os_abi_name(), "UNIX - System V");
  e.os_abi = 3;
  EXPECT_EQ(e.os_abi_name(), "UNIX - GNU");
  e.os_abi = 9;
  EXPECT_EQ(e.os_abi_name(), "UNIX - FreeBSD");
  e.os_abi = 0x61;
  EXPECT_EQ(e.os_abi_name(), "<unknown: 61>");
  e.elf_class = 2;
  EXPECT_EQ(e.class_name(), "ELF64");
  e.elf_class = 1;
  EXPECT_EQ(e.class_name(), "ELF32");
  EXPECT_EQ(e.data_name(), "little endian");
  e.little_endian = false;
  EXPECT_EQ(e.data_name(), "big endian");
}

TEST(InspectPng, InterlaceIntentAndUnitNames) {
  bin::PngInfo p;
  EXPECT_EQ(p.interlace_name(), "None");
  p.interlace = 1;
  EXPECT_EQ(p.interlace_name(), "Adam7");
  p.interlace = 2;
  EXPECT_EQ(p.interlace_name(), "?");
  EXPECT_EQ(p.srgb_intent_name(), "");
  p.srgb_intent = 0;
  EXPECT_EQ(p.srgb_intent_name(), "Perceptual");
  p.srgb_intent = 3;
  EXPECT_EQ(p.srgb_intent_name(), "Absolute colorimetric");
  p.srgb_intent = 7;
  EXPECT_EQ(p.srgb_intent_name(), "7");
  EXPECT_EQ((bin::PngInfo::Phys{2835, 2835, 1}.unit_name()), "pixels per metre");
  EXPECT_EQ((bin::PngInfo::Phys{1, 2, 0}.unit_name()), "(aspect ratio)");
}

// describe() and text_block(): the fields kit inspect prints, in the tutorials' layouts.
TEST(Describe, PngFieldsAndTextBlock) {
  const std::string bytes = png();
  auto info = bin::inspect(bytes);
  ASSERT_TRUE(info);
  bin::InspectReport r = bin::describe(*info, bin::FileFormat::png, bytes);
  ASSERT_GE(r.fields.size(), 5u);
  EXPECT_EQ(r.fields[0].key, "width");
  EXPECT_EQ(r.fields[0].value, 3);
  EXPECT_EQ(r.fields[4].key, "raw_signature");
  EXPECT_EQ(r.fields[4].text, "89504e470d0a1a0a");
  EXPECT_TRUE(r.problems.empty());
  const std::string text = bin::text_block(r, &*info, /*chunks=*/true);
  EXPECT_EQ(text.substr(0, 48), "width               : 3\nheight              : 2\n");
  EXPECT_NE(text.find("IEND  offset"), std::string::npos);
  EXPECT_NE(text.find("CRC ok"), std::string::npos);
}

TEST(Describe, BmpBlockAsTheTutorialPrintsIt) {
  const std::string bytes = tutorial_bmp();
  auto info = bin::inspect(bytes);
  ASSERT_TRUE(info);
  const std::string text =
      bin::text_block(bin::describe(*info, bin::FileFormat::bmp, bytes), &*info, false);
  EXPECT_EQ(text.substr(0, 17), "BMP Header Info:\n");
  EXPECT_NE(text.find("\n  width: 2\n  height: 2\n"), std::string::npos) << text;
}

TEST(Describe, PrintableEscapesControls) {
  EXPECT_EQ(bin::printable("a\tb\nc\\\x01\x7f"), "a\\tb\\nc\\\\\\x01\\x7f");
}
