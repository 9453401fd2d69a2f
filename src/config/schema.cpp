// JSON Schema draft 2020-12, the keywords a configuration needs: compile to a graph, then check.
//
// compile() turns the schema document into Nodes (one per subschema, found by its JSON pointer)
// whose Checks point at other Nodes; every $ref is resolved then, so validate() never looks a
// pointer up. Three things keep validate() bounded whatever the schema and instance:
// - a $ref cycle that applies to the same value without descending into it ({"$ref": "#"},
//   a -> b -> a through allOf/anyOf/not/...) is refused at compile time;
// - every (node, value) pair is evaluated at most once per validate() (memo), so anyOf and $ref
//   fan-out cannot grow exponentially;
// - recursion deeper than Schema::max_depth() is an error, never a stack overflow.
#include "kit/config/schema.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <unordered_map>
#include <utility>

#include <fmt/core.h>

namespace kit::config {

namespace {

// ---------------------------------------------------------------------------------------------
// Text: UTF-8, JSON pointers, short previews of values.

// Code points of UTF-8 text; a byte that is not valid UTF-8 counts as one U+FFFD.
std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    char32_t cp = 0;
    if (b < 0x80) {
      len = 1;
      cp = b;
    } else if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
      cp = b & 0x1Fu;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      cp = b & 0x0Fu;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      cp = b & 0x07u;
    }
    bool ok = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0u) != 0x80u) ok = false;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    if (ok && ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
               (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))))
      ok = false;
    if (!ok) {
      out.push_back(U'\uFFFD');
      ++i;
    } else {
      out.push_back(cp);
      i += len;
    }
  }
  return out;
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0u) != 0x80u) ++n;
  return n;
}

// One reference token, escaped as RFC 6901 says (~ -> ~0, / -> ~1).
std::string escape_token(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

// A short, one-line rendering of a value for messages: scalars in full (long strings cut),
// small arrays and objects inline, others described.
bool preview_into(const Json& v, std::string& out, std::size_t budget, int depth) {
  if (out.size() > budget) return false;
  switch (v.type()) {
    case Json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      if (code_points(s) <= 40) {
        out += Json(s).dump(-1, ' ', false, Json::error_handler_t::replace);
      } else {
        std::size_t cut = 0, n = 0;
        while (cut < s.size() && n < 40) {
          ++cut;
          while (cut < s.size() && (static_cast<unsigned char>(s[cut]) & 0xC0u) == 0x80u) ++cut;
          ++n;
        }
        std::string head =
            Json(s.substr(0, cut)).dump(-1, ' ', false, Json::error_handler_t::replace);
        head.pop_back();
        out += head + "...\"";
      }
      return out.size() <= budget;
    }
    case Json::value_t::array: {
      if (depth > 3) return false;
      out += '[';
      bool first = true;
      for (const auto& item : v) {
        if (!first) out += ", ";
        first = false;
        if (!preview_into(item, out, budget, depth + 1)) return false;
      }
      out += ']';
      return out.size() <= budget;
    }
    case Json::value_t::object: {
      if (depth > 3) return false;
      out += '{';
      bool first = true;
      for (const auto& [key, item] : v.items()) {
        if (!first) out += ", ";
        first = false;
        out += Json(key).dump(-1, ' ', false, Json::error_handler_t::replace) + ": ";
        if (!preview_into(item, out, budget, depth + 1)) return false;
      }
      out += '}';
      return out.size() <= budget;
    }
    case Json::value_t::discarded:
      out += "<discarded>";
      return true;
    default:
      out += v.dump();
      return out.size() <= budget;
  }
}

std::string preview(const Json& v) {
  std::string out;
  if (preview_into(v, out, 60, 0)) return out;
  if (v.is_array()) return fmt::format("an array of {} items", v.size());
  if (v.is_object()) return fmt::format("an object of {} members", v.size());
  return out;  // a scalar is always shown (strings are cut above)
}

