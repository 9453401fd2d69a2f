// kit/config/fast_json.hpp — a fast, strict JSON reader for kit::config's large inputs (private).
//
// One pass over the bytes into flat arrays (no allocation per value; strings are views into the
// text unless they hold escapes). It accepts a subset of what nlohmann's parser accepts, giving
// the same values: anything it refuses (a syntax error, a number past double's range, bad UTF-8,
// nesting deeper than max_depth) goes back to parse_document, whose nlohmann path owns the
// error messages. Objects are read as nlohmann reads them: a repeated name keeps its first
// position and its last value.
//
// Example:
//   kit::config::detail::FastDoc doc;
//   if (doc.parse(text)) Json j = doc.to_json(doc.root());
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "kit/config/json.hpp"
#include "kit/core/buffer.hpp"

namespace kit::config::detail {

// HugeArray<T>: a vector of trivially copyable T in a core::Buffer (transparent huge pages from
// 1 MiB: a 10 MB document's values fault in 2 MiB at a time, not 4 KiB).
template <class T>
class HugeArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  void clear() { bytes_.clear(); }
  void reserve(std::size_t n) { bytes_.reserve(n * sizeof(T)); }
  [[nodiscard]] std::size_t size() const { return bytes_.size() / sizeof(T); }
  [[nodiscard]] T* data() { return reinterpret_cast<T*>(bytes_.data()); }
  [[nodiscard]] const T* data() const { return reinterpret_cast<const T*>(bytes_.data()); }
  T& operator[](std::size_t i) { return data()[i]; }
  const T& operator[](std::size_t i) const { return data()[i]; }
  void push_back(const T& v) { std::memcpy(bytes_.extend(sizeof(T)), &v, sizeof(T)); }
  void append(const T* first, std::size_t n) {
    if (n > 0) std::memcpy(bytes_.extend(n * sizeof(T)), first, n * sizeof(T));
  }

 private:
  core::Buffer bytes_;
};

class FastDoc {
 public:
  enum class Kind : std::uint8_t {
    null,
    boolean,
    integer,
    unsigned_integer,
    floating,
    string,
    array,
    object
  };

  // 16 bytes: a document of millions of values touches as few pages as it can.
  struct Value {
    Kind kind = Kind::null;
    bool flag = false;        // boolean: its value; string: it had escapes (text is decoded)
    std::uint32_t count = 0;  // array: elements; object: members; string: bytes
    union {
      std::int64_t integer;
      std::uint64_t unsigned_integer;
      double floating = 0;
      std::uint32_t first;  // array: into elements(); object: into members()
      const char* chars;    // string: the decoded contents
    };
    [[nodiscard]] std::string_view text() const { return {chars, count}; }
  };

  struct Member {
    std::string_view name;  // decoded
    std::uint32_t value = 0;
    bool escaped = false;  // the name had escapes
  };

  // parse(text): whether `text` is one JSON document this reader accepts (see above). `text`
  // must outlive the document (strings point into it).
  [[nodiscard]] bool parse(std::string_view text);

  [[nodiscard]] std::uint32_t root() const { return root_; }
  [[nodiscard]] const Value& value(std::uint32_t i) const { return values_[i]; }
  [[nodiscard]] const Member* members(const Value& v) const { return members_.data() + v.first; }
  [[nodiscard]] const std::uint32_t* elements(const Value& v) const {
    return elements_.data() + v.first;
  }
  // to_json(i): the value as nlohmann would have parsed it.
  [[nodiscard]] Json to_json(std::uint32_t i) const;

  // path_value(text, key): the document `text` cut down to the path to `key` (see layers.cpp's
  // lookup), when parse(text) would accept it; the rest of the document is only checked, not
  // stored.
  [[nodiscard]] std::optional<Json> path_value(std::string_view text,
                                               const std::vector<std::string>& key);

 private:
  bool parse_value(std::uint32_t& out, std::size_t depth);
  bool skip_value(std::size_t depth);
  bool walk(std::size_t depth, const std::vector<std::string>& key, std::size_t at, Json& out);
  bool parse_string(std::string_view& out, bool& escaped);
  bool parse_number(Value& v);
  bool close_object(Value& v, std::size_t start);
  void skip_space();

  const char* p_ = nullptr;
  const char* end_ = nullptr;
  std::uint32_t root_ = 0;
  HugeArray<Value> values_;
  HugeArray<Member> members_;
  HugeArray<std::uint32_t> elements_;
  // scratch: the open containers' children, popped as each closes
  std::vector<Member> member_stack_;
  std::vector<std::uint32_t> element_stack_;
  std::vector<std::uint32_t> seen_;  // close_object's hash table of member positions + 1
  std::deque<std::string> decoded_;  // strings that held escapes
};

// plain_text(text): whether `text` reads the same through fs::universal_newlines (no CR, no
// byte order mark), so that it needs no cleaned copy.
inline bool plain_text(std::string_view text) {
  return !text.starts_with("\xEF\xBB\xBF") && text.find('\r') == std::string_view::npos;
}

// write_string(out, text, escaped): `text` as nlohmann's dump writes a string (ensure_ascii off);
// `escaped` false promises it needs no escaping (no quote, backslash or control character).
void write_string(core::Buffer& out, std::string_view text, bool escaped);

// write_number(out, value): a number as nlohmann's dump writes it.
void write_number(core::Buffer& out, const FastDoc::Value& value);

}  // namespace kit::config::detail
