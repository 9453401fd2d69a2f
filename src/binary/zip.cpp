// ZIP: found from its end — the end-of-central-directory record (and ZIP64's), then every
// central directory entry. Names are kept as stored (UTF-8 when the entry's flag says so).
#include <fmt/core.h>

#include "kit/binary/inspect.hpp"
#include "reader.hpp"

namespace kit::binary {

using detail::ByteReader;
using detail::fits;
using detail::load_le;
using detail::problem;

namespace {

constexpr std::string_view end_signature{"PK\x05\x06", 4};
constexpr std::string_view zip64_end_signature{"PK\x06\x06", 4};
constexpr std::string_view zip64_locator_signature{"PK\x06\x07", 4};
constexpr std::string_view entry_signature{"PK\x01\x02", 4};
constexpr std::string_view local_signature{"PK\x03\x04", 4};
constexpr std::size_t end_record_size = 22;

// find_end_record(bytes): the last EOCD whose comment reaches exactly to the end of the file
// (or failing that the last one at all), searched in the final 64 KiB + 22 bytes.
std::optional<std::size_t> find_end_record(std::string_view bytes) {
  if (bytes.size() < end_record_size) return std::nullopt;
  std::size_t lowest =
      bytes.size() > 0xFFFF + end_record_size ? bytes.size() - 0xFFFF - end_record_size : 0;
  std::optional<std::size_t> any;
  for (std::size_t at = bytes.size() - end_record_size + 1; at-- > lowest;) {
    if (bytes.substr(at, 4) != end_signature) continue;
    if (at + end_record_size + load_le<std::uint16_t>(bytes, at + 20) == bytes.size()) return at;
    if (!any) any = at;
  }
  return any;
}

// apply_zip64_extra(entry, extra): the 8-byte values of the ZIP64 extra field (id 1), in order,
// for the fields whose 32-bit value was saturated.
void apply_zip64_extra(ZipEntry& e, std::string_view extra, bool size, bool csize, bool offset) {
  ByteReader r(extra, true);
  while (r.remaining() >= 4) {
    std::uint16_t id = *r.get<std::uint16_t>();
    std::uint16_t length = *r.get<std::uint16_t>();
    auto body = r.take(length);
    if (!body) return;
    if (id != 1) continue;
    ByteReader b(*body, true);
    if (size)
      if (auto v = b.get<std::uint64_t>()) e.size = *v;
    if (csize)
      if (auto v = b.get<std::uint64_t>()) e.compressed_size = *v;
    if (offset)
      if (auto v = b.get<std::uint64_t>()) e.local_header_offset = *v;
    return;
  }
}

}  // namespace

std::string ZipEntry::method_name() const {
  switch (method) {
    case 0:
      return "stored";
    case 8:
      return "deflate";
    case 9:
      return "deflate64";
    case 12:
      return "bzip2";
    case 14:
      return "lzma";
    case 93:
      return "zstd";
    case 95:
      return "xz";
    case 98:
      return "ppmd";
    case 99:
      return "aes";
    default:
      return fmt::format("unknown ({})", method);
  }
}

Result<ZipInfo> inspect_zip(std::string_view bytes) {
  if (bytes.substr(0, 2) != "PK")
    return tl::unexpected(problem("zip.bad_signature", 0, "not a ZIP signature"));
  auto end = find_end_record(bytes);
  if (!end)
    return tl::unexpected(problem("zip.no_end_record", bytes.size(),
                                  "no end-of-central-directory record (the file is cut short "
                                  "or not a ZIP archive)"));
  ZipInfo info;
  ByteReader r(bytes, true, *end + 10);
  std::uint64_t count = *r.get<std::uint16_t>();
  std::uint64_t cd_size = *r.get<std::uint32_t>();
  info.central_directory_offset = *r.get<std::uint32_t>();
  std::uint16_t comment_length = *r.get<std::uint16_t>();
  info.comment = std::string(bytes.substr(*end + end_record_size, comment_length));

  if (*end >= 20 && bytes.substr(*end - 20, 4) == zip64_locator_signature) {
    std::uint64_t at = load_le<std::uint64_t>(bytes, *end - 20 + 8);
    if (!fits(bytes, at, 56) ||
        bytes.substr(static_cast<std::size_t>(at), 4) != zip64_end_signature) {
      info.problems.push_back(
          problem("zip.bad_zip64", *end - 20, "the ZIP64 locator points outside the file"));
      return info;
    }
    info.zip64 = true;
    ByteReader z(bytes, true, static_cast<std::size_t>(at) + 32);
    count = *z.get<std::uint64_t>();
    cd_size = *z.get<std::uint64_t>();
    info.central_directory_offset = *z.get<std::uint64_t>();
  }
  if (!fits(bytes, info.central_directory_offset, cd_size)) {
    info.problems.push_back(problem("zip.bad_central_directory", *end,
                                    "the central directory ({} bytes at byte {}) is outside the "
                                    "file",
                                    cd_size, info.central_directory_offset));
    return info;
  }

  ByteReader e(bytes, true, static_cast<std::size_t>(info.central_directory_offset));
  for (std::uint64_t i = 0; i < count; ++i) {
    std::size_t at = e.offset();
    if (!fits(bytes, at, 46) || bytes.substr(at, 4) != entry_signature) {
      info.problems.push_back(problem("zip.bad_entry", at,
                                      "central directory entry {} of {} is missing", i + 1, count));
      return info;
    }
    ZipEntry entry;
    e.skip(10);
    entry.method = *e.get<std::uint16_t>();
    e.skip(4);  // time, date
    entry.crc = *e.get<std::uint32_t>();
    std::uint32_t csize = *e.get<std::uint32_t>();
    std::uint32_t size = *e.get<std::uint32_t>();
    std::uint16_t name_length = *e.get<std::uint16_t>();
    std::uint16_t extra_length = *e.get<std::uint16_t>();
    std::uint16_t comment_len = *e.get<std::uint16_t>();
    e.skip(8);  // disk, attributes
    std::uint32_t offset = *e.get<std::uint32_t>();
    auto name = e.take(name_length);
    auto extra = e.take(extra_length);
    if (!name || !extra || !e.skip(comment_len)) {
      info.problems.push_back(
          problem("zip.truncated", at, "central directory entry {} is cut short", i + 1));
      return info;
    }
    entry.name = std::string(*name);
    entry.compressed_size = csize;
    entry.size = size;
    entry.local_header_offset = offset;
    apply_zip64_extra(entry, *extra, size == 0xFFFFFFFF, csize == 0xFFFFFFFF, offset == 0xFFFFFFFF);
    if (!fits(bytes, entry.local_header_offset, 30) ||
        bytes.substr(static_cast<std::size_t>(entry.local_header_offset), 4) != local_signature)
      info.problems.push_back(problem("zip.bad_local_header", at,
                                      "entry {:?} points to byte {}, where there is no local "
                                      "header",
                                      entry.name, entry.local_header_offset));
    info.entries.push_back(std::move(entry));
  }
  return info;
}

}  // namespace kit::binary
