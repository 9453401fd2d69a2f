// The fast reader: a recursive descent over the bytes, strict where nlohmann is strict.
#include "fast_json.hpp"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>

#include <fast_float/fast_float.h>

namespace kit::config::detail {

namespace {

// Byte classes by table: one load per byte in the two hottest loops.
constexpr std::array<bool, 256> byte_table(bool (*test)(unsigned)) {
  std::array<bool, 256> table{};
  for (unsigned c = 0; c < 256; ++c) table[c] = test(c);
  return table;
}
constexpr auto space_bytes =
    byte_table([](unsigned c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; });
// Printable ASCII but the quote and the backslash: copied as is inside a string.
constexpr auto plain_bytes =
    byte_table([](unsigned c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; });

inline bool is_space(char c) {
  return space_bytes[static_cast<unsigned char>(c)];
}

inline unsigned char byte(const char* p) {
  return static_cast<unsigned char>(*p);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The length of the valid UTF-8 sequence at p (lead byte >= 0x80), or 0 (RFC 3629's table, as
// nlohmann's lexer checks it).
std::size_t utf8_length(const char* p, const char* end) {
  const unsigned char c = byte(p);
  auto in = [&](std::size_t i, unsigned char lo, unsigned char hi) {
    return p + i < end && byte(p + i) >= lo && byte(p + i) <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) return in(1, 0x80, 0xBF) ? 2 : 0;
  if (c == 0xE0) return in(1, 0xA0, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
    return in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
  if (c == 0xED) return in(1, 0x80, 0x9F) && in(2, 0x80, 0xBF) ? 3 : 0;
  if (c == 0xF0) return in(1, 0x90, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3)
    return in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
  if (c == 0xF4) return in(1, 0x80, 0x8F) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
  return 0;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

void FastDoc::skip_space() {
  while (p_ < end_ && is_space(*p_)) ++p_;
}

bool FastDoc::parse(std::string_view text) {
  p_ = text.data();
  end_ = text.data() + text.size();
  values_.clear();
  members_.clear();
  elements_.clear();
  decoded_.clear();
  if (text.size() >= 0xFFFFFFFFu) return false;  // counts are 32-bit: nlohmann reads these
  // About what a config file holds (a value per ~20 bytes): a small document stays out of huge
  // pages (each touched one is zeroed whole); a bigger one grows by mremap, without copying.
  values_.reserve(text.size() / 24 + 8);
  members_.reserve(text.size() / 32 + 8);
  elements_.reserve(text.size() / 64 + 8);
  skip_space();
  if (!parse_value(root_, 1)) return false;
  skip_space();
  return p_ == end_;
}

// Reads the string whose opening quote p_ is on.
bool FastDoc::parse_string(std::string_view& out, bool& escaped) {
  ++p_;
  const char* start = p_;
  while (true) {
    // The common case: printable ASCII up to the closing quote.
    while (p_ < end_ && plain_bytes[byte(p_)]) ++p_;
    if (p_ == end_) return false;
    if (*p_ == '"') {
      out = std::string_view(start, static_cast<std::size_t>(p_ - start));
      escaped = false;
      ++p_;
      return true;
    }
    if (*p_ == '\\') break;
    if (byte(p_) < 0x20) return false;
    const std::size_t n = utf8_length(p_, end_);
    if (n == 0) return false;
    p_ += n;
  }
  // Escapes: decode into an owned string.
  std::string& s = decoded_.emplace_back(start, static_cast<std::size_t>(p_ - start));
  while (true) {
    if (p_ == end_) return false;
    const char c = *p_;
    if (c == '"') {
      ++p_;
      break;
    }
    if (c == '\\') {
      if (++p_ == end_) return false;
      switch (*p_++) {
        case '"':
          s += '"';
          break;
        case '\\':
          s += '\\';
          break;
        case '/':
          s += '/';
          break;
        case 'b':
          s += '\b';
          break;
        case 'f':
          s += '\f';
          break;
        case 'n':
          s += '\n';
          break;
        case 'r':
          s += '\r';
          break;
        case 't':
          s += '\t';
          break;
        case 'u': {
          auto read4 = [&](std::uint32_t& cp) {
            if (end_ - p_ < 4) return false;
            cp = 0;
            for (int i = 0; i < 4; ++i) {
              const int h = hex_value(p_[i]);
              if (h < 0) return false;
              cp = cp * 16 + static_cast<std::uint32_t>(h);
            }
            p_ += 4;
            return true;
          };
          std::uint32_t cp = 0;
          if (!read4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
            p_ += 2;
            std::uint32_t low = 0;
            if (!read4(low) || low < 0xDC00 || low > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;
          }
          append_utf8(s, cp);
          break;
        }
        default:
          return false;
      }
      continue;
    }
    if (byte(p_) < 0x20) return false;
    if (byte(p_) < 0x80) {
      s += c;
      ++p_;
      continue;
    }
    const std::size_t n = utf8_length(p_, end_);
    if (n == 0) return false;
    s.append(p_, n);
    p_ += n;
  }
  out = s;
  escaped = true;
  return true;
}

bool FastDoc::parse_number(Value& v) {
  const char* start = p_;
  bool negative = false;
  if (*p_ == '-') {
    negative = true;
    ++p_;
  }
  if (p_ == end_) return false;
  if (*p_ == '0') {
    ++p_;
  } else if (*p_ >= '1' && *p_ <= '9') {
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
  } else {
    return false;
  }
  bool integral = true;
  if (p_ < end_ && *p_ == '.') {
    integral = false;
    ++p_;
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
  }
  if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
    integral = false;
    ++p_;
    if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
  }
  // As nlohmann: an integer that fits int64 (negative) or uint64 stays one, else a double.
  if (integral) {
    if (negative) {
      std::int64_t n = 0;
      auto [stop, ec] = std::from_chars(start, p_, n);
      if (ec == std::errc() && stop == p_) {
        v.kind = Kind::integer;
        v.integer = n;
        return true;
      }
    } else {
      std::uint64_t n = 0;
      auto [stop, ec] = std::from_chars(start, p_, n);
      if (ec == std::errc() && stop == p_) {
        v.kind = Kind::unsigned_integer;
        v.unsigned_integer = n;
        return true;
      }
    }
  }
  double x = 0;
  auto [stop, ec] = fast_float::from_chars(start, p_, x);
  if (stop != p_ || !std::isfinite(x)) return false;  // past double's range: nlohmann's error
  (void)ec;  // an underflow rounds to zero, as strtod's does
  v.kind = Kind::floating;
  v.floating = x;
  return true;
}

// Moves the members parsed since `start` into members_, a repeated name keeping its first
// position and its last value (nlohmann's ordered_map::operator[]).
bool FastDoc::close_object(Value& v, std::size_t start) {
  const std::size_t n = member_stack_.size() - start;
  v.first = static_cast<std::uint32_t>(members_.size());
  if (n <= 8) {
    for (std::size_t i = start; i < member_stack_.size(); ++i) {
      const Member& m = member_stack_[i];
      bool merged = false;
      for (std::size_t j = v.first; j < members_.size(); ++j)
        if (members_[j].name == m.name) {
          members_[j].value = m.value;
          merged = true;
          break;
        }
      if (!merged) members_.push_back(m);
    }
  } else {
    // An open-addressed table of the positions kept so far.
    const std::size_t size = std::bit_ceil(n * 2);
    seen_.assign(size, 0);
    const std::hash<std::string_view> hash;
    for (std::size_t i = start; i < member_stack_.size(); ++i) {
      const Member& m = member_stack_[i];
      std::size_t slot = hash(m.name) & (size - 1);
      while (seen_[slot] != 0 && members_[seen_[slot] - 1].name != m.name)
        slot = (slot + 1) & (size - 1);
      if (seen_[slot] != 0) {
        members_[seen_[slot] - 1].value = m.value;
      } else {
        seen_[slot] = static_cast<std::uint32_t>(members_.size() + 1);
        members_.push_back(m);
      }
    }
  }
  v.count = static_cast<std::uint32_t>(members_.size() - v.first);
  member_stack_.resize(start);
  return true;
}

bool FastDoc::parse_value(std::uint32_t& out, std::size_t depth) {
  if (p_ == end_) return false;
  Value v;
  switch (*p_) {
    case '{': {
      if (depth > max_depth) return false;
      ++p_;
      const std::size_t start = member_stack_.size();
      skip_space();
      if (p_ < end_ && *p_ == '}') {
        ++p_;
      } else {
        while (true) {
          if (p_ == end_ || *p_ != '"') return false;
          Member m;
          if (!parse_string(m.name, m.escaped)) return false;
          skip_space();
          if (p_ == end_ || *p_ != ':') return false;
          ++p_;
          skip_space();
          if (!parse_value(m.value, depth + 1)) return false;
          member_stack_.push_back(m);
          skip_space();
          if (p_ == end_) return false;
          if (*p_ == ',') {
            ++p_;
            skip_space();
            continue;
          }
          if (*p_ != '}') return false;
          ++p_;
          break;
        }
      }
      v.kind = Kind::object;
      close_object(v, start);
      break;
    }
    case '[': {
      if (depth > max_depth) return false;
      ++p_;
      const std::size_t start = element_stack_.size();
      skip_space();
      if (p_ < end_ && *p_ == ']') {
        ++p_;
      } else {
        while (true) {
          std::uint32_t element = 0;
          if (!parse_value(element, depth + 1)) return false;
          element_stack_.push_back(element);
          skip_space();
          if (p_ == end_) return false;
          if (*p_ == ',') {
            ++p_;
            skip_space();
            continue;
          }
          if (*p_ != ']') return false;
          ++p_;
          break;
        }
      }
      v.kind = Kind::array;
      v.first = static_cast<std::uint32_t>(elements_.size());
      v.count = static_cast<std::uint32_t>(element_stack_.size() - start);
      elements_.append(element_stack_.data() + start, element_stack_.size() - start);
      element_stack_.resize(start);
      break;
    }
    case '"': {
      v.kind = Kind::string;
      std::string_view text;
      if (!parse_string(text, v.flag)) return false;
      v.chars = text.data();
      v.count = static_cast<std::uint32_t>(text.size());
      break;
    }
    case 't':
      if (end_ - p_ < 4 || std::memcmp(p_, "true", 4) != 0) return false;
      p_ += 4;
      v.kind = Kind::boolean;
      v.flag = true;
      break;
    case 'f':
      if (end_ - p_ < 5 || std::memcmp(p_, "false", 5) != 0) return false;
      p_ += 5;
      v.kind = Kind::boolean;
      v.flag = false;
      break;
    case 'n':
      if (end_ - p_ < 4 || std::memcmp(p_, "null", 4) != 0) return false;
      p_ += 4;
      v.kind = Kind::null;
      break;
    default:
      if (!parse_number(v)) return false;
      break;
  }
  out = static_cast<std::uint32_t>(values_.size());
  values_.push_back(v);
  return true;
}

// parse_value without storing anything (strings with escapes are still decoded: rare).
bool FastDoc::skip_value(std::size_t depth) {
  if (p_ == end_) return false;
  switch (*p_) {
    case '{': {
      if (depth > max_depth) return false;
      ++p_;
      skip_space();
      if (p_ < end_ && *p_ == '}') {
        ++p_;
        return true;
      }
      while (true) {
        if (p_ == end_ || *p_ != '"') return false;
        std::string_view name;
        bool escaped = false;
        if (!parse_string(name, escaped)) return false;
        skip_space();
        if (p_ == end_ || *p_ != ':') return false;
        ++p_;
        skip_space();
        if (!skip_value(depth + 1)) return false;
        skip_space();
        if (p_ == end_) return false;
        if (*p_ == ',') {
          ++p_;
          skip_space();
          continue;
        }
        if (*p_ != '}') return false;
        ++p_;
        return true;
      }
    }
    case '[': {
      if (depth > max_depth) return false;
      ++p_;
      skip_space();
      if (p_ < end_ && *p_ == ']') {
        ++p_;
        return true;
      }
      while (true) {
        if (!skip_value(depth + 1)) return false;
        skip_space();
        if (p_ == end_) return false;
        if (*p_ == ',') {
          ++p_;
          skip_space();
          continue;
        }
        if (*p_ != ']') return false;
        ++p_;
        return true;
      }
    }
    case '"': {
      std::string_view text;
      bool escaped = false;
      return parse_string(text, escaped);
    }
    case 't':
      if (end_ - p_ < 4 || std::memcmp(p_, "true", 4) != 0) return false;
      p_ += 4;
      return true;
    case 'f':
      if (end_ - p_ < 5 || std::memcmp(p_, "false", 5) != 0) return false;
      p_ += 5;
      return true;
    case 'n':
      if (end_ - p_ < 4 || std::memcmp(p_, "null", 4) != 0) return false;
      p_ += 4;
      return true;
    default: {
      Value v;
      return parse_number(v);
    }
  }
}

// The value at p_ cut down to key[at...]: the member named next on an object (its last
// occurrence, as nlohmann keeps), anything else whole.
bool FastDoc::walk(std::size_t depth, const std::vector<std::string>& key, std::size_t at,
                   Json& out) {
  if (p_ == end_) return false;
  if (at == key.size() || *p_ != '{') {
    const char* start = p_;
    if (!skip_value(depth)) return false;
    FastDoc whole;
    if (!whole.parse(std::string_view(start, static_cast<std::size_t>(p_ - start)))) return false;
    out = whole.to_json(whole.root());
    return true;
  }
  if (depth > max_depth) return false;
  ++p_;
  out = Json::object();
  std::optional<Json> found;
  skip_space();
  if (p_ < end_ && *p_ == '}') {
    ++p_;
    return true;
  }
  while (true) {
    if (p_ == end_ || *p_ != '"') return false;
    std::string_view name;
    bool escaped = false;
    if (!parse_string(name, escaped)) return false;
    skip_space();
    if (p_ == end_ || *p_ != ':') return false;
    ++p_;
    skip_space();
    if (name == key[at]) {
      Json member;
      if (!walk(depth + 1, key, at + 1, member)) return false;
      found = std::move(member);
    } else if (!skip_value(depth + 1)) {
      return false;
    }
    skip_space();
    if (p_ == end_) return false;
    if (*p_ == ',') {
      ++p_;
      skip_space();
      continue;
    }
    if (*p_ != '}') return false;
    ++p_;
    break;
  }
  if (found) out[key[at]] = std::move(*found);
  return true;
}

std::optional<Json> FastDoc::path_value(std::string_view text,
                                        const std::vector<std::string>& key) {
  p_ = text.data();
  end_ = text.data() + text.size();
  decoded_.clear();
  if (text.size() >= 0xFFFFFFFFu) return std::nullopt;
  skip_space();
  Json out;
  if (!walk(1, key, 0, out)) return std::nullopt;
  skip_space();
  if (p_ != end_) return std::nullopt;
  return out;
}

Json FastDoc::to_json(std::uint32_t i) const {
  const Value& v = values_[i];
  switch (v.kind) {
    case Kind::null:
      return Json(nullptr);
    case Kind::boolean:
      return Json(v.flag);
    case Kind::integer:
      return Json(v.integer);
    case Kind::unsigned_integer:
      return Json(v.unsigned_integer);
    case Kind::floating:
      return Json(v.floating);
    case Kind::string:
      return Json(std::string(v.text()));
    case Kind::array: {
      Json out = Json::array();
      auto& array = out.get_ref<Json::array_t&>();
      array.reserve(v.count);
      const std::uint32_t* e = elements(v);
      for (std::uint32_t k = 0; k < v.count; ++k) array.push_back(to_json(e[k]));
      return out;
    }
    case Kind::object: {
      Json out = Json::object();
      auto& object = out.get_ref<Json::object_t&>();
      object.reserve(v.count);
      const Member* m = members(v);
      // The names are distinct already: append without ordered_map's linear search.
      for (std::uint32_t k = 0; k < v.count; ++k)
        object.Container::emplace_back(std::string(m[k].name), to_json(m[k].value));
      return out;
    }
  }
  return Json();
}

void write_string(core::Buffer& out, std::string_view text, bool escaped) {
  if (!escaped) {
    char* at = out.extend(text.size() + 2);
    at[0] = '"';
    std::memcpy(at + 1, text.data(), text.size());
    at[text.size() + 1] = '"';
    return;
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string s = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        s += "\\\"";
        break;
      case '\\':
        s += "\\\\";
        break;
      case '\b':
        s += "\\b";
        break;
      case '\f':
        s += "\\f";
        break;
      case '\n':
        s += "\\n";
        break;
      case '\r':
        s += "\\r";
        break;
      case '\t':
        s += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          s += "\\u00";
          s += hex[static_cast<unsigned char>(c) >> 4];
          s += hex[static_cast<unsigned char>(c) & 0xF];
        } else {
          s += c;
        }
    }
  }
  s += '"';
  out.append(s);
}

void write_number(core::Buffer& out, const FastDoc::Value& value) {
  char buffer[64];
  char* end = buffer;
  switch (value.kind) {
    case FastDoc::Kind::integer:
      end = std::to_chars(buffer, buffer + sizeof buffer, value.integer).ptr;
      break;
    case FastDoc::Kind::unsigned_integer:
      end = std::to_chars(buffer, buffer + sizeof buffer, value.unsigned_integer).ptr;
      break;
    case FastDoc::Kind::floating:
      // nlohmann's own shortest round-trip formatting (serializer::dump_float).
      end = nlohmann::detail::to_chars(buffer, buffer + sizeof buffer, value.floating);
      break;
    default:
      break;
  }
  out.append(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
}

}  // namespace kit::config::detail
