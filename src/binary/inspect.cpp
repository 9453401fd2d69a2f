// What a file is, by its magic number, and the inspector that reads it.
#include "kit/binary/inspect.hpp"

namespace kit::binary {

FileFormat detect_format(std::string_view bytes) {
  auto starts = [&](std::string_view magic) { return bytes.substr(0, magic.size()) == magic; };
  if (starts("\x89PNG")) return FileFormat::png;
  if (starts("BM")) return FileFormat::bmp;
  if (starts("GIF8")) return FileFormat::gif;
  if (starts("\xFF\xD8\xFF")) return FileFormat::jpeg;
  if (starts("RIFF") && bytes.size() >= 12 && bytes.substr(8, 4) == "WAVE") return FileFormat::wav;
  if (starts("PK\x03\x04") || starts("PK\x05\x06")) return FileFormat::zip;
  if (starts("\x7F"
             "ELF"))
    return FileFormat::elf;
  return FileFormat::unknown;
}

std::string_view format_name(FileFormat format) {
  switch (format) {
    case FileFormat::png:
      return "PNG";
    case FileFormat::bmp:
      return "BMP";
    case FileFormat::gif:
      return "GIF";
    case FileFormat::jpeg:
      return "JPEG";
    case FileFormat::wav:
      return "WAV";
    case FileFormat::zip:
      return "ZIP";
    case FileFormat::elf:
      return "ELF";
    case FileFormat::unknown:
      break;
  }
  return "unknown";
}

Result<FileInfo> inspect(std::string_view bytes) {
  auto as_info = [](auto&& result) -> Result<FileInfo> {
    if (!result) return tl::unexpected(std::move(result.error()));
    return FileInfo(std::move(*result));
  };
  switch (detect_format(bytes)) {
    case FileFormat::png:
      return as_info(inspect_png(bytes));
    case FileFormat::bmp:
      return as_info(inspect_bmp(bytes));
    case FileFormat::gif:
      return as_info(inspect_gif(bytes));
    case FileFormat::jpeg:
      return as_info(inspect_jpeg(bytes));
    case FileFormat::wav:
      return as_info(inspect_wav(bytes));
    case FileFormat::zip:
      return as_info(inspect_zip(bytes));
    case FileFormat::elf:
      return as_info(inspect_elf(bytes));
    case FileFormat::unknown:
      break;
  }
  return fail(ErrorKind::invalid_argument, "binary.unknown_format",
              "unknown file format (not PNG, BMP, GIF, JPEG, WAV, ZIP or ELF)");
}

}  // namespace kit::binary
