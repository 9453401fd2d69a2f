// The byte helpers C++ lacks: hex both ways, integers to and from bytes, an xxd-style dump.
#include <fmt/core.h>

#include "integer.hpp"
#include "kit/binary.hpp"

namespace kit::binary {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

}  // namespace

Result<std::string> from_hex(std::string_view hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size();) {
    if (is_space(hex[i])) {
      ++i;
      continue;
    }
    const int hi = hex_value(hex[i]);
    const int lo = i + 1 < hex.size() ? hex_value(hex[i + 1]) : -1;
    if (hi < 0 || lo < 0)
      return fail(ErrorKind::invalid_argument, "binary.bad_hex",
                  fmt::format("non-hexadecimal number found in fromhex() arg at position {}",
                              hi < 0 ? i : i + 1));
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

Result<std::string> to_bytes(const Value& integer, std::size_t length, ByteOrder order,
                             bool is_signed) {
  using detail::int128;
  const std::optional<int128> value = detail::as_int128(integer);
  if (!value)
    return fail(ErrorKind::invalid_argument, "binary.bad_value", "to_bytes needs an integer");
  const int128 n = *value;
  const bool fits = length >= 9 ? (is_signed || n >= 0)
                    : is_signed
                        ? (length > 0 && n >= -(static_cast<int128>(1) << (8 * length - 1)) &&
                           n < (static_cast<int128>(1) << (8 * length - 1)))
                        : (n >= 0 && n < (static_cast<int128>(1) << (8 * length)));
  if (!fits && !(length == 0 && n == 0))
    return fail(
        ErrorKind::invalid_argument, "binary.overflow",
        n < 0 && !is_signed ? "can't convert negative int to unsigned" : "int too big to convert");
  std::string out(length, n < 0 ? '\xff' : '\0');
  auto u = static_cast<std::uint64_t>(n);
  for (std::size_t i = 0; i < length && i < 8; ++i) {
    out[order == ByteOrder::big ? length - 1 - i : i] = static_cast<char>(u & 0xff);
    u >>= 8;
  }
  return out;
}

Result<Value> from_bytes(std::string_view bytes, ByteOrder order, bool is_signed) {
  if (bytes.size() > 8)
    return fail(ErrorKind::invalid_argument, "binary.overflow", "from_bytes takes at most 8 bytes");
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto c =
        static_cast<unsigned char>(bytes[order == ByteOrder::big ? i : bytes.size() - 1 - i]);
    v = (v << 8) | c;
  }
  if (!is_signed) return Value{v};
  const std::size_t bits = bytes.size() * 8;
  if (bits > 0 && bits < 64 && (v >> (bits - 1)) != 0) v |= ~0ULL << bits;
  return Value{static_cast<std::int64_t>(v)};
}

std::string hexdump(std::string_view bytes, std::size_t start_offset) {
  std::string out;
  for (std::size_t line = 0; line < bytes.size(); line += 16) {
    const std::string_view chunk = bytes.substr(line, 16);
    out += fmt::format("{:08x}: ", start_offset + line);
    std::size_t width = 0;
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      const auto c = static_cast<unsigned char>(chunk[i]);
      out += hex_digits[c >> 4];
      out += hex_digits[c & 15];
      width += 2;
      if (i % 2 == 1 && i != 15) {
        out += ' ';
        ++width;
      }
    }
    out.append(41 - width, ' ');  // xxd: 8 groups of 4 digits, 7 spaces between, then 2
    for (char ch : chunk) out += (ch >= 0x20 && ch < 0x7f) ? ch : '.';
    out += '\n';
  }
  return out;
}

}  // namespace kit::binary
