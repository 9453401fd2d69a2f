// CPython's struct: format grammar, sizes and alignment, packing and unpacking.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include <fast_float/fast_float.h>
#include <fmt/core.h>

#include "integer.hpp"
#include "kit/binary.hpp"

namespace kit::binary {

namespace {

using detail::int128;

constexpr const char* bad_format = "binary.bad_format";
constexpr const char* bad_value = "binary.bad_value";

struct Code {
  std::size_t size;
  std::size_t align;
};

// Sizes of x86-64 Linux (LP64) for '@'; standard sizes otherwise. n, N and P are native only.
bool code_info(char c, bool native, Code& out) {
  switch (c) {
    case 'x':
    case 'c':
    case 'b':
    case 'B':
    case '?':
    case 's':
    case 'p':
      out = {1, 1};
      return true;
    case 'h':
    case 'H':
    case 'e':
      out = {2, 2};
      return true;
    case 'i':
    case 'I':
    case 'f':
      out = {4, 4};
      return true;
    case 'l':
    case 'L':
      out = native ? Code{8, 8} : Code{4, 4};
      return true;
    case 'q':
    case 'Q':
    case 'd':
      out = {8, 8};
      return true;
    case 'n':
    case 'N':
    case 'P':
      out = {8, 8};
      return native;
    default:
      return false;
  }
}

bool is_signed_code(char c) {
  return c == 'b' || c == 'h' || c == 'i' || c == 'l' || c == 'q' || c == 'n';
}
bool is_unsigned_code(char c) {
  return c == 'B' || c == 'H' || c == 'I' || c == 'L' || c == 'Q' || c == 'N' || c == 'P';
}

Error error(const char* code, std::string message) {
  return make_error(ErrorKind::invalid_argument, code, std::move(message));
}

// Inlined: called once per field of every record on the packing paths.
[[gnu::always_inline]] inline void store(char* p, std::uint64_t v, std::size_t n, bool big) {
  if constexpr (std::endian::native == std::endian::little) {
    // Whole words where the field is one (the hot path of pack_plain).
    if (big && (n == 2 || n == 4 || n == 8)) v = __builtin_bswap64(v) >> (64 - 8 * n);
    switch (n) {
      case 1:
        p[0] = static_cast<char>(v);
        return;
      case 2: {
        const auto w = static_cast<std::uint16_t>(v);
        std::memcpy(p, &w, 2);
        return;
      }
      case 4: {
        const auto w = static_cast<std::uint32_t>(v);
        std::memcpy(p, &w, 4);
        return;
      }
      case 8:
        std::memcpy(p, &v, 8);
        return;
      default:
        break;
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto byte = static_cast<char>((v >> (8 * i)) & 0xff);
    p[big ? n - 1 - i : i] = byte;
  }
}

std::uint64_t load(const char* p, std::size_t n, bool big) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto byte =
        static_cast<std::uint64_t>(static_cast<unsigned char>(p[big ? n - 1 - i : i]));
    v |= byte << (8 * i);
  }
  return v;
}

// The half float of x, rounded to nearest even as CPython's PyFloat_Pack2; false on overflow.
bool pack_half(double x, std::uint16_t& out) {
  unsigned sign = std::signbit(x) ? 1 : 0;
  int e = 0;
  unsigned bits = 0;
  if (x == 0.0) {
  } else if (std::isinf(x)) {
    e = 0x1f;
  } else if (std::isnan(x)) {
    e = 0x1f;
    bits = 512;
  } else {
    double f = std::frexp(std::fabs(x), &e);  // 0.5 <= f < 1
    f *= 2.0;
    --e;  // 1 <= f < 2
    if (e >= 16) return false;
    if (e < -25) {
      f = 0.0;
      e = 0;
    } else if (e < -14) {
      f = std::ldexp(f, 14 + e);  // subnormal
      e = 0;
    } else {
      e += 15;
      f -= 1.0;
    }
    f *= 1024.0;
    bits = static_cast<unsigned>(f);
    f -= bits;
    if (f > 0.5 || (f == 0.5 && bits % 2 == 1)) {
      if (++bits == 1024) {
        bits = 0;
        if (++e == 31) return false;
      }
    }
  }
  out = static_cast<std::uint16_t>(bits | (static_cast<unsigned>(e) << 10) | (sign << 15));
  return true;
}

// store_float(code, x, p, big, native_sizes): x as an e, f or d field at p; false when it is
// too large for the field.
[[gnu::always_inline]] inline bool store_float(char code, double x, char* p, bool big,
                                               bool native_sizes) {
  if (code == 'd') {
    store(p, std::bit_cast<std::uint64_t>(x), 8, big);
    return true;
  }
  if (code == 'f') {
    // From FLT_MAX plus half its ulp on, a double rounds to infinity. CPython 3.11 calls that
    // an error for standard sizes only; natively it casts (to inf).
    const double overflow_at =
        static_cast<double>(std::numeric_limits<float>::max()) + std::ldexp(1.0, 103);
    const bool fits = !std::isfinite(x) || std::fabs(x) < overflow_at;
    if (!fits && !native_sizes) return false;
    const float y = fits ? static_cast<float>(x)
                         : std::copysign(std::numeric_limits<float>::infinity(),
                                         static_cast<float>(x < 0 ? -1 : 1));
    store(p, std::bit_cast<std::uint32_t>(y), 4, big);
    return true;
  }
  std::uint16_t h = 0;
  if (!pack_half(x, h)) return false;
  store(p, h, 2, big);
  return true;
}

double unpack_half(std::uint16_t h) {
  const bool sign = (h >> 15) != 0;
  int e = (h >> 10) & 0x1f;
  const unsigned f = h & 0x3ff;
  if (e == 0x1f) {
    if (f == 0)
      return sign ? -std::numeric_limits<double>::infinity()
                  : std::numeric_limits<double>::infinity();
    return sign ? -std::numeric_limits<double>::quiet_NaN()
                : std::numeric_limits<double>::quiet_NaN();
  }
  double x = f / 1024.0;
  if (e == 0)
    e = -14;
  else {
    x += 1.0;
    e -= 15;
  }
  x = std::ldexp(x, e);
  return sign ? -x : x;
}

std::string code_label(char c) {
  return fmt::format("'{}'", c);
}

}  // namespace

