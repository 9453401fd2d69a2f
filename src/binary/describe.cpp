// The fields kit inspect reports for each format (kit/binary/describe.hpp).
#include "kit/binary/describe.hpp"

#include <variant>

#include <fmt/core.h>

#include "kit/binary.hpp"
#include "kit/core/output.hpp"

namespace kit::binary {

using Json = nlohmann::ordered_json;

namespace {

// Python's str() of a value, as the tutorials' dict printing shows it.
std::string python_str(const Json& v) {
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return float_repr(v.get<double>());
  return v.dump();
}

}  // namespace

std::string printable(std::string_view s) {
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (ch == '\n')
      out += "\\n";
    else if (ch == '\t')
      out += "\\t";
    else if (ch == '\\')
      out += "\\\\";
    else if (c < 0x20 || c == 0x7F)
      out += fmt::format("\\x{:02x}", c);
    else
      out += ch;
  }
  return out;
}

namespace {

class FieldList {
 public:
  // add(key, value): shown in text as python_str(value).
  FieldList& add(std::string key, Json value) {
    std::string text = python_str(value);
    fields_.push_back({std::move(key), std::move(value), std::move(text)});
    return *this;
  }
  // add(key, value, text): shown in text as `text` (nothing when empty).
  FieldList& add(std::string key, Json value, std::string text) {
    fields_.push_back({std::move(key), std::move(value), std::move(text)});
    return *this;
  }
  [[nodiscard]] const std::vector<InspectField>& fields() const { return fields_; }

