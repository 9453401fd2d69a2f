// kit/binary.hpp — binary records as in Python's struct module, and the byte helpers C++ lacks.
//
// A Struct is a compiled format string with CPython's complete grammar: a byte-order prefix
// (@ native with alignment, = native order, < little, > and ! big), the format characters
// x c b B ? h H i I l L q Q n N e f d s p P and repeat counts. Values are a small variant.
// Errors are values: a bad format, a wrong number of values, a value out of range or a buffer
// of the wrong size is an Error (binary.*) whose message says which.
//
// Example:
//   auto s = kit::binary::Struct::compile("<IHf");            // Result<Struct>
//   auto bytes = s->pack({1000, 42, 3.14});                     // Result<std::string>, 10 bytes
//   kit::binary::to_hex(*bytes);                                // "e80300002a00c3f54840"
//   auto values = s->unpack(*bytes);                            // {1000, 42, 3.140000104904175}
//   kit::binary::repr(*values);                                 // "(1000, 42, 3.140000104904175)"
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "kit/core/error.hpp"
#include "kit/core/text.hpp"

namespace kit::binary {

// A packed or unpacked value: integers (signed or unsigned), floats, bools and bytes.
using Value = std::variant<std::int64_t, std::uint64_t, double, bool, std::string>;

enum class ByteOrder { native, little, big };

class Struct {
 public:
  // compile(format): parses the format once; Error binary.bad_format when it is not valid.
  [[nodiscard]] static Result<Struct> compile(std::string_view format);

  [[nodiscard]] std::size_t size() const { return size_; }     // calcsize
  [[nodiscard]] std::size_t count() const { return values_; }  // values per record
  [[nodiscard]] const std::string& format() const { return format_; }

  // A run of values of one format character: `count` fields of `length` bytes from `offset`
  // (for s and p one field, the string's length). Kept as runs so that "1000000000q" costs
  // nothing until it is packed.
  struct Field {
    char code;
    std::size_t offset;
    std::size_t length;
    std::size_t count = 1;
  };
  // fields(): the runs, in order (pad bytes have none).
  [[nodiscard]] std::span<const Field> fields() const { return fields_; }
  // code_at(i): the format character of the i-th value.
  [[nodiscard]] char code_at(std::size_t value_index) const;

  // parse_values(texts, values): one Python literal per value of the record, read with
  // parse_literal and its field's format character, into values (cleared first; reuse it).
  // Error binary.bad_count when there are not count() texts, binary.bad_value ("item 2: …",
  // counted from 1) when one is not a literal of its field.
  [[nodiscard]] Result<void> parse_values(std::span<const std::string_view> texts,
                                          std::vector<Value>& values) const;
  [[nodiscard]] Result<void> parse_values(std::span<const std::string> texts,
                                          std::vector<Value>& values) const;

  // pack(values): the record's bytes. Integers must fit their field, floats their e/f field,
  // c takes 1 byte, s and p are cut or zero-padded to their length.
  [[nodiscard]] Result<std::string> pack(std::span<const Value> values) const;
  [[nodiscard]] Result<std::string> pack(std::initializer_list<Value> values) const {
    return pack(std::span<const Value>(values.begin(), values.size()));
  }
  // pack_into(buffer, offset, values): the same, written into buffer at offset.
  [[nodiscard]] Result<void> pack_into(std::span<char> buffer, std::size_t offset,
                                       std::span<const Value> values) const;
  // pack_plain(text, out): the fast path for text records: one record from the start of
  // text, a line of comma-separated plain decimal numbers ("7,-3,0.5") ending in LF, CRLF or
  // the end of text, packed straight into out (size() bytes) as parse_literal and pack_into
  // would, with no Value in between. Returns the bytes read, line end included; 0 (out
  // unspecified) on anything else: a format with bytes, bools or pointers, quotes, blanks, a
  // sign +, hex, underscores, too many digits, a value out of range. The general path then
  // reads the line and explains what is wrong with it.
  [[nodiscard]] std::size_t pack_plain(std::string_view text, char* out) const;
  // unpack(buffer): buffer must be exactly size() bytes.
  [[nodiscard]] Result<std::vector<Value>> unpack(std::string_view buffer) const;
  // unpack_from(buffer, offset): needs size() bytes from offset on.
  [[nodiscard]] Result<std::vector<Value>> unpack_from(std::string_view buffer,
                                                       std::size_t offset = 0) const;
  // unpack_record(p, out): unpacks size() bytes at p into out (cleared first); no checks.
  void unpack_record(const char* p, std::vector<Value>& out) const;