Result<Struct> Struct::compile(std::string_view format) {
  Struct s;
  s.format_ = std::string(format);
  std::size_t i = 0;
  if (!format.empty()) {
    switch (format[0]) {
      case '@':
        i = 1;
        break;
      case '=':
        s.order_ = ByteOrder::little;
        s.native_sizes_ = false;
        i = 1;
        break;
      case '<':
        s.order_ = ByteOrder::little;
        s.native_sizes_ = false;
        i = 1;
        break;
      case '>':
      case '!':
        s.order_ = ByteOrder::big;
        s.native_sizes_ = false;
        i = 1;
        break;
      default:
        break;
    }
  }
  const std::size_t max_size = std::numeric_limits<std::int64_t>::max();
  std::size_t offset = 0;
  while (i < format.size()) {
    char c = format[i++];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') continue;
    std::size_t count = 1;
    if (c >= '0' && c <= '9') {
      count = static_cast<std::size_t>(c - '0');
      while (i < format.size() && format[i] >= '0' && format[i] <= '9') {
        const auto digit = static_cast<std::size_t>(format[i++] - '0');
        if (count > (max_size - digit) / 10)
          return tl::unexpected(error(bad_format, "total struct size too long"));
        count = count * 10 + digit;
      }
      if (i >= format.size())
        return tl::unexpected(error(bad_format, "repeat count given without format specifier"));
      c = format[i++];
    }
    Code info{};
    if (!code_info(c, s.native_sizes_, info))
      return tl::unexpected(error(
          bad_format, (c == 'n' || c == 'N' || c == 'P')
                          ? fmt::format("bad char '{}' in struct format: '{}' is only for native "
                                        "formats (no prefix, or @)",
                                        c, c)
                          : fmt::format("bad char '{}' in struct format", c)));
    if (s.native_sizes_) offset = (offset + info.align - 1) / info.align * info.align;
    if (c == 's' || c == 'p') {
      if (offset > max_size - count)
        return tl::unexpected(error(bad_format, "total struct size too long"));
      s.fields_.push_back({c, offset, count, 1});
      ++s.values_;
      offset += count;
      continue;
    }
    if (count > (max_size - offset) / info.size)
      return tl::unexpected(error(bad_format, "total struct size too long"));
    if (c != 'x' && count > 0) {
      s.fields_.push_back({c, offset, info.size, count});
      s.values_ += count;
    }
    offset += count * info.size;
  }
  s.size_ = offset;
  const bool plain = std::all_of(s.fields_.begin(), s.fields_.end(), [](const Field& f) {
    return std::string_view("bBhHiIlLqQnNefd").find(f.code) != std::string_view::npos;
  });
  for (const Field& f : plain ? s.fields_ : std::vector<Field>{}) {
    // Plain integers have at most 18 digits, so int64 holds every value read.
    const unsigned bits = static_cast<unsigned>(f.length * 8);
    std::int64_t low = std::numeric_limits<std::int64_t>::min();
    std::int64_t high = std::numeric_limits<std::int64_t>::max();
    if (!is_signed_code(f.code)) low = 0;
    if (bits < 64) {
      if (is_signed_code(f.code)) low = -(std::int64_t{1} << (bits - 1));
      high = is_signed_code(f.code) ? (std::int64_t{1} << (bits - 1)) - 1
                                    : (std::int64_t{1} << bits) - 1;
    }
    s.plain_runs_.push_back({f.offset, f.length, f.count, f.code,
                             f.code == 'e' || f.code == 'f' || f.code == 'd', low, high});
  }
  std::size_t field_bytes = 0;
  for (const Field& f : s.fields_) field_bytes += f.length * f.count;
  s.padded_ = field_bytes != s.size_;
  return s;
}