 private:
  std::vector<InspectField> fields_;
};

std::string hex32(std::uint32_t v) {
  return fmt::format("{:08x}", v);
}

void add_fields(FieldList& f, const PngInfo& p, std::string_view bytes) {
  f.add("width", p.width).add("height", p.height).add("bit_depth", p.bit_depth);
  f.add("color_mode", p.color_mode()).add("raw_signature", to_hex(bytes.substr(0, 8)));
  f.add("color_type", p.color_type).add("compression", p.compression).add("filter", p.filter);
  f.add("interlace", p.interlace, std::string(p.interlace_name()));
  if (p.palette_entries) f.add("palette_entries", *p.palette_entries);
  if (p.transparency_bytes) f.add("transparency_bytes", *p.transparency_bytes);
  if (p.gamma) f.add("gamma", *p.gamma, fmt::format("{:.5f}", *p.gamma / 100000.0));
  if (p.srgb_intent) f.add("srgb_intent", *p.srgb_intent, p.srgb_intent_name());
  if (p.icc_profile)
    f.add("icc_profile", core::json_text(*p.icc_profile), printable(*p.icc_profile));
  if (p.phys)
    f.add("phys", Json{{"x", p.phys->x}, {"y", p.phys->y}, {"unit", p.phys->unit}},
          fmt::format("{}x{} {}", p.phys->x, p.phys->y, p.phys->unit_name()));
  if (p.animation)
    f.add(
        "animation", Json{{"frames", p.animation->frames}, {"plays", p.animation->plays}},
        fmt::format("{} frames, {}", p.animation->frames,
                    p.animation->plays == 0 ? std::string("looping forever")
                                            : fmt::format("played {} times", p.animation->plays)));
  f.add("frame_controls", p.frame_controls,
        p.frame_controls ? std::to_string(p.frame_controls) : "");
  Json texts = Json::array();
  for (const PngText& t : p.texts) {
    texts.push_back({{"chunk", t.chunk},
                     {"keyword", core::json_text(t.keyword)},
                     {"text", core::json_text(t.text)},
                     {"language", core::json_text(t.language)},
                     {"translated_keyword", core::json_text(t.translated_keyword)}});
  }
  f.add("texts", texts, "");
  for (const PngText& t : p.texts)
    f.add("", nullptr,
          fmt::format("{:<20}: {}", t.chunk + " " + printable(t.keyword), printable(t.text)));
  Json chunks = Json::array();
  for (const PngChunk& c : p.chunks)
    chunks.push_back({{"type", core::json_text(c.type)},
                      {"length", c.length},
                      {"offset", c.offset},
                      {"crc", hex32(c.crc)},
                      {"crc_ok", c.crc_ok}});
  f.add("chunks", chunks, std::to_string(p.chunks.size()));
  f.add("iend", p.has_iend, "");
  f.add("trailing_bytes", p.trailing_bytes,
        p.trailing_bytes ? std::to_string(p.trailing_bytes) : "");
}

void add_fields(FieldList& f, const BmpInfo& b, std::string_view) {
  auto magnitude = [](std::int32_t v) { return v < 0 ? -std::int64_t{v} : std::int64_t{v}; };
  f.add("file_size_bytes", b.file_size).add("data_offset", b.data_offset);
  f.add("width", magnitude(b.width)).add("height", magnitude(b.height));
  f.add("bits_per_pixel", b.bits_per_pixel).add("compression", b.compression_name());
  f.add("image_size_bytes", b.image_size);
  f.add("dib_header", b.dib_header(), fmt::format("{} ({} bytes)", b.dib_header(), b.dib_size));
  f.add("dib_size", b.dib_size, "");
  f.add("top_down", b.top_down).add("planes", b.planes).add("compression_code", b.compression, "");
  f.add("x_pixels_per_meter", b.x_pixels_per_meter).add("y_pixels_per_meter", b.y_pixels_per_meter);
  f.add("colors_used", b.colors_used).add("colors_important", b.colors_important);
  f.add("palette_colors", b.palette_colors);
  if (b.masks)
    f.add("masks",
          Json{{"red", b.masks->red},
               {"green", b.masks->green},
               {"blue", b.masks->blue},
               {"alpha", b.masks->alpha}},
          fmt::format("red {:#010x}, green {:#010x}, blue {:#010x}, alpha {:#010x}", b.masks->red,
                      b.masks->green, b.masks->blue, b.masks->alpha));
  if (b.color_space) f.add("color_space", *b.color_space);
  f.add("file_length", b.actual_size);
}

void add_fields(FieldList& f, const GifInfo& g, std::string_view) {
  f.add("version", g.version).add("width", g.width).add("height", g.height);
  f.add("global_colors", g.global_colors).add("frames", g.frames);
  if (g.loop_count)
    f.add("loop_count", *g.loop_count,
          *g.loop_count == 0 ? "forever" : std::to_string(*g.loop_count));
  f.add("trailer", g.has_trailer);
}

void add_fields(FieldList& f, const JpegInfo& j, std::string_view) {
  f.add("width", j.width).add("height", j.height).add("precision", j.precision);
  f.add("components", j.components).add("sof", j.sof, "").add("process", j.process());
  f.add("progressive", j.progressive).add("jfif", j.jfif).add("exif", j.exif).add("eoi", j.has_eoi);
}

void add_fields(FieldList& f, const WavInfo& w, std::string_view) {
  f.add("format_tag", w.format_tag, "").add("encoding", w.format_name());
  f.add("channels", w.channels).add("sample_rate", w.sample_rate);
  f.add("bits_per_sample", w.bits_per_sample).add("byte_rate", w.byte_rate);
  f.add("block_align", w.block_align).add("data_bytes", w.data_bytes);
  f.add("duration_seconds", w.duration_seconds());
  std::string ids;
  Json chunks = Json::array();
  for (const std::string& id : w.chunks) {
    chunks.push_back(Json(core::json_text(id)));
    ids += (ids.empty() ? "" : ", ") + printable(id);
  }
  f.add("chunks", chunks, ids);
}

void add_fields(FieldList& f, const ZipInfo& z, std::string_view) {
  Json entries = Json::array();
  for (const ZipEntry& e : z.entries)
    entries.push_back({{"name", core::json_text(e.name)},
                       {"compressed_size", e.compressed_size},
                       {"size", e.size},
                       {"method", e.method},
                       {"method_name", e.method_name()},
                       {"crc", hex32(e.crc)},
                       {"offset", e.local_header_offset}});
  f.add("entries", entries, std::to_string(z.entries.size()));
  f.add("central_directory_offset", z.central_directory_offset).add("zip64", z.zip64);
  f.add("comment", core::json_text(z.comment), z.comment.empty() ? "" : printable(z.comment));
  if (z.entries.empty()) return;
  f.add("", nullptr,
        fmt::format("{:>12}  {:>12}  {:<8}  {:<8}  {}", "Size", "Compressed", "Method", "CRC-32",
                    "Name"));
  for (const ZipEntry& e : z.entries)
    f.add("", nullptr,
          fmt::format("{:>12}  {:>12}  {:<8}  {:08x}  {}", e.size, e.compressed_size,
                      e.method_name(), e.crc, printable(e.name)));
}

void add_fields(FieldList& f, const ElfInfo& e, std::string_view) {
  f.add("class", e.class_name()).add("data", e.data_name());
  f.add("os_abi", e.os_abi, e.os_abi_name());
  f.add("type", e.type, "").add("type_name", e.type_name());
  f.add("machine", e.machine, "").add("machine_name", e.machine_name());
  f.add("entry", fmt::format("{:#x}", e.entry));
  f.add("program_headers", e.program_headers).add("section_headers", e.section_headers);
}

}  // namespace

InspectReport describe(const FileInfo& info, FileFormat format, std::string_view bytes) {
  InspectReport r{format, {}, {}};
  FieldList fields;
  std::visit(
      [&](const auto& i) {
        r.problems = i.problems;
        add_fields(fields, i, bytes);
      },
      info);
  r.fields = fields.fields();
  return r;
}

std::string text_block(const InspectReport& r, const FileInfo* info, bool chunks) {
  std::string out;
  bool bmp = r.format == FileFormat::bmp;
  if (bmp)
    out += "BMP Header Info:\n";
  else if (r.format != FileFormat::png)
    out += fmt::format("{:<20}: {}\n", "format", format_name(r.format));
  for (const InspectField& f : r.fields) {
    if (f.text.empty()) continue;
    if (f.key.empty())
      out += f.text + '\n';  // a line of its own
    else if (bmp)
      out += fmt::format("  {}: {}\n", f.key, f.text);
    else
      out += fmt::format("{:<20}: {}\n", f.key, f.text);
  }
  if (chunks && info != nullptr)
    if (const auto* png = std::get_if<PngInfo>(info))
      for (const PngChunk& c : png->chunks)
        out += fmt::format("{:<4}  offset {:>10}  length {:>10}  CRC {}\n", printable(c.type),
                           c.offset, c.length, c.crc_ok ? "ok" : "BAD");
  return out;
}

}  // namespace kit::binary
