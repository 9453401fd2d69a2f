// Bounds-checked reads of fixed-size integers from a byte buffer, for the file inspectors.
// Every read says whether the bytes were there, so no inspector can read outside its input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/core.h>

#include "kit/core/error.hpp"

namespace kit::binary::detail {

// load_le<T>(bytes, at) / load_be<T>: the caller has checked that sizeof(T) bytes are there.
template <class T>
T load_le(std::string_view bytes, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t i = sizeof(T); i-- > 0;)
    v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
  return static_cast<T>(v);
}
template <class T>
T load_be(std::string_view bytes, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i)
    v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
  return static_cast<T>(v);
}

// fits(bytes, at, n): whether n bytes start at `at` inside bytes (overflow-safe).
inline bool fits(std::string_view bytes, std::uint64_t at, std::uint64_t n) {
  return at <= bytes.size() && n <= bytes.size() - at;
}

// A cursor over the input: get<T>() reads at the cursor and advances, nullopt past the end.
class ByteReader {
 public:
  ByteReader(std::string_view bytes, bool little_endian, std::size_t at = 0)
      : bytes_(bytes), at_(at), little_(little_endian) {}

  template <class T>
  std::optional<T> get() {
    if (!fits(bytes_, at_, sizeof(T))) return std::nullopt;
    T v = little_ ? load_le<T>(bytes_, at_) : load_be<T>(bytes_, at_);
    at_ += sizeof(T);
    return v;
  }
  std::optional<std::string_view> take(std::uint64_t n) {
    if (!fits(bytes_, at_, n)) return std::nullopt;
    std::string_view s = bytes_.substr(at_, static_cast<std::size_t>(n));
    at_ += static_cast<std::size_t>(n);
    return s;
  }
  bool skip(std::uint64_t n) { return take(n).has_value(); }
  void seek(std::size_t at) { at_ = at; }
  [[nodiscard]] std::size_t offset() const { return at_; }
  [[nodiscard]] std::size_t remaining() const {
    return at_ <= bytes_.size() ? bytes_.size() - at_ : 0;
  }
  void set_little_endian(bool little) { little_ = little; }

 private:
  std::string_view bytes_;
  std::size_t at_;
  bool little_;
};

// problem(code, offset, message…): a malformed-input Error at a byte offset.
template <class... Args>
Error problem(std::string code, std::uint64_t offset, fmt::format_string<Args...> f,
              Args&&... args) {
  Error e = make_error(ErrorKind::malformed_input, std::move(code),
                       fmt::format(f, std::forward<Args>(args)...));
  e.offset = offset;
  return e;
}

}  // namespace kit::binary::detail