char Struct::code_at(std::size_t value_index) const {
  for (const Field& run : fields_) {
    if (value_index < run.count) return run.code;
    value_index -= run.count;
  }
  return '\0';
}

namespace {

template <class Text>
Result<void> parse_texts(const Struct& s, std::span<const Text> texts, std::vector<Value>& values) {
  if (texts.size() != s.count())
    return tl::unexpected(make_error(
        ErrorKind::invalid_argument, "binary.bad_count",
        fmt::format("pack expected {} items for packing (got {})", s.count(), texts.size())));
  values.clear();
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto v = parse_literal(texts[i], s.code_at(i));
    if (!v) {
      v.error().message = fmt::format("item {}: {}", i + 1, v.error().message);
      return tl::unexpected(v.error());
    }
    values.push_back(std::move(*v));
  }
  return {};
}

}  // namespace

Result<void> Struct::parse_values(std::span<const std::string_view> texts,
                                  std::vector<Value>& values) const {
  return parse_texts(*this, texts, values);
}

Result<void> Struct::parse_values(std::span<const std::string> texts,
                                  std::vector<Value>& values) const {
  return parse_texts(*this, texts, values);
}

Result<std::size_t> calcsize(std::string_view format) {
  auto s = Struct::compile(format);
  if (!s) return tl::unexpected(s.error());
  return s->size();
}