std::string json_quoted(std::string_view name) {
  return Json(std::string(name)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

// ---------------------------------------------------------------------------------------------
// Numbers and equality: exact across int64, uint64 and double (1 == 1.0; 2^53 + 1 != 2^53).

// -1, 0, 1 as i <=> d.
int compare_int_double(std::int64_t i, double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9223372036854775808.0) return -1;
  if (d < -9223372036854775808.0) return 1;
  const double t = std::floor(d);
  const auto ti = static_cast<std::int64_t>(t);
  if (i < ti) return -1;
  if (i > ti) return 1;
  return d > t ? -1 : 0;
}

int compare_uint_double(std::uint64_t u, double d) {
  if (std::isnan(d)) return 0;
  if (d < 0) return 1;
  if (d >= 18446744073709551616.0) return -1;
  const double t = std::floor(d);
  const auto tu = static_cast<std::uint64_t>(t);
  if (u < tu) return -1;
  if (u > tu) return 1;
  return d > t ? -1 : 0;
}

// a <=> b for two JSON numbers.
int compare_numbers(const Json& a, const Json& b) {
  if (a.is_number_float() && b.is_number_float()) {
    const double x = a.get<double>(), y = b.get<double>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_number_float()) return -compare_numbers(b, a);
  // a is an integer
  if (b.is_number_float()) {
    return a.is_number_unsigned() ? compare_uint_double(a.get<std::uint64_t>(), b.get<double>())
                                  : compare_int_double(a.get<std::int64_t>(), b.get<double>());
  }
  if (a.is_number_unsigned() && b.is_number_unsigned()) {
    const auto x = a.get<std::uint64_t>(), y = b.get<std::uint64_t>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (!a.is_number_unsigned() && !b.is_number_unsigned()) {
    const auto x = a.get<std::int64_t>(), y = b.get<std::int64_t>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_number_unsigned()) return -compare_numbers(b, a);
  // a signed, b unsigned
  const auto x = a.get<std::int64_t>();
  if (x < 0) return -1;
  const auto ux = static_cast<std::uint64_t>(x), y = b.get<std::uint64_t>();
  return ux < y ? -1 : (ux > y ? 1 : 0);
}

bool is_integer(const Json& v) {
  if (v.is_number_integer()) return true;
  if (!v.is_number_float()) return false;
  const double d = v.get<double>();
  return std::isfinite(d) && std::floor(d) == d;
}

// JSON equality (the spec's): numbers by value, objects regardless of member order. Iterative,
// so that deep values cannot exhaust the stack.
bool json_equal(const Json& a, const Json& b) {
  std::vector<std::pair<const Json*, const Json*>> todo{{&a, &b}};
  while (!todo.empty()) {
    auto [x, y] = todo.back();
    todo.pop_back();
    if (x->is_number() && y->is_number()) {
      if (compare_numbers(*x, *y) != 0) return false;
      continue;
    }
    if (x->type() != y->type()) return false;
    if (x->is_array()) {
      if (x->size() != y->size()) return false;
      for (std::size_t i = 0; i < x->size(); ++i) todo.emplace_back(&(*x)[i], &(*y)[i]);
    } else if (x->is_object()) {
      if (x->size() != y->size()) return false;
      for (const auto& [key, value] : x->items()) {
        auto it = y->find(key);
        if (it == y->end()) return false;
        todo.emplace_back(&value, &*it);
      }
    } else if (*x != *y) {
      return false;
    }
  }
  return true;
}

// A hash consistent with json_equal, looking one level down only (cheap, never deep).
std::size_t shallow_hash(const Json& v) {
  auto scalar = [](const Json& s) -> std::size_t {
    if (s.is_number()) return std::hash<double>{}(s.get<double>() + 0.0);
    if (s.is_string()) return std::hash<std::string>{}(s.get_ref<const std::string&>());
    if (s.is_boolean()) return s.get<bool>() ? 3 : 5;
    return static_cast<std::size_t>(s.type()) * 7919u + s.size();
  };
  if (v.is_array()) {
    std::size_t h = 17 + v.size();
    for (const auto& item : v) h = h * 31 + scalar(item);
    return h;
  }
  if (v.is_object()) {
    std::size_t h = 19 + v.size();
    for (const auto& [key, item] : v.items())
      h += std::hash<std::string>{}(key) ^ (scalar(item) * 1000003u);
    return h;
  }
  return scalar(v);
}

// 128 bits: a decimal's 17 significant digits times 10 still fit.
__extension__ typedef unsigned __int128 Wide;

// An exact decimal: value = digits * 10^exp (sign dropped; multipleOf needs none).
struct Decimal {
  Wide digits = 0;
  int exp = 0;
};

Decimal to_decimal(const Json& v) {
  Decimal d;
  if (v.is_number_unsigned()) {
    d.digits = v.get<std::uint64_t>();
  } else if (v.is_number_integer()) {
    const auto i = v.get<std::int64_t>();
    d.digits = i < 0 ? static_cast<std::uint64_t>(0) - static_cast<std::uint64_t>(i)
                     : static_cast<std::uint64_t>(i);
  } else {
    // The shortest decimal that reads back as this double: what the schema's author wrote.
    char buf[64];
    const double x = std::fabs(v.get<double>());
    auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
    const std::string_view text(buf, static_cast<std::size_t>(res.ptr - buf));
    int frac = 0;
    bool after_point = false;
    std::size_t i = 0;
    for (; i < text.size() && text[i] != 'e'; ++i) {
      if (text[i] == '.') {
        after_point = true;
        continue;
      }
      d.digits = d.digits * 10 + static_cast<unsigned>(text[i] - '0');
      if (after_point) ++frac;
    }
    int e = 0;
    if (i < text.size())
      std::from_chars(text.data() + i + (text[i + 1] == '+' ? 2 : 1), text.data() + text.size(), e);
    d.exp = e - frac;
  }
  return d;
}

// Whether x / m is an integer, computed on the decimals as written (0.0075 is a multiple of
// 0.0001, though not in binary floating point).
bool is_multiple_of(const Json& x, const Json& m) {
  const Decimal a = to_decimal(x), b = to_decimal(m);
  if (a.digits == 0) return true;
  if (b.digits == 0) return false;  // compile() refuses multipleOf <= 0
  if (a.exp >= b.exp) {
    // a.digits * 10^(a.exp - b.exp) mod b.digits, by repeated multiplication.
    Wide r = a.digits % b.digits;
    for (int k = a.exp - b.exp; k > 0 && r != 0; --k) r = (r * 10) % b.digits;
    return r == 0;
  }
  // a.digits must be divisible by b.digits * 10^(b.exp - a.exp).
  Wide divisor = b.digits;
  for (int k = b.exp - a.exp; k > 0; --k) {
    if (divisor > a.digits) return false;
    divisor *= 10;
  }
  return a.digits % divisor == 0;
}

// ---------------------------------------------------------------------------------------------
// The compiled form.

enum class Op : unsigned char {
  type,
  enum_,
  const_,
  properties,
  required,
  additional_properties,
  pattern_properties,
  property_names,
  min_properties,
  max_properties,
  dependent_required,
  dependent_schemas,
  items,
  prefix_items,
  contains,
  min_items,
  max_items,
  unique_items,
  minimum,
  maximum,
  exclusive_minimum,
  exclusive_maximum,
  multiple_of,
  min_length,
  max_length,
  pattern,
  all_of,
  any_of,
  one_of,
  not_,
  if_,
  ref,
};

constexpr unsigned kNull = 1, kBoolean = 2, kObject = 4, kArray = 8, kNumber = 16, kString = 32,
                   kInteger = 64;

struct Pattern {
  std::string source;
  std::shared_ptr<const std::wregex> regex;
};

struct Check {
  Op op;
  std::string keyword;
  const Json* arg = nullptr;                       // the keyword's value in the schema
  int sub = -1;                                    // not, items, $ref, contains, if, ...
  std::vector<int> subs;                           // allOf, prefixItems; then/else for if
  std::vector<std::pair<std::string, int>> named;  // properties, dependentSchemas
  std::vector<std::pair<Pattern, int>> patterns;   // patternProperties
  std::vector<std::pair<std::string, std::vector<std::string>>> deps;  // dependentRequired
  Pattern pattern;                                                     // pattern
  unsigned types = 0;                                                  // type
  std::uint64_t count = 0;           // min/max*, prefix length for items
  std::optional<std::uint64_t> max;  // maxContains
};

struct Node {
  std::string location;  // "#/properties/port"
  int boolean = -1;      // -1: an object schema; 0: false; 1: true
  std::vector<Check> checks;
};

}  // namespace

struct Schema::Compiled {
  Json document;
  std::vector<Node> nodes;  // nodes[0] is the root
};

namespace {

bool is_annotation(std::string_view k) {
  return k == "$schema" || k == "title" || k == "description" || k == "default" ||
         k == "examples" || k == "$comment" || k == "deprecated" || k == "readOnly" ||
         k == "writeOnly" || k == "$id";
}

std::string type_name(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "boolean";
    case Json::value_t::object:
      return "object";
    case Json::value_t::array:
      return "array";
    case Json::value_t::string:
      return "string";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "integer";
    case Json::value_t::number_float:
      return "number";
    default:
      return "value";
  }
}

// Whether a value is a non-negative integer; its value, saturated at uint64's largest.
std::optional<std::uint64_t> as_count(const Json& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer()) {
    const auto i = v.get<std::int64_t>();
    if (i < 0) return std::nullopt;
    return static_cast<std::uint64_t>(i);
  }
  if (is_integer(v)) {
    const double d = v.get<double>();
    if (d < 0) return std::nullopt;
    if (d >= 18446744073709551615.0) return std::numeric_limits<std::uint64_t>::max();
    return static_cast<std::uint64_t>(d);
  }
  return std::nullopt;
}

// Repetition counts ({n}, {n,}, {n,m}) above this are refused: libstdc++ builds one state per
// repetition, and nested counts multiply.
constexpr std::uint64_t kMaxRepeat = 1000;
constexpr std::uint64_t kMaxPatternSize = 256;

// The pattern with each capturing group "(" written "(?:" (captures are never read: kit
// refuses backreferences).
std::string without_captures(std::string_view text) {
  std::string out;
  bool in_class = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    out += c;
    if (c == '\\') {
      if (i + 1 < text.size()) out += text[++i];
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
      if (i + 1 < text.size() && text[i + 1] == '^') out += text[++i];
      if (i + 1 < text.size() && text[i + 1] == ']') out += text[++i];
    } else if (c == '(' && (i + 1 >= text.size() || text[i + 1] != '?')) {
      out += "?:";
    }
  }
  return out;
}

