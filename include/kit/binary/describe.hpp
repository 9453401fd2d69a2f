// kit/binary/describe.hpp — an inspected file (kit/binary/inspect.hpp) as the fields kit inspect
// reports: each with its JSON value and the text the tutorials' blocks print for it.
//
// Example:
//   auto info = kit::binary::inspect(bytes);
//   kit::binary::InspectReport r =
//       kit::binary::describe(*info, kit::binary::detect_format(bytes), bytes);
//   std::fputs(kit::binary::text_block(r, &*info, /*chunks=*/false).c_str(), stdout);
//   // width               : 640   (a PNG's block, `{key:20s}: {value}` as the tutorial prints)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kit/binary/inspect.hpp"
#include "kit/core/error.hpp"

namespace kit::binary {

// One reported field: its JSON value, and how the text block shows it (empty: not shown; an
// empty key: a line of its own).
struct InspectField {
  std::string key;
  nlohmann::ordered_json value;
  std::string text;
};

// The fields of one inspected file, and its problems.
struct InspectReport {
  FileFormat format = FileFormat::unknown;
  std::vector<InspectField> fields;
  std::vector<Error> problems;
};

// describe(info, format, bytes): the fields, in the order the text block prints them.
[[nodiscard]] InspectReport describe(const FileInfo& info, FileFormat format,
                                     std::string_view bytes);

// text_block(report, info, chunks): the human block: "BMP Header Info:" and its indented
// lines for a BMP, `{key:<20}: {value}` for the rest; with chunks, a PNG's chunk table.
[[nodiscard]] std::string text_block(const InspectReport& report, const FileInfo* info,
                                     bool chunks);

// printable(s): control characters escaped, so a text field stays on its line.
[[nodiscard]] std::string printable(std::string_view s);

}  // namespace kit::binary