Result<void> Struct::pack_into(std::span<char> buffer, std::size_t offset,
                               std::span<const Value> values) const {
  if (values.size() != values_)
    return tl::unexpected(
        error(bad_value,
              fmt::format("pack expected {} items for packing (got {})", values_, values.size())));
  if (offset > buffer.size() || buffer.size() - offset < size_)
    return tl::unexpected(
        error(bad_value, fmt::format("pack_into requires a buffer of at least {} "
                                     "bytes for packing {} bytes at offset {} "
                                     "(actual buffer size is {})",
                                     size_ + offset, size_, offset, buffer.size())));
  char* base = buffer.data() + offset;
  // An empty span's data() may be null, and memset/memcpy must not see null even for 0 bytes.
  if (size_ > 0) std::memset(base, 0, size_);
  const bool big = order_ == ByteOrder::big;
  std::size_t k = 0;
  for (const Field& run : fields_)
    for (std::size_t r = 0; r < run.count; ++r) {
      const Field f{run.code, run.offset + r * run.length, run.length, 1};
      const Value& v = values[k++];
      char* p = base + f.offset;
      const std::size_t item = k;
      if (f.code == 's' || f.code == 'p' || f.code == 'c') {
        const auto* bytes = std::get_if<std::string>(&v);
        if (bytes == nullptr || (f.code == 'c' && bytes->size() != 1))
          return tl::unexpected(error(
              bad_value, f.code == 'c'
                             ? fmt::format("item {}: char format requires a bytes object of "
                                           "length 1",
                                           item)
                             : fmt::format("item {}: argument for '{}' must be a bytes object",
                                           item, f.code)));
        if (f.code == 'c') {
          p[0] = (*bytes)[0];
        } else if (f.code == 's') {
          if (const std::size_t n = std::min(bytes->size(), f.length); n > 0)
            std::memcpy(p, bytes->data(), n);
        } else if (f.length > 0) {  // 'p': a length byte, then up to length - 1 bytes
          const std::size_t n = std::min(bytes->size(), f.length - 1);
          std::memcpy(p + 1, bytes->data(), n);
          p[0] = static_cast<char>(std::min<std::size_t>(n, 255));
        }
        continue;
      }
      if (f.code == '?') {
        bool truth = std::visit(
            [](const auto& x) {
              if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::string>)
                return !x.empty();
              else
                return x != std::decay_t<decltype(x)>{};
            },
            v);
        p[0] = truth ? 1 : 0;
        continue;
      }
      if (f.code == 'e' || f.code == 'f' || f.code == 'd') {
        double x = 0;
        if (const auto* d = std::get_if<double>(&v))
          x = *d;
        else if (const auto* i = std::get_if<std::int64_t>(&v))
          x = static_cast<double>(*i);
        else if (const auto* u = std::get_if<std::uint64_t>(&v))
          x = static_cast<double>(*u);
        else if (const auto* b = std::get_if<bool>(&v))
          x = *b ? 1.0 : 0.0;
        else
          return tl::unexpected(
              error(bad_value, fmt::format("item {}: required argument is not a float", item)));
        if (!store_float(f.code, x, p, big, native_sizes_))
          return tl::unexpected(error(bad_value, fmt::format("item {}: float too large to pack "
                                                             "with {} format",
                                                             item, f.code)));
        continue;
      }
      // Integers: the value as a signed 128-bit number, checked against the field's range.
      const std::optional<int128> value = detail::as_int128(v);
      if (!value)
        return tl::unexpected(
            error(bad_value, fmt::format("item {}: required argument is not an integer", item)));
      const int128 n = *value;
      const unsigned bits = static_cast<unsigned>(f.length * 8);
      int128 low = 0, high = 0;
      if (is_signed_code(f.code)) {
        low = -(static_cast<int128>(1) << (bits - 1));
        high = (static_cast<int128>(1) << (bits - 1)) - 1;
      } else {
        high = (static_cast<int128>(1) << bits) - 1;
        // 'P' takes negative addresses too (PyLong_AsVoidPtr).
        if (f.code == 'P') low = -(static_cast<int128>(1) << (bits - 1));
      }
      if (n < low || n > high) {
        auto text = [](int128 x) {  // fmt, not "-" + std::string: g++ 12 warns wrongly on that
          return x < 0 ? fmt::format("-{}", static_cast<std::uint64_t>(-(x + 1)) + 1)
                       : fmt::format("{}", static_cast<std::uint64_t>(x));
        };
        return tl::unexpected(
            error(bad_value, fmt::format("item {}: {} format requires {} <= number <= {}", item,
                                         code_label(f.code), text(low), text(high))));
      }
      store(p, static_cast<std::uint64_t>(n), f.length, big);
    }
  return {};
}

std::size_t Struct::pack_plain(std::string_view text, char* out) const {
  if (plain_runs_.empty()) return 0;
  const char* at = text.data();
  const char* const end = text.data() + text.size();
  const bool big = order_ == ByteOrder::big;
  if (padded_) std::memset(out, 0, size_);
  bool first = true;
  for (const PlainRun& run : plain_runs_)
    for (std::size_t r = 0; r < run.count; ++r) {
      if (!first) {
        if (at == end || *at != ',') return 0;
        ++at;
      }
      first = false;
      char* p = out + run.offset + r * run.length;
      if (run.is_float) {
        // Decimal text reads to the same double whether parse_literal takes it as an int or
        // a float, except -0 (an int, so +0.0): zeros with a sign go the general way.
        double x = 0;
        auto [next, ec] = fast_float::from_chars(at, end, x);
        if (ec != std::errc() || next == at || (x == 0 && std::signbit(x))) return 0;
        // Past the largest double, digits alone are an int too large to convert to float
        // (an error, as in Python), while "1e400" and "inf" are the float inf.
        if (std::isinf(x) && std::none_of(at, next, [](char c) {
              return c == '.' || c == 'e' || c == 'E' || c == 'i' || c == 'I';
            }))
          return 0;
        if (!store_float(run.code, x, p, big, native_sizes_)) return 0;
        at = next;
        continue;
      }
      // Integers: -?(0|[1-9][0-9]{0,17}), below 10^18 and so inside int64. The digits are
      // read up to 19, where the run is too long whatever follows.
      const bool negative = at != end && *at == '-';
      if (negative) ++at;
      const char* const digits = at;
      const char* const stop = end - at > 19 ? at + 19 : end;
      std::uint64_t magnitude = 0;
      for (unsigned d = 0; at != stop && (d = static_cast<unsigned char>(*at) - unsigned{'0'}) < 10;
           ++at)
        magnitude = magnitude * 10 + d;
      const auto n = at - digits;
      if (n == 0 || n > 18 || (n > 1 && *digits == '0')) return 0;
      const auto v =
          negative ? -static_cast<std::int64_t>(magnitude) : static_cast<std::int64_t>(magnitude);
      if (v < run.low || v > run.high) return 0;
      store(p, static_cast<std::uint64_t>(v), run.length, big);
    }
  if (at != end && *at == '\r') ++at;  // CRLF
  if (at == end) return static_cast<std::size_t>(at - text.data());
  return *at == '\n' ? static_cast<std::size_t>(at + 1 - text.data()) : 0;
}