// Whether a compiled pattern matches somewhere in `text`.
bool search(const Pattern& pattern, std::string_view text) {
  const std::u32string cps = decode_utf8(text);
  const std::wstring wide(cps.begin(), cps.end());
  return std::regex_search(wide, *pattern.regex, std::regex_constants::match_continuous);
}

struct Compiler {
  std::string_view source;
  Schema::Compiled& out;
  std::map<std::string, int> by_location;
  struct PendingRef {
    int node;
    std::size_t check;
    std::string target;  // canonical pointer ("" is the root)
    std::string where;   // the $ref keyword's own location, for errors
  };
  std::vector<PendingRef> refs;
  std::string root_id;  // the root's $id without its fragment, if any

  tl::unexpected<Error> error(std::string_view where, std::string_view what) const {
    return fail(ErrorKind::invalid_argument, "config.schema",
                fmt::format("{}: #{}: {}", source, where, what));
  }

  Result<Pattern> compile_pattern(const std::string& text, const std::string& where) {
    // The pattern's size with its counted repetitions written out ((ab){3} is 6): what the
    // matcher's automaton grows to, and the cost per character of text.
    std::vector<std::uint64_t> groups{0};  // the size so far of each open group
    std::uint64_t last = 0;                // the size of the atom a quantifier would repeat
    constexpr std::uint64_t kCap = std::uint64_t{1} << 40;
    auto add_atom = [&](std::uint64_t size) {
      groups.back() = std::min(kCap, groups.back() + size);
      last = size;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '\\') {
        ++i;
        add_atom(1);
      } else if (c == '[') {
        // A class is one atom: skip to its closing bracket (a leading ] or ^] is literal).
        std::size_t j = i + 1;
        if (j < text.size() && text[j] == '^') ++j;
        if (j < text.size() && text[j] == ']') ++j;
        while (j < text.size() && text[j] != ']')
          j += text[j] == '\\' ? std::size_t{2} : std::size_t{1};
        i = j;
        add_atom(1);
      } else if (c == '(') {
        groups.push_back(0);
      } else if (c == ')') {
        if (groups.size() > 1) {
          const std::uint64_t inner = groups.back();
          groups.pop_back();
          add_atom(std::max<std::uint64_t>(inner, 1));
        }
      } else if (c == '{' && i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9') {
        std::uint64_t low = 0, high = 0;
        bool comma = false;
        std::size_t j = i + 1;
        for (; j < text.size() && ((text[j] >= '0' && text[j] <= '9') || text[j] == ','); ++j) {
          if (text[j] == ',') {
            comma = true;
            continue;
          }
          std::uint64_t& n = comma ? high : low;
          n = std::min<std::uint64_t>(n * 10 + static_cast<unsigned>(text[j] - '0'), kCap);
        }
        if (j < text.size() && text[j] == '}') {
          if (low > kMaxRepeat || high > kMaxRepeat)
            return error(where, fmt::format("pattern {}: repetition counts above {} are not "
                                            "supported",
                                            json_quoted(text), kMaxRepeat));
          const std::uint64_t times = std::max<std::uint64_t>(comma ? std::max(low, high) : low, 1);
          groups.back() = std::min(kCap, groups.back() + last * (times - 1));
          last = std::min(kCap, last * times);
          i = j;
        } else {
          add_atom(1);
        }
      } else if (c != '|' && c != '*' && c != '+' && c != '?') {
        add_atom(1);
      }
      std::uint64_t total = 0;
      for (auto g : groups) total = std::min(kCap, total + g);
      if (total > kMaxPatternSize)
        return error(where, fmt::format("pattern {} is too large: {} elements once its "
                                        "repetitions are written out, at most {}",
                                        json_quoted(text), total, kMaxPatternSize));
    }
    const std::u32string cps = decode_utf8(text);
    const std::wstring wide(cps.begin(), cps.end());
    const std::u32string plain = decode_utf8(without_captures(text));
    const std::wstring wide_plain(plain.begin(), plain.end());
    try {
      // __polynomial: libstdc++'s breadth-first matcher, without the recursion per character
      // of the backtracking one (which overflows the stack on long strings) nor its
      // exponential cases; it refuses backreferences, which need backtracking.
      const auto flags = std::regex_constants::ECMAScript | std::regex_constants::__polynomial;
      const std::wregex check(wide, flags);  // the user's pattern alone: errors are about it
      // An unanchored search restarts the matcher at every position (quadratic); one anchored
      // pass with a leading [\s\S]* finds the same matches in linear time.
      // Groups made non-capturing: a matcher state then carries no submatch vector to copy.
      auto regex = std::make_shared<const std::wregex>(L"^[\\s\\S]*(?:" + wide_plain + L")", flags);
      return Pattern{text, std::move(regex)};
    } catch (const std::regex_error& e) {
      std::string why = e.what();
      if (why.find("back-reference") != std::string::npos) why = "backreferences are not supported";
      return error(where, fmt::format("pattern {} is not a valid regular expression ({})",
                                      json_quoted(text), why));
    } catch (const std::exception& e) {
      return error(where,
                   fmt::format("pattern {} cannot be compiled ({})", json_quoted(text), e.what()));
    }
  }

  Result<int> compile_schema(const Json& s, const std::string& loc, std::size_t depth) {
    if (auto it = by_location.find(loc); it != by_location.end()) return it->second;
    if (depth > Schema::max_depth())
      return error(loc, fmt::format("the schema nests deeper than {} levels", Schema::max_depth()));
    const int index = static_cast<int>(out.nodes.size());
    out.nodes.push_back(Node{"#" + loc, -1, {}});
    by_location.emplace(loc, index);
    if (s.is_boolean()) {
      out.nodes[static_cast<std::size_t>(index)].boolean = s.get<bool>() ? 1 : 0;
      return index;
    }
    if (!s.is_object())
      return error(loc,
                   fmt::format("a schema must be an object or a boolean, not {}", type_name(s)));

    std::vector<Check> checks;
    const Json* if_schema = nullptr;
    int then_node = -1, else_node = -1, if_node = -1;
    std::optional<std::uint64_t> min_contains, max_contains;
    std::size_t contains_at = 0;
    bool has_contains = false;

    auto sub = [&](const Json& v, std::string_view token) -> Result<int> {
      return compile_schema(v, loc + "/" + escape_token(token), depth + 1);
    };
    auto schema_list = [&](const Json& v, const std::string& where,
                           const std::string& key) -> Result<std::vector<int>> {
      if (!v.is_array() || v.empty())
        return error(where, fmt::format("{} must be a non-empty array of schemas", key));
      std::vector<int> list;
      for (std::size_t i = 0; i < v.size(); ++i) {
        auto n = compile_schema(v[i], where + "/" + std::to_string(i), depth + 1);
        if (!n) return tl::unexpected(n.error());
        list.push_back(*n);
      }
      return list;
    };
    auto string_set = [&](const Json& v, const std::string& where,
                          const std::string& key) -> Result<std::vector<std::string>> {
      if (!v.is_array()) return error(where, fmt::format("{} must be an array of strings", key));
      std::vector<std::string> list;
      std::set<std::string> seen;
      for (const auto& item : v) {
        if (!item.is_string())
          return error(where, fmt::format("{} must be an array of strings", key));
        const auto& name = item.get_ref<const std::string&>();
        if (!seen.insert(name).second)
          return error(where, fmt::format("{} lists {} twice", key, json_quoted(name)));
        list.push_back(name);
      }
      return list;
    };

    for (auto member = s.begin(); member != s.end(); ++member) {
      const std::string& key = member.key();
      const Json& value = member.value();
      const std::string where = loc + "/" + escape_token(key);
      Check c{};
      c.keyword = key;
      c.arg = &value;
      auto count_arg = [&]() -> Result<std::uint64_t> {
        auto n = as_count(value);
        if (!n) return error(where, fmt::format("{} must be a non-negative integer", key));
        return *n;
      };
      auto number_arg = [&]() -> Result<bool> {
        if (!value.is_number()) return error(where, fmt::format("{} must be a number", key));
        return true;
      };
#define KIT_TRY(var, expr) \
  auto var = (expr);       \
  if (!var) return tl::unexpected(var.error())

      if (is_annotation(key)) {
        if ((key == "$schema" || key == "$id" || key == "title" || key == "description" ||
             key == "$comment") &&
            !value.is_string())
          return error(where, fmt::format("{} must be a string", key));
        if ((key == "deprecated" || key == "readOnly" || key == "writeOnly") && !value.is_boolean())
          return error(where, fmt::format("{} must be a boolean", key));
        if (key == "examples" && !value.is_array())
          return error(where, "examples must be an array");
        if (key == "$id") {
          if (!loc.empty())
            return error(where,
                         "$id is supported only at the root (it would change how "
                         "$ref resolves below it)");
          const auto& id = value.get_ref<const std::string&>();
          root_id = id.substr(0, id.find('#'));
        }
        continue;
      }
      if (key == "type") {
        c.op = Op::type;
        std::vector<const Json*> names;
        if (value.is_string()) {
          names.push_back(&value);
        } else if (value.is_array() && !value.empty()) {
          for (const auto& n : value) names.push_back(&n);
        } else {
          return error(where, "type must be a type name or a non-empty array of them");
        }
        for (const Json* n : names) {
          const std::string t = n->is_string() ? n->get<std::string>() : "";
          unsigned bit = t == "null"      ? kNull
                         : t == "boolean" ? kBoolean
                         : t == "object"  ? kObject
                         : t == "array"   ? kArray
                         : t == "number"  ? kNumber
                         : t == "string"  ? kString
                         : t == "integer" ? kInteger
                                          : 0;
          if (bit == 0)
            return error(where, fmt::format("{} is not a type (null, boolean, object, array, "
                                            "number, string, integer)",
                                            preview(*n)));
          if ((c.types & bit) != 0) return error(where, fmt::format("type lists {} twice", t));
          c.types |= bit;
        }
      } else if (key == "enum") {
        if (!value.is_array()) return error(where, "enum must be an array");
        c.op = Op::enum_;
      } else if (key == "const") {
        c.op = Op::const_;
      } else if (key == "properties" || key == "dependentSchemas") {
        if (!value.is_object()) return error(where, fmt::format("{} must be an object", key));
        c.op = key == "properties" ? Op::properties : Op::dependent_schemas;
        for (const auto& [name, schema] : value.items()) {
          KIT_TRY(n, compile_schema(schema, where + "/" + escape_token(name), depth + 1));
          c.named.emplace_back(name, *n);
        }
      } else if (key == "patternProperties") {
        if (!value.is_object()) return error(where, "patternProperties must be an object");
        c.op = Op::pattern_properties;
        for (const auto& [name, schema] : value.items()) {
          const std::string at = where + "/" + escape_token(name);
          KIT_TRY(p, compile_pattern(name, at));
          KIT_TRY(n, compile_schema(schema, at, depth + 1));
          c.patterns.emplace_back(std::move(*p), *n);
        }
      } else if (key == "required") {
        c.op = Op::required;
        KIT_TRY(names, string_set(value, where, key));
        for (auto& n : *names) c.named.emplace_back(std::move(n), -1);
      } else if (key == "dependentRequired") {
        if (!value.is_object()) return error(where, "dependentRequired must be an object");
        c.op = Op::dependent_required;
        for (const auto& [name, list] : value.items()) {
          KIT_TRY(names, string_set(list, where + "/" + escape_token(name), key));
          c.deps.emplace_back(name, std::move(*names));
        }
      } else if (key == "additionalProperties" || key == "propertyNames" || key == "not" ||
                 key == "contains") {
        c.op = key == "additionalProperties" ? Op::additional_properties
               : key == "propertyNames"      ? Op::property_names
               : key == "not"                ? Op::not_
                                             : Op::contains;
        KIT_TRY(n, sub(value, key));
        c.sub = *n;
        if (c.op == Op::contains) {
          has_contains = true;
          contains_at = checks.size();
        }
      } else if (key == "items") {
        if (value.is_array())
          return error(where,
                       "items must be a schema; an array of schemas is draft 7's form, "
                       "written prefixItems in 2020-12");
        c.op = Op::items;
        KIT_TRY(n, sub(value, key));
        c.sub = *n;
      } else if (key == "prefixItems" || key == "allOf" || key == "anyOf" || key == "oneOf") {
        c.op = key == "prefixItems" ? Op::prefix_items
               : key == "allOf"     ? Op::all_of
               : key == "anyOf"     ? Op::any_of
                                    : Op::one_of;
        KIT_TRY(list, schema_list(value, where, key));
        c.subs = std::move(*list);
      } else if (key == "if") {
        KIT_TRY(n, sub(value, key));
        if_node = *n;
        if_schema = &value;
        continue;
      } else if (key == "then" || key == "else") {
        KIT_TRY(n, sub(value, key));
        (key == "then" ? then_node : else_node) = *n;
        continue;
      } else if (key == "minContains" || key == "maxContains") {
        KIT_TRY(n, count_arg());
        (key == "minContains" ? min_contains : max_contains) = *n;
        continue;
      } else if (key == "minItems" || key == "maxItems" || key == "minLength" ||
                 key == "maxLength" || key == "minProperties" || key == "maxProperties") {
        c.op = key == "minItems"        ? Op::min_items
               : key == "maxItems"      ? Op::max_items
               : key == "minLength"     ? Op::min_length
               : key == "maxLength"     ? Op::max_length
               : key == "minProperties" ? Op::min_properties
                                        : Op::max_properties;
        KIT_TRY(n, count_arg());
        c.count = *n;
      } else if (key == "uniqueItems") {
        if (!value.is_boolean()) return error(where, "uniqueItems must be a boolean");
        if (!value.get<bool>()) continue;
        c.op = Op::unique_items;
      } else if (key == "minimum" || key == "maximum" || key == "exclusiveMinimum" ||
                 key == "exclusiveMaximum") {
        if (value.is_boolean())
          return error(where,
                       fmt::format("{} must be a number (a boolean is draft 4's form)", key));
        KIT_TRY(ok, number_arg());
        c.op = key == "minimum"            ? Op::minimum
               : key == "maximum"          ? Op::maximum
               : key == "exclusiveMinimum" ? Op::exclusive_minimum
                                           : Op::exclusive_maximum;
      } else if (key == "multipleOf") {
        KIT_TRY(ok, number_arg());
        if (compare_numbers(value, Json(0)) <= 0)
          return error(where, "multipleOf must be greater than 0");
        if (value.is_number_float() && !std::isfinite(value.get<double>()))
          return error(where, "multipleOf must be finite");
        c.op = Op::multiple_of;
      } else if (key == "pattern") {
        if (!value.is_string()) return error(where, "pattern must be a string");
        c.op = Op::pattern;
        KIT_TRY(p, compile_pattern(value.get<std::string>(), where));
        c.pattern = std::move(*p);
      } else if (key == "$ref") {
        if (!value.is_string()) return error(where, "$ref must be a string");
        c.op = Op::ref;
        KIT_TRY(target, ref_target(value.get<std::string>(), where));
        refs.push_back({index, checks.size(), std::move(*target), where});
      } else if (key == "$defs") {
        if (!value.is_object()) return error(where, "$defs must be an object");
        for (const auto& [name, schema] : value.items()) {
          KIT_TRY(n, compile_schema(schema, where + "/" + escape_token(name), depth + 1));
        }
        continue;
      } else if (key == "definitions") {
        return error(where,
                     "keyword \"definitions\" is not supported (draft 7's name; 2020-12 "
                     "writes $defs)");
      } else if (key == "dependencies") {
        return error(where,
                     "keyword \"dependencies\" is not supported (draft 7's; 2020-12 "
                     "splits it into dependentRequired and dependentSchemas)");
      } else if (key == "additionalItems") {
        return error(where,
                     "keyword \"additionalItems\" is not supported (draft 7's; "
                     "2020-12 writes prefixItems and items)");
      } else {
        return error(where, fmt::format("keyword {} is not supported", json_quoted(key)));
      }
#undef KIT_TRY
      checks.push_back(std::move(c));
    }

    // Keywords that read their neighbours.
    if (if_schema != nullptr) {
      Check c{};
      c.op = Op::if_;
      c.keyword = "if";
      c.arg = if_schema;
      c.sub = if_node;
      c.subs = {then_node, else_node};
      checks.push_back(std::move(c));
    }
    if (has_contains) {
      checks[contains_at].count = min_contains.value_or(1);
      checks[contains_at].max = max_contains;
    }
    const Check* properties = nullptr;
    const Check* pattern_properties = nullptr;
    std::uint64_t prefix = 0;
    for (const auto& c : checks) {
      if (c.op == Op::properties) properties = &c;
      if (c.op == Op::pattern_properties) pattern_properties = &c;
      if (c.op == Op::prefix_items) prefix = c.subs.size();
    }
    for (auto& c : checks) {
      if (c.op == Op::additional_properties) {
        if (properties != nullptr) c.named = properties->named;
        if (pattern_properties != nullptr) c.patterns = pattern_properties->patterns;
      }
      if (c.op == Op::items) c.count = prefix;
    }
    out.nodes[static_cast<std::size_t>(index)].checks = std::move(checks);
    return index;
  }

  // The canonical pointer a $ref names: "#" and "#/..." only (percent-escapes decoded, RFC 6901
  // escapes checked), or the root's own $id followed by such a fragment.
  Result<std::string> ref_target(const std::string& ref, const std::string& where) const {
    std::string_view r = ref;
    const auto hash = r.find('#');
    if (!root_id.empty() && r == root_id) return std::string();  // the root by its $id
    if (hash == std::string_view::npos || hash != 0) {
      const std::string_view base = r.substr(0, hash);
      if (hash == std::string_view::npos || root_id.empty() || base != root_id)
        return error(where, fmt::format("$ref {}: only references within the schema (\"#\", "
                                        "\"#/$defs/name\") are supported",
                                        json_quoted(ref)));
    }
    std::string_view fragment = r.substr(hash + 1);
    std::string decoded;
    for (std::size_t i = 0; i < fragment.size(); ++i) {
      if (fragment[i] == '%') {
        auto hex = [](char h) -> int {
          if (h >= '0' && h <= '9') return h - '0';
          if (h >= 'a' && h <= 'f') return h - 'a' + 10;
          if (h >= 'A' && h <= 'F') return h - 'A' + 10;
          return -1;
        };
        if (i + 2 >= fragment.size() || hex(fragment[i + 1]) < 0 || hex(fragment[i + 2]) < 0)
          return error(where, fmt::format("$ref {}: bad %-escape", json_quoted(ref)));
        decoded += static_cast<char>(hex(fragment[i + 1]) * 16 + hex(fragment[i + 2]));
        i += 2;
      } else {
        decoded += fragment[i];
      }
    }
    if (!decoded.empty() && decoded[0] != '/')
      return error(where, fmt::format("$ref {}: anchors ($anchor) are not supported; use a "
                                      "JSON pointer such as \"#/$defs/name\"",
                                      json_quoted(ref)));
    // Re-escape each token so that "#/a~1b" and the location the compiler builds agree.
    std::string canonical;
    std::size_t start = 1;
    while (start <= decoded.size() && !decoded.empty()) {
      const std::size_t end = std::min(decoded.find('/', start), decoded.size());
      std::string token;
      for (std::size_t i = start; i < end; ++i) {
        if (decoded[i] == '~') {
          if (i + 1 < end && decoded[i + 1] == '0') {
            token += '~';
          } else if (i + 1 < end && decoded[i + 1] == '1') {
            token += '/';
          } else {
            return error(where, fmt::format("$ref {}: bad JSON pointer escape (~ must be "
                                            "followed by 0 or 1)",
                                            json_quoted(ref)));
          }
          ++i;
        } else {
          token += decoded[i];
        }
      }
      canonical += "/" + escape_token(token);
      start = end + 1;
    }
    return canonical;
  }

  // The value a canonical pointer names in the document, if any.
  const Json* lookup(const std::string& pointer) const {
    const Json* at = &out.document;
    std::size_t start = 1;
    while (start <= pointer.size() && !pointer.empty()) {
      const std::size_t end = std::min(pointer.find('/', start), pointer.size());
      std::string token;
      for (std::size_t i = start; i < end; ++i) {
        if (pointer[i] == '~') {
          token += pointer[i + 1] == '0' ? '~' : '/';
          ++i;
        } else {
          token += pointer[i];
        }
      }
      if (at->is_object()) {
        auto it = at->find(token);
        if (it == at->end()) return nullptr;
        at = &*it;
      } else if (at->is_array()) {
        if (token.empty() || token.size() > 9 ||
            !std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
            (token.size() > 1 && token[0] == '0'))
          return nullptr;
        const std::size_t i = std::stoul(token);
        if (i >= at->size()) return nullptr;
        at = &(*at)[i];
      } else {
        return nullptr;
      }
      start = end + 1;
    }
    return at;
  }

  Result<bool> resolve_refs() {
    // Resolving may compile a new subschema (a pointer into a place that is no keyword's
    // subschema, e.g. "#/properties"), which may bring more refs: a worklist.
    for (std::size_t i = 0; i < refs.size(); ++i) {
      const PendingRef ref = refs[i];
      int target = -1;
      if (auto it = by_location.find(ref.target); it != by_location.end()) {
        target = it->second;
      } else {
        const Json* value = lookup(ref.target);
        if (value == nullptr)
          return error(ref.where,
                       fmt::format("$ref \"#{}\" names nothing in the schema", ref.target));
        auto n = compile_schema(*value, ref.target, 0);
        if (!n) return tl::unexpected(n.error());
        target = *n;
      }
      out.nodes[static_cast<std::size_t>(ref.node)].checks[ref.check].sub = target;
    }
    return true;
  }

  // Refuse a loop of subschemas applied to the same value (allOf, anyOf, oneOf, not, if/then/
  // else, dependentSchemas, $ref): validation would never end.
  Result<bool> refuse_cycles() {
    const std::size_t n = out.nodes.size();
    auto in_place = [&](std::size_t node) {
      std::vector<int> next;
      for (const auto& c : out.nodes[node].checks) {
        switch (c.op) {
          case Op::all_of:
          case Op::any_of:
          case Op::one_of:
            next.insert(next.end(), c.subs.begin(), c.subs.end());
            break;
          case Op::not_:
          case Op::ref:
            next.push_back(c.sub);
            break;
          case Op::if_:
            next.push_back(c.sub);
            for (int s : c.subs)
              if (s >= 0) next.push_back(s);
            break;
          case Op::dependent_schemas:
            for (const auto& [name, s] : c.named) next.push_back(s);
            break;
          default:
            break;
        }
      }
      return next;
    };
    std::vector<unsigned char> colour(n, 0);  // 0 new, 1 on the path, 2 done
    for (std::size_t root = 0; root < n; ++root) {
      if (colour[root] != 0) continue;
      std::vector<std::pair<std::size_t, std::vector<int>>> stack;
      stack.emplace_back(root, in_place(root));
      colour[root] = 1;
      while (!stack.empty()) {
        auto& [node, next] = stack.back();
        if (next.empty()) {
          colour[node] = 2;
          stack.pop_back();
          continue;
        }
        const auto to = static_cast<std::size_t>(next.back());
        next.pop_back();
        if (colour[to] == 1) {
          std::string path;
          bool on = false;
          for (const auto& [at, rest] : stack) {
            if (at == to) on = true;
            if (on) path += out.nodes[at].location + " -> ";
          }
          path += out.nodes[to].location;
          return error(out.nodes[to].location.substr(1),
                       fmt::format("$ref cycle {} applies to the same value forever", path));
        }
        if (colour[to] == 0) {
          colour[to] = 1;
          stack.emplace_back(to, in_place(to));
        }
      }
    }
    return true;
  }
};

