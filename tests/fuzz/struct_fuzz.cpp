// Fuzz target: kit::binary's format parser, unpacking, value literals, repr and PYDB reader. The
// first line is a format, the rest a buffer. Whatever unpacks must pack again (an oracle for both
// sides), a line pack_plain takes must pack the same through parse_literal and pack, and the
// records pack_csv makes of the buffer must unpack and pack again to the same bytes.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "kit/binary.hpp"
#include "kit/binary/pydb.hpp"
#include "kit/binary/records.hpp"

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
  std::string fast(s->size(), '\0');
  if (const std::size_t read = s->pack_plain(buffer, fast.data())) {
    std::string_view line = buffer.substr(0, read);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    std::vector<bin::Value> values;
    for (std::size_t at = 0, i = 0; s->count() > 0 && at <= line.size(); ++i) {
      const std::size_t comma = std::min(line.find(',', at), line.size());
      auto v = bin::parse_literal(line.substr(at, comma - at), s->code_at(i));
      if (!v) std::abort();
      values.push_back(*v);
      at = comma + 1;
    }
    auto general = s->pack(values);
    if (!general || *general != fast) std::abort();
  }
  if (auto records = s->iter_unpack(buffer))
    for (const auto& record : *records) (void)bin::repr(record);
  // The rest as CSV rows: whatever pack_csv packs is whole records, each of which unpacks and
  // packs again to the same bytes.
  if (auto packed = bin::pack_csv(*s, buffer); packed && s->size() > 0) {
    const std::string_view bytes = packed->view();
    if (bytes.size() % s->size() != 0) std::abort();
    for (std::size_t at = 0; at < bytes.size(); at += s->size()) {
      auto values = s->unpack(bytes.substr(at, s->size()));
      if (!values) std::abort();
      auto again = s->pack(*values);
      if (!again || *again != bytes.substr(at, s->size())) std::abort();
    }
  }
  return 0;
}
