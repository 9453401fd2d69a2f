// kit/binary/pydb.hpp — the tutorial's PYDB file: a 16-byte big-endian header, then
// fixed-size records, built on Struct as a worked example of header-plus-records.
//
// Example:
//   auto file = kit::binary::write_pydb({.record_size = 10}, records);   // Result<std::string>
//   auto pydb = kit::binary::read_pydb(*file);                           // Result<PydbFile>
//   pydb->header.record_count;                                           // records.size() / 10
//   pydb->records;                                                       // a view into *file
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kit/core/error.hpp"

namespace kit::binary {

// PYDB's 16-byte big-endian header, ">4sHIHI": magic "PYDB", version, record count, record
// size, flags.
struct PydbHeader {
  std::uint16_t version = 1;
  std::uint32_t record_count = 0;
  std::uint16_t record_size = 0;
  std::uint32_t flags = 0;
};
inline constexpr std::size_t pydb_header_size = 16;

struct PydbFile {
  PydbHeader header;
  std::string_view records;  // record_count * record_size bytes, a view into the input
};

// write_pydb(header, records): the header (its record_count from records' size) and records.
// Error when records is not a whole number of header.record_size records.
[[nodiscard]] Result<std::string> write_pydb(PydbHeader header, std::string_view records);
// read_pydb(bytes): the header and the records it announces. Errors say where: too short for
// a header (binary.truncated), another magic (binary.bad_magic, at byte 0), fewer record bytes
// than announced (binary.truncated, at the end of the data). Trailing bytes are allowed.
[[nodiscard]] Result<PydbFile> read_pydb(std::string_view bytes);

}  // namespace kit::binary