// ---------------------------------------------------------------------------------------------
// Validation.

struct Key {
  int node;
  const Json* value;
  bool operator==(const Key& o) const { return node == o.node && value == o.value; }
};
struct KeyHash {
  std::size_t operator()(const Key& k) const {
    return std::hash<const void*>{}(k.value) * 31 + static_cast<std::size_t>(k.node);
  }
};

struct Run {
  const Schema::Compiled& schema;
  std::vector<SchemaError>* errors = nullptr;  // null: only the verdict is wanted
  std::vector<const Json*> error_values;       // the value each error is about
  std::string path;                            // the current instance pointer
  std::size_t depth = 0;
  std::unordered_map<Key, bool, KeyHash> verdicts;  // (node, value) -> valid
  std::unordered_map<Key, bool, KeyHash> reported;  // pairs whose errors are already out
  std::deque<Json> name_values;  // property names as values, for propertyNames (stable addresses)

  void report(const Json& at, std::string keyword, std::string message) {
    if (errors == nullptr) return;
    errors->push_back({path, std::move(keyword), std::move(message)});
    error_values.push_back(&at);
  }

  // Descend into a member or item: the pointer grows by one token.
  template <class F>
  bool at_child(std::string_view token, F&& f) {
    const std::size_t old = path.size();
    path += '/';
    path += escape_token(token);
    const bool ok = f();
    path.resize(old);
    return ok;
  }