  // iter_unpack(buffer): a lazy range of records; buffer must hold a whole number of them.
  class Records;
  [[nodiscard]] Result<Records> iter_unpack(std::string_view buffer) const;

 private:
  std::string format_;
  ByteOrder order_ = ByteOrder::native;
  bool native_sizes_ = true;
  bool padded_ = false;        // some bytes belong to no field
  std::vector<Field> fields_;  // runs of values; pad bytes have none
  // A run as pack_plain reads it, the range of its integers worked out once.
  struct PlainRun {
    std::size_t offset, length, count;
    char code;
    bool is_float;
    std::int64_t low, high;
  };
  std::vector<PlainRun> plain_runs_;  // empty unless every field is an integer or a float
  std::size_t size_ = 0;
  std::size_t values_ = 0;
};

class Struct::Records {
 public:
  // Records keeps its own copy of the Struct, so it may outlive the one it came from; the
  // buffer must outlive it.
  Records(const Struct& s, std::string_view buffer) : struct_(s), buffer_(buffer) {}
  class iterator {
   public:
    using value_type = std::vector<Value>;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(const Struct* s, const char* p) : struct_(s), p_(p) {}
    const std::vector<Value>& operator*() {
      struct_->unpack_record(p_, record_);
      return record_;
    }
    iterator& operator++() {
      p_ += struct_->size();
      return *this;
    }
    bool operator==(const iterator& o) const { return p_ == o.p_; }

   private:
    const Struct* struct_ = nullptr;
    const char* p_ = nullptr;
    std::vector<Value> record_;
  };
  [[nodiscard]] iterator begin() const { return {&struct_, buffer_.data()}; }
  [[nodiscard]] iterator end() const { return {&struct_, buffer_.data() + buffer_.size()}; }
  [[nodiscard]] std::size_t size() const {
    return struct_.size() == 0 ? 0 : buffer_.size() / struct_.size();
  }

 private:
  Struct struct_;
  std::string_view buffer_;
};

// calcsize(format): Struct::compile(format)->size().
[[nodiscard]] Result<std::size_t> calcsize(std::string_view format);

// parse_literal(text, code): a value for format character `code`, read as Python would read
// the literal: integers (1_000, -5, 0x1f, 0o17, 0b101, True, False), floats (3.14, 1e-3, inf,
// nan), bytes (b'..' with escapes, or hex digits). Error binary.bad_value otherwise.
[[nodiscard]] Result<Value> parse_literal(std::string_view text, char code);

// repr(values): Python's repr of the tuple: "(1000, 42, 3.140000104904175)", "(1,)", "()".
[[nodiscard]] std::string repr(std::span<const Value> values);
// repr(value): 42, 3.14, 1e-05, inf, True, b'ab\x00'.
[[nodiscard]] std::string repr(const Value& value);
void append_repr(std::string& out, const Value& value);
// float_repr(x): Python's repr(float): shortest round-trip digits, "1.0", "1e+16", "nan".
[[nodiscard]] std::string float_repr(double x);
void append_float_repr(std::string& out, double x);

// --- Bytes helpers --------------------------------------------------------------------------

// to_hex("\x01\xab", ":") == "01:ab" (bytes.hex(sep)): kit::core's, named here too.
using core::to_hex;
// from_hex("01 ab") == "\x01\xab" (bytes.fromhex: whitespace between bytes allowed).
[[nodiscard]] Result<std::string> from_hex(std::string_view hex);
// to_bytes(integer, length, order, is_signed): int.to_bytes; Error when it does not fit.
[[nodiscard]] Result<std::string> to_bytes(const Value& integer, std::size_t length,
                                           ByteOrder order, bool is_signed);
// from_bytes(bytes, order, is_signed): int.from_bytes for up to 8 bytes (int64 or uint64).
[[nodiscard]] Result<Value> from_bytes(std::string_view bytes, ByteOrder order, bool is_signed);
// hexdump(bytes, offset): xxd's layout, 16 bytes a line: "00000000: 4865 6c6c 6f  Hello".
[[nodiscard]] std::string hexdump(std::string_view bytes, std::size_t start_offset = 0);

}  // namespace kit::binary
