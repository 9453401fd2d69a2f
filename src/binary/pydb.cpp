// The tutorial's PYDB format, built on Struct as a worked example of header-plus-records.
#include "kit/binary/pydb.hpp"

#include <fmt/core.h>

#include "kit/binary.hpp"

namespace kit::binary {

namespace {

constexpr std::string_view magic = "PYDB";

const Struct& header_struct() {
  static const Struct s = *Struct::compile(">4sHIHI");
  return s;
}

Error at(ErrorKind kind, const char* code, std::string message, std::uint64_t offset) {
  Error e = make_error(kind, code, std::move(message));
  e.offset = offset;
  return e;
}

}  // namespace

Result<std::string> write_pydb(PydbHeader header, std::string_view records) {
  if (header.record_size == 0 ? !records.empty() : records.size() % header.record_size != 0)
    return fail(ErrorKind::invalid_argument, "binary.bad_size",
                fmt::format("{} bytes of records are not whole records of {} bytes", records.size(),
                            header.record_size));
  const std::size_t count = header.record_size == 0 ? 0 : records.size() / header.record_size;
  if (count > UINT32_MAX)
    return fail(ErrorKind::invalid_argument, "binary.bad_size", "more records than PYDB can count");
  auto out = header_struct().pack(
      {Value{std::string(magic)}, Value{std::uint64_t{header.version}}, Value{std::uint64_t{count}},
       Value{std::uint64_t{header.record_size}}, Value{std::uint64_t{header.flags}}});
  if (!out) return out;
  out->append(records);
  return out;
}

Result<PydbFile> read_pydb(std::string_view bytes) {
  if (bytes.size() < pydb_header_size)
    return tl::unexpected(at(
        ErrorKind::malformed_input, "binary.truncated",
        fmt::format("PYDB header needs {} bytes, the file has {}", pydb_header_size, bytes.size()),
        bytes.size()));
  auto fields = header_struct().unpack(bytes.substr(0, pydb_header_size));
  if (!fields) return tl::unexpected(fields.error());
  if (std::get<std::string>((*fields)[0]) != magic)
    return tl::unexpected(at(ErrorKind::malformed_input, "binary.bad_magic",
                             "not a PYDB file (its magic is not 'PYDB')", 0));
  PydbFile file;
  file.header.version = static_cast<std::uint16_t>(std::get<std::uint64_t>((*fields)[1]));
  file.header.record_count = static_cast<std::uint32_t>(std::get<std::uint64_t>((*fields)[2]));
  file.header.record_size = static_cast<std::uint16_t>(std::get<std::uint64_t>((*fields)[3]));
  file.header.flags = static_cast<std::uint32_t>(std::get<std::uint64_t>((*fields)[4]));
  const std::uint64_t need = std::uint64_t{file.header.record_count} * file.header.record_size;
  if (bytes.size() - pydb_header_size < need)
    return tl::unexpected(at(ErrorKind::malformed_input, "binary.truncated",
                             fmt::format("PYDB announces {} records of {} bytes ({} bytes), the "
                                         "file holds {}",
                                         file.header.record_count, file.header.record_size, need,
                                         bytes.size() - pydb_header_size),
                             bytes.size()));
  file.records = bytes.substr(pydb_header_size, static_cast<std::size_t>(need));
  return file;
}

}  // namespace kit::binary