  // Evaluate without reporting (inside anyOf, oneOf, not, if, contains, propertyNames).
  bool quietly(int node, const Json& v) {
    auto* saved = errors;
    errors = nullptr;
    const bool ok = eval(node, v, "");
    errors = saved;
    return ok;
  }

  bool eval(int node_index, const Json& v, std::string_view via) {
    const Node& node = schema.nodes[static_cast<std::size_t>(node_index)];
    if (node.boolean == 1) return true;
    if (node.boolean == 0) {
      report(v, via.empty() ? "false" : std::string(via),
             "no value is allowed here (the schema is false)");
      return false;
    }
    const Key key{node_index, &v};
    if (auto it = verdicts.find(key); it != verdicts.end()) {
      if (it->second || errors == nullptr || reported.count(key) != 0) return it->second;
    }
    if (depth >= Schema::max_depth()) {
      report(v, "depth",
             fmt::format("nested deeper than {} levels of values and subschemas; not checked",
                         Schema::max_depth()));
      return false;
    }
    ++depth;
    bool ok = true;
    for (const auto& c : node.checks) {
      if (!apply(c, v)) {
        ok = false;
        if (errors == nullptr) break;
      }
    }
    --depth;
    verdicts[key] = ok;
    if (errors != nullptr) reported[key] = true;
    return ok;
  }