Result<std::string> Struct::pack(std::span<const Value> values) const {
  std::string out(size_, '\0');
  auto r = pack_into(std::span<char>(out.data(), out.size()), 0, values);
  if (!r) return tl::unexpected(r.error());
  return out;
}

void Struct::unpack_record(const char* base, std::vector<Value>& out) const {
  out.clear();
  out.reserve(values_);
  const bool big = order_ == ByteOrder::big;
  for (const Field& run : fields_)
    for (std::size_t r = 0; r < run.count; ++r) {
      const Field f{run.code, run.offset + r * run.length, run.length, 1};
      const char* p = base + f.offset;
      switch (f.code) {
        case 'c':
          out.emplace_back(std::string(p, 1));
          break;
        case 's':
          out.emplace_back(std::string(p, f.length));
          break;
        case 'p': {
          std::size_t n = f.length == 0 ? 0 : static_cast<unsigned char>(p[0]);
          if (f.length > 0 && n >= f.length) n = f.length - 1;
          out.emplace_back(f.length == 0 ? std::string() : std::string(p + 1, n));
          break;
        }
        case '?':
          out.emplace_back(p[0] != 0);
          break;
        case 'e':
          out.emplace_back(unpack_half(static_cast<std::uint16_t>(load(p, 2, big))));
          break;
        case 'f':
          out.emplace_back(static_cast<double>(
              std::bit_cast<float>(static_cast<std::uint32_t>(load(p, 4, big)))));
          break;
        case 'd':
          out.emplace_back(std::bit_cast<double>(load(p, 8, big)));
          break;
        default: {
          const std::uint64_t raw = load(p, f.length, big);
          if (is_unsigned_code(f.code)) {
            out.emplace_back(raw);
          } else {
            const unsigned bits = static_cast<unsigned>(f.length * 8);
            std::int64_t x = static_cast<std::int64_t>(raw);
            if (bits < 64 && (raw >> (bits - 1)) != 0)
              x = static_cast<std::int64_t>(raw | (~0ULL << bits));
            out.emplace_back(x);
          }
        }
      }
    }
}

Result<std::vector<Value>> Struct::unpack(std::string_view buffer) const {
  if (buffer.size() != size_)
    return tl::unexpected(make_error(
        ErrorKind::malformed_input, "binary.bad_size",
        fmt::format("unpack requires a buffer of {} bytes (got {})", size_, buffer.size())));
  std::vector<Value> out;
  unpack_record(buffer.data(), out);
  return out;
}

Result<std::vector<Value>> Struct::unpack_from(std::string_view buffer, std::size_t offset) const {
  if (offset > buffer.size() || buffer.size() - offset < size_)
    return tl::unexpected(make_error(
        ErrorKind::malformed_input, "binary.bad_size",
        fmt::format("unpack_from requires a buffer of at least {} bytes for unpacking {} bytes at "
                    "offset {} (actual buffer size is {})",
                    size_ + offset, size_, offset, buffer.size())));
  std::vector<Value> out;
  unpack_record(buffer.data() + offset, out);
  return out;
}

Result<Struct::Records> Struct::iter_unpack(std::string_view buffer) const {
  if (size_ == 0)
    return tl::unexpected(error(bad_format, "cannot iteratively unpack with a struct of length 0"));
  if (buffer.size() % size_ != 0)
    return tl::unexpected(make_error(
        ErrorKind::malformed_input, "binary.bad_size",
        fmt::format("iterative unpacking requires a buffer of a multiple of {} bytes (got {})",
                    size_, buffer.size())));
  return Records(*this, buffer);
}

}  // namespace kit::binary
