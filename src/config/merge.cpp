// RFC 7396 section 2, as its pseudocode reads, in place; and the streaming merge of files.
#include "kit/config/merge.hpp"

#include <bit>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>

#include "fast_json.hpp"
#include "kit/config/store.hpp"
#include "kit/core/file.hpp"
#include "kit/fs.hpp"

namespace kit::config {

void apply_merge_patch(Json& target, const Json& patch) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (!target.is_object()) target = Json::object();
  for (const auto& [name, value] : patch.items()) {
    if (value.is_null()) {
      target.erase(name);
    } else {
      apply_merge_patch(target[name], value);
    }
  }
}

Json merge_patch(const Json& target, const Json& patch) {
  Json result = target;
  apply_merge_patch(result, patch);
  return result;
}

namespace {

using detail::FastDoc;
using Kind = FastDoc::Kind;

// The merged document as references into the parsed files: a value is taken whole from one
// file until a patch object lands on it; then it becomes an Object of its members. `strip`
// marks a patch's object taken whole, which merge_patch({}, it) would write without its null
// members (at every object level, not inside arrays, which are copied).
struct Object;
struct Node {
  const FastDoc* doc = nullptr;
  std::uint32_t index = 0;
  bool strip = false;
  std::unique_ptr<Object> object;  // set once patched member by member
};

struct Field {
  std::string_view name;
  bool escaped = false;
  bool erased = false;  // ordered_map::erase, without moving the others
  Node node;
};

// The fields in order, and an open-addressed table of their positions + 1 by name (a name's
// slot points at its latest field: an erased one counts as absent).
struct Object {
  std::vector<Field> fields;
  std::vector<std::uint32_t> slots;