  bool member_allowed_by_false(const Check& c, int sub, const std::string& name, const Json& v) {
    if (schema.nodes[static_cast<std::size_t>(sub)].boolean != 0) return true;
    report(v, c.keyword, fmt::format("{} is not allowed", json_quoted(name)));
    return false;
  }

  bool apply(const Check& c, const Json& v) {
    switch (c.op) {
      case Op::type: {
        unsigned have = 0;
        switch (v.type()) {
          case Json::value_t::null:
            have = kNull;
            break;
          case Json::value_t::boolean:
            have = kBoolean;
            break;
          case Json::value_t::object:
            have = kObject;
            break;
          case Json::value_t::array:
            have = kArray;
            break;
          case Json::value_t::string:
            have = kString;
            break;
          case Json::value_t::number_integer:
          case Json::value_t::number_unsigned:
          case Json::value_t::number_float:
            have = kNumber | (is_integer(v) ? kInteger : 0u);
            break;
          default:
            break;
        }
        if ((have & c.types) != 0) return true;
        std::vector<const Json*> names;
        if (c.arg->is_array()) {
          for (const auto& n : *c.arg) names.push_back(&n);
        } else {
          names.push_back(c.arg);
        }
        std::string expected;
        for (std::size_t i = 0; i < names.size(); ++i) {
          if (i > 0) expected += i + 1 == names.size() ? " or " : ", ";
          expected += names[i]->dump();
        }
        report(v, c.keyword, fmt::format("{} is not of type {}", preview(v), expected));
        return false;
      }
      case Op::enum_: {
        for (const auto& option : *c.arg)
          if (json_equal(v, option)) return true;
        std::string list;
        std::size_t shown = 0;
        for (const auto& option : *c.arg) {
          if (shown == 5) {
            list += ", ...";
            break;
          }
          if (shown > 0) list += ", ";
          list += preview(option);
          ++shown;
        }
        report(v, c.keyword,
               c.arg->empty() ? fmt::format("{} is not allowed (enum is empty)", preview(v))
                              : fmt::format("{} is not one of {}", preview(v), list));
        return false;
      }
      case Op::const_:
        if (json_equal(v, *c.arg)) return true;
        report(v, c.keyword, fmt::format("{} is not {}", preview(v), preview(*c.arg)));
        return false;
      case Op::properties: {
        if (!v.is_object()) return true;
        bool ok = true;
        // In the instance's order, so that errors come in document order.
        for (auto member = v.begin(); member != v.end(); ++member) {
          const std::string& name = member.key();
          const Json& value = member.value();
          auto it = std::find_if(c.named.begin(), c.named.end(),
                                 [&](const auto& p) { return p.first == name; });
          if (it == c.named.end()) continue;
          if (!member_allowed_by_false(c, it->second, name, v)) {
            ok = false;
          } else if (!at_child(name, [&] { return eval(it->second, value, c.keyword); })) {
            ok = false;
          }
          if (!ok && errors == nullptr) return false;
        }
        return ok;
      }
      case Op::pattern_properties:
      case Op::additional_properties: {
        if (!v.is_object()) return true;
        bool ok = true;
        for (auto member = v.begin(); member != v.end(); ++member) {
          const std::string& name = member.key();
          const Json& value = member.value();
          bool matched = false;
          for (const auto& entry : c.patterns) {
            const Pattern& pattern = entry.first;
            const int sub = entry.second;
            if (!search(pattern, name)) continue;
            matched = true;
            if (c.op == Op::pattern_properties) {
              if (!member_allowed_by_false(c, sub, name, v) ||
                  !at_child(name, [&] { return eval(sub, value, c.keyword); }))
                ok = false;
            }
          }
          if (c.op == Op::additional_properties && !matched &&
              std::none_of(c.named.begin(), c.named.end(),
                           [&](const auto& p) { return p.first == name; })) {
            if (!member_allowed_by_false(c, c.sub, name, v) ||
                !at_child(name, [&] { return eval(c.sub, value, c.keyword); }))
              ok = false;
          }
          if (!ok && errors == nullptr) return false;
        }
        return ok;
      }
      case Op::property_names: {
        if (!v.is_object()) return true;
        bool ok = true;
        for (const auto& [name, value] : v.items()) {
          name_values.emplace_back(name);
          if (!quietly(c.sub, name_values.back())) {
            report(v, c.keyword, fmt::format("{} is not a valid property name", json_quoted(name)));
            ok = false;
            if (errors == nullptr) return false;
          }
        }
        return ok;
      }
      case Op::required:
      case Op::dependent_required: {
        if (!v.is_object()) return true;
        bool ok = true;
        auto need = [&](const std::string& name, const std::string* because) {
          if (v.contains(name)) return;
          ok = false;
          report(v, c.keyword,
                 because == nullptr ? fmt::format("{} is missing", json_quoted(name))
                                    : fmt::format("{} is missing (required when {} is present)",
                                                  json_quoted(name), json_quoted(*because)));
        };
        if (c.op == Op::required) {
          for (const auto& [name, unused] : c.named) need(name, nullptr);
        } else {
          for (const auto& [trigger, list] : c.deps)
            if (v.contains(trigger))
              for (const auto& name : list) need(name, &trigger);
        }
        return ok;
      }
      case Op::dependent_schemas: {
        if (!v.is_object()) return true;
        bool ok = true;
        for (const auto& [trigger, sub] : c.named) {
          if (!v.contains(trigger)) continue;
          if (!eval(sub, v, c.keyword)) {
            ok = false;
            if (errors == nullptr) return false;
          }
        }
        return ok;
      }
      case Op::min_properties:
      case Op::max_properties: {
        if (!v.is_object()) return true;
        const bool min = c.op == Op::min_properties;
        if (min ? v.size() >= c.count : v.size() <= c.count) return true;
        report(v, c.keyword,
               fmt::format("{} {} {}, {} {} allowed", v.size(),
                           v.size() == 1 ? "property" : "properties", "given",
                           min ? "at least" : "at most", c.count));
        return false;
      }
      case Op::prefix_items:
      case Op::items: {
        if (!v.is_array()) return true;
        bool ok = true;
        const std::size_t from = c.op == Op::items ? static_cast<std::size_t>(c.count) : 0;
        const std::size_t to = c.op == Op::items ? v.size() : std::min(v.size(), c.subs.size());
        if (c.op == Op::items && from < to &&
            schema.nodes[static_cast<std::size_t>(c.sub)].boolean == 0) {
          report(v, c.keyword, fmt::format("{} items given, at most {} allowed", v.size(), from));
          return false;
        }
        for (std::size_t i = from; i < to; ++i) {
          const int sub = c.op == Op::items ? c.sub : c.subs[i];
          if (!at_child(std::to_string(i), [&] { return eval(sub, v[i], c.keyword); })) {
            ok = false;
            if (errors == nullptr) return false;
          }
        }
        return ok;
      }
      case Op::contains: {
        if (!v.is_array()) return true;
        std::uint64_t matches = 0;
        for (const auto& item : v)
          if (quietly(c.sub, item)) ++matches;
        if (matches >= c.count && (!c.max || matches <= *c.max)) return true;
        if (matches < c.count)
          report(v, c.keyword,
                 matches == 0 && c.count == 1
                     ? std::string("no item matches the schema")
                     : fmt::format("{} {} the schema, at least {} required", matches,
                                   matches == 1 ? "item matches" : "items match", c.count));
        else
          report(v, c.keyword,
                 fmt::format("{} {} the schema, at most {} allowed", matches,
                             matches == 1 ? "item matches" : "items match", *c.max));
        return false;
      }
      case Op::min_items:
      case Op::max_items: {
        if (!v.is_array()) return true;
        const bool min = c.op == Op::min_items;
        if (min ? v.size() >= c.count : v.size() <= c.count) return true;
        report(v, c.keyword,
               fmt::format("{} {} given, {} {} allowed", v.size(), v.size() == 1 ? "item" : "items",
                           min ? "at least" : "at most", c.count));
        return false;
      }
      case Op::unique_items: {
        if (!v.is_array() || v.size() < 2) return true;
        std::vector<std::pair<std::size_t, std::size_t>> hashed;  // (hash, index)
        hashed.reserve(v.size());
        for (std::size_t i = 0; i < v.size(); ++i) hashed.emplace_back(shallow_hash(v[i]), i);
        std::sort(hashed.begin(), hashed.end());
        std::optional<std::pair<std::size_t, std::size_t>> first;  // the earliest duplicate
        for (std::size_t a = 0; a < hashed.size(); ++a)
          for (std::size_t b = a + 1; b < hashed.size() && hashed[b].first == hashed[a].first; ++b)
            if (json_equal(v[hashed[a].second], v[hashed[b].second])) {
              auto pair = std::minmax(hashed[a].second, hashed[b].second);
              if (!first || std::make_pair(pair.second, pair.first) <
                                std::make_pair(first->second, first->first))
                first = std::make_pair(pair.first, pair.second);
            }
        if (!first) return true;
        report(v, c.keyword, fmt::format("items {} and {} are equal", first->first, first->second));
        return false;
      }
      case Op::minimum:
      case Op::maximum:
      case Op::exclusive_minimum:
      case Op::exclusive_maximum: {
        if (!v.is_number()) return true;
        const int cmp = compare_numbers(v, *c.arg);
        const char* what = nullptr;
        if (c.op == Op::minimum && cmp < 0) what = "is less than";
        if (c.op == Op::maximum && cmp > 0) what = "is greater than";
        if (c.op == Op::exclusive_minimum && cmp <= 0) what = "is not greater than";
        if (c.op == Op::exclusive_maximum && cmp >= 0) what = "is not less than";
        if (what == nullptr) return true;
        report(v, c.keyword, fmt::format("{} {} {}", v.dump(), what, c.arg->dump()));
        return false;
      }
      case Op::multiple_of:
        if (!v.is_number()) return true;
        if (v.is_number_float() && !std::isfinite(v.get<double>())) return true;
        if (is_multiple_of(v, *c.arg)) return true;
        report(v, c.keyword, fmt::format("{} is not a multiple of {}", v.dump(), c.arg->dump()));
        return false;
      case Op::min_length:
      case Op::max_length: {
        if (!v.is_string()) return true;
        const std::size_t n = code_points(v.get_ref<const std::string&>());
        const bool min = c.op == Op::min_length;
        if (min ? n >= c.count : n <= c.count) return true;
        report(v, c.keyword,
               fmt::format("{} has {} {}, {} {} allowed", preview(v), n,
                           n == 1 ? "character" : "characters", min ? "at least" : "at most",
                           c.count));
        return false;
      }
      case Op::pattern: {
        if (!v.is_string()) return true;
        if (search(c.pattern, v.get_ref<const std::string&>())) return true;
        report(v, c.keyword,
               fmt::format("{} does not match {}", preview(v), json_quoted(c.pattern.source)));
        return false;
      }
      case Op::all_of: {
        bool ok = true;
        for (int sub : c.subs) {
          if (!eval(sub, v, c.keyword)) {
            ok = false;
            if (errors == nullptr) return false;
          }
        }
        return ok;
      }
      case Op::any_of: {
        for (int sub : c.subs)
          if (quietly(sub, v)) return true;
        report(v, c.keyword,
               fmt::format("{} matches none of the {} schemas", preview(v), c.subs.size()));
        return false;
      }
      case Op::one_of: {
        std::vector<std::size_t> matched;
        for (std::size_t i = 0; i < c.subs.size() && matched.size() < 2; ++i)
          if (quietly(c.subs[i], v)) matched.push_back(i);
        if (matched.size() == 1) return true;
        report(v, c.keyword,
               matched.empty()
                   ? fmt::format("{} matches none of the {} schemas", preview(v), c.subs.size())
                   : fmt::format("{} matches more than one schema (#{} and #{})", preview(v),
                                 matched[0], matched[1]));
        return false;
      }
      case Op::not_:
        if (!quietly(c.sub, v)) return true;
        report(v, c.keyword, fmt::format("{} must not match the schema", preview(v)));
        return false;
      case Op::if_: {
        const int branch = quietly(c.sub, v) ? c.subs[0] : c.subs[1];
        if (branch < 0) return true;
        return eval(branch, v, branch == c.subs[0] ? "then" : "else");
      }
      case Op::ref:
        return eval(c.sub, v, c.keyword);
    }
    return true;
  }
};

