// Fuzz target: kit::binary's format parser, unpacking, value literals, repr and PYDB reader. The
// first line is a format, the rest a buffer. Whatever unpacks must pack again (an oracle for both
// sides).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kit/binary.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace bin = kit::binary;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view format = input.substr(0, newline);
  const std::string_view buffer =
      newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);

  for (char code : {'i', 'Q', 'd', '?', 's'}) (void)bin::parse_literal(format, code);
  (void)bin::from_hex(buffer);
  (void)bin::read_pydb(buffer);
  auto s = bin::Struct::compile(format);
  if (!s || s->size() > (1u << 20)) return 0;
  if (auto values = s->unpack_from(buffer)) {
    (void)bin::repr(*values);
    if (!s->pack(*values)) std::abort();
  }
  if (auto records = s->iter_unpack(buffer))
    for (const auto& record : *records) (void)bin::repr(record);
  return 0;
}