  // The slot of `name`: holding its field, or empty (0) where it would go.
  std::uint32_t& slot(std::string_view name) {
    const std::size_t mask = slots.size() - 1;
    std::size_t at = std::hash<std::string_view>()(name) & mask;
    while (slots[at] != 0 && fields[slots[at] - 1].name != name) at = (at + 1) & mask;
    return slots[at];
  }
  // find(name): the live field named so, or nullptr.
  Field* find(std::string_view name) {
    if (slots.empty()) return nullptr;  // an empty object: no table yet
    const std::uint32_t at = slot(name);
    return at != 0 && !fields[at - 1].erased ? &fields[at - 1] : nullptr;
  }
  // add(name): a new field at the end (the table kept at most half full).
  Field& add(std::string_view name) {
    if (2 * (fields.size() + 1) > slots.size()) {
      slots.assign(std::bit_ceil(4 * (fields.size() + 1)), 0);
      for (std::size_t i = 0; i < fields.size(); ++i)
        slot(fields[i].name) = static_cast<std::uint32_t>(i + 1);
    }
    std::uint32_t& at = slot(name);
    Field& f = fields.emplace_back();
    f.name = name;
    at = static_cast<std::uint32_t>(fields.size());
    return f;
  }
};

bool is_object(const Node& n) {
  return n.object != nullptr || n.doc->value(n.index).kind == Kind::object;
}

void take(Node& n, const FastDoc& doc, std::uint32_t index, bool strip) {
  n.object.reset();
  n.doc = &doc;
  n.index = index;
  n.strip = strip;
}

void split(Node& n) {
  if (n.object) return;
  auto object = std::make_unique<Object>();
  const FastDoc::Value& v = n.doc->value(n.index);
  const FastDoc::Member* m = n.doc->members(v);
  object->fields.reserve(v.count);
  for (std::uint32_t k = 0; k < v.count; ++k) {
    if (n.strip && n.doc->value(m[k].value).kind == Kind::null) continue;
    Field& f = object->add(m[k].name);  // the names are distinct already
    f.escaped = m[k].escaped;
    take(f.node, *n.doc, m[k].value, n.strip);
  }
  n.object = std::move(object);
}

// apply_merge_patch, on references.
void apply(Node& target, const FastDoc& doc, std::uint32_t index) {
  const FastDoc::Value& patch = doc.value(index);
  if (patch.kind != Kind::object) return take(target, doc, index, false);
  if (!is_object(target)) return take(target, doc, index, true);
  split(target);
  Object& object = *target.object;
  const FastDoc::Member* m = doc.members(patch);
  for (std::uint32_t k = 0; k < patch.count; ++k) {
    const Kind kind = doc.value(m[k].value).kind;
    Field* field = object.find(m[k].name);
    if (kind == Kind::null) {
      if (field != nullptr) field->erased = true;
    } else if (field != nullptr) {
      apply(field->node, doc, m[k].value);
    } else {
      Field& f = object.add(m[k].name);
      f.escaped = m[k].escaped;
      take(f.node, doc, m[k].value, kind == Kind::object);
    }
  }
}

// Writes as nlohmann's dump(2): "{\n", members at indent + 2 as `"name": value`, ",\n" between,
// "\n" and the closing bracket at indent; "{}" and "[]" when empty. Hands the text over in
// pieces of about `chunk` bytes.
class Writer {
 public:
  explicit Writer(const TextSink& sink) : sink_(sink), out_(2 * chunk) {}
  ~Writer() { flush(); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void flush() {
    if (out_.size() != 0) sink_(out_.view());
    out_.clear();
  }
  void text(std::string_view s) { out_.append(s); }

  void write(const Node& n, std::size_t indent) {
    if (!n.object) return write(*n.doc, n.index, n.strip, indent);
    std::size_t live = 0;
    for (const Field& f : n.object->fields)
      if (!f.erased) ++live;
    if (live == 0) {
      out_.append("{}");
      return;
    }
    out_.append("{\n");
    for (const Field& f : n.object->fields) {
      if (f.erased) continue;
      name(f.name, f.escaped, indent + 2);
      write(f.node, indent + 2);
      if (--live > 0) out_.append(",\n");
      if (out_.size() >= chunk) flush();
    }
    close('}', indent);
  }

  void write(const FastDoc& doc, std::uint32_t index, bool strip, std::size_t indent) {
    const FastDoc::Value& v = doc.value(index);
    switch (v.kind) {
      case Kind::null:
        out_.append("null");
        return;
      case Kind::boolean:
        out_.append(v.flag ? "true" : "false");
        return;
      case Kind::integer:
      case Kind::unsigned_integer:
      case Kind::floating:
        detail::write_number(out_, v);
        return;
      case Kind::string:
        detail::write_string(out_, v.text(), v.flag);
        return;
      case Kind::array: {
        if (v.count == 0) {
          out_.append("[]");
          return;
        }
        out_.append("[\n");
        const std::uint32_t* e = doc.elements(v);
        for (std::uint32_t k = 0; k < v.count; ++k) {
          spaces(indent + 2);
          write(doc, e[k], false, indent + 2);
          if (k + 1 < v.count) out_.append(",\n");
          if (out_.size() >= chunk) flush();
        }
        close(']', indent);
        return;
      }
      case Kind::object: {
        const FastDoc::Member* m = doc.members(v);
        std::size_t live = v.count;
        if (strip)
          for (std::uint32_t k = 0; k < v.count; ++k)
            if (doc.value(m[k].value).kind == Kind::null) --live;
        if (live == 0) {
          out_.append("{}");
          return;
        }
        out_.append("{\n");
        for (std::uint32_t k = 0; k < v.count; ++k) {
          if (strip && doc.value(m[k].value).kind == Kind::null) continue;
          name(m[k].name, m[k].escaped, indent + 2);
          write(doc, m[k].value, strip, indent + 2);
          if (--live > 0) out_.append(",\n");
          if (out_.size() >= chunk) flush();
        }
        close('}', indent);
        return;
      }
    }
  }

 private:
  void name(std::string_view text, bool escaped, std::size_t indent) {
    spaces(indent);
    detail::write_string(out_, text, escaped);
    out_.append(": ");
  }
  void spaces(std::size_t n) { std::memset(out_.extend(n), ' ', n); }
  void close(char bracket, std::size_t indent) {
    *out_.extend(1) = '\n';
    spaces(indent);  // after the line end
    *out_.extend(1) = bracket;
  }

  static constexpr std::size_t chunk = 64 * 1024;
  const TextSink& sink_;
  core::Buffer out_;
};

using TextOf = std::function<Result<std::string_view>(std::size_t)>;

// The Json way, for input the fast reader refuses: parse_document owns every error message.
Result<void> merge_slowly(const std::vector<std::string>& sources, const TextOf& text_of,
                          const TextSink& sink) {
  Json merged;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    auto text = text_of(i);
    if (!text) return tl::unexpected(text.error());
    auto doc = parse_document(*text, sources[i]);
    if (!doc) return tl::unexpected(doc.error());
    if (i == 0)
      merged = std::move(*doc);
    else
      apply_merge_patch(merged, *doc);
  }
  sink(to_text(merged));
  return {};
}

Result<void> merge_all(const std::vector<std::string>& sources, const TextOf& text_of,
                       const TextSink& sink) {
  std::deque<FastDoc> docs;
  std::deque<std::string> cleaned;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    auto text = text_of(i);
    if (!text) return tl::unexpected(text.error());
    std::string_view view = *text;
    if (!detail::plain_text(view)) view = cleaned.emplace_back(fs::universal_newlines(view));
    if (!docs.emplace_back().parse(view)) return merge_slowly(sources, text_of, sink);
  }
  if (docs.empty()) return merge_slowly(sources, text_of, sink);
  Node root;
  take(root, docs[0], docs[0].root(), false);
  for (std::size_t i = 1; i < docs.size(); ++i) apply(root, docs[i], docs[i].root());
  Writer writer(sink);
  writer.write(root, 0);
  writer.text("\n");
  return {};
}

Result<std::string> collect(const std::function<Result<void>(const TextSink&)>& merge) {
  std::string out;
  auto ok = merge([&](std::string_view piece) { out += piece; });
  if (!ok) return tl::unexpected(ok.error());
  return out;
}

}  // namespace

Result<void> merge_files(const std::vector<std::string>& paths, const TextSink& sink) {
  std::deque<core::InputFile> files;  // the parsed documents point into these
  auto text_of = [&](std::size_t i) -> Result<std::string_view> {
    if (i < files.size()) return files[i].bytes();
    auto file = core::InputFile::load(paths[i]);
    if (!file) {
      auto doc = read_document(paths[i]);  // its config.read error, word for word
      if (!doc) return tl::unexpected(doc.error());
      return fail(ErrorKind::io, "config.read", paths[i] + ": cannot read");
    }
    return files.emplace_back(std::move(*file)).bytes();
  };
  return merge_all(paths, text_of, sink);
}

Result<std::string> merge_files(const std::vector<std::string>& paths) {
  return collect([&](const TextSink& sink) { return merge_files(paths, sink); });
}

Result<std::string> merge_texts(const std::vector<std::string>& texts,
                                const std::vector<std::string>& sources) {
  auto text_of = [&](std::size_t i) -> Result<std::string_view> { return texts.at(i); };
  return collect([&](const TextSink& sink) { return merge_all(sources, text_of, sink); });
}

}  // namespace kit::config