// Pre-order positions of every value of a document, for sorting errors into document order.
std::unordered_map<const Json*, std::size_t> document_order(const Json& root) {
  std::unordered_map<const Json*, std::size_t> order;
  std::vector<const Json*> todo{&root};
  while (!todo.empty()) {
    const Json* v = todo.back();
    todo.pop_back();
    order.emplace(v, order.size());
    if (v->is_array()) {
      for (std::size_t i = v->size(); i-- > 0;) todo.push_back(&(*v)[i]);
    } else if (v->is_object()) {
      std::vector<const Json*> members;
      for (const auto& [key, value] : v->items()) members.push_back(&value);
      for (std::size_t i = members.size(); i-- > 0;) todo.push_back(members[i]);
    }
  }
  return order;
}

}  // namespace

std::string SchemaError::to_string() const {
  return fmt::format("{}: {}: {}", pointer.empty() ? "/" : pointer, keyword, message);
}

Result<Schema> Schema::compile(const Json& schema, std::string_view source) {
  try {
    auto compiled = std::make_shared<Compiled>();
    compiled->document = schema;
    Compiler compiler{source, *compiled, {}, {}, {}};
    // The root's $id first: a $ref may name it.
    if (schema.is_object())
      if (auto id = schema.find("$id"); id != schema.end() && id->is_string())
        compiler.root_id = id->get<std::string>().substr(0, id->get<std::string>().find('#'));
    auto root = compiler.compile_schema(compiled->document, "", 0);
    if (!root) return tl::unexpected(root.error());
    if (auto ok = compiler.resolve_refs(); !ok) return tl::unexpected(ok.error());
    if (auto ok = compiler.refuse_cycles(); !ok) return tl::unexpected(ok.error());
    return Schema(std::move(compiled));
  } catch (const std::exception& e) {
    return fail(ErrorKind::invalid_argument, "config.schema",
                fmt::format("{}: cannot compile the schema ({})", source, e.what()));
  }
}

std::vector<SchemaError> Schema::validate(const Json& instance) const {
  std::vector<SchemaError> errors;
  Run run{*compiled_, &errors, {}, {}, 0, {}, {}, {}};
  try {
    run.eval(0, instance, "");
  } catch (const std::exception& e) {  // std::bad_alloc, a regex_error from the matcher
    errors.push_back({"", "error", fmt::format("validation stopped ({})", e.what())});
    run.error_values.push_back(&instance);
  }
  if (errors.size() > 1) {
    const auto order = document_order(instance);
    std::vector<std::size_t> index(errors.size());
    for (std::size_t i = 0; i < index.size(); ++i) index[i] = i;
    auto position = [&](std::size_t i) {
      auto it = order.find(run.error_values[i]);
      return it == order.end() ? std::numeric_limits<std::size_t>::max() : it->second;
    };
    std::stable_sort(index.begin(), index.end(),
                     [&](std::size_t a, std::size_t b) { return position(a) < position(b); });
    std::vector<SchemaError> sorted;
    sorted.reserve(errors.size());
    for (std::size_t i : index) sorted.push_back(std::move(errors[i]));
    errors = std::move(sorted);
  }
  return errors;
}

bool Schema::is_valid(const Json& instance) const {
  Run run{*compiled_, nullptr, {}, {}, 0, {}, {}, {}};
  try {
    return run.eval(0, instance, "");
  } catch (const std::exception&) {
    return false;  // as validate() reports it
  }
}

}  // namespace kit::config
