// kit inspect — what a binary file is and what its headers say (PNG, BMP, GIF, JPEG, WAV, ZIP,
// ELF), by magic number; PNG chunks with their CRCs checked.
//
// The first lines follow the tutorials: a BMP prints the "BMP Header Info:" block, a PNG the
// `{key:20s}: {value}` lines (width, height, bit_depth, color_mode, raw_signature); more fields
// follow. Exit 0 when every file is sound, 1 when one is corrupt, 2 when one is unreadable or of
// an unknown format. Docs: docs/commands/inspect.md.
//
// usage: kit inspect FILE... [--chunks] [--hex N] [--json]
#include <string>
#include <variant>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "kit/binary.hpp"
#include "kit/binary/inspect.hpp"
#include "kit/core/file.hpp"
#include "kit/core/output.hpp"

namespace kit::cli {

namespace bin = kit::binary;
using Json = nlohmann::ordered_json;

namespace {

struct InspectOptions {
  std::vector<std::string> files;
  bool chunks = false;
  std::int64_t hex = 0;
  bool json = false;
};

// One reported field: its JSON value, and how the text block shows it (empty: not shown).
struct Field {
  std::string key;
  Json value;
  std::string text;
};

// Python's str() of a value, as the tutorials' dict printing shows it.
std::string python_str(const Json& v) {
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return bin::float_repr(v.get<double>());
  return v.dump();
}

// printable(s): control characters escaped, so a text field stays on its line.
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
  [[nodiscard]] const std::vector<Field>& fields() const { return fields_; }

 private:
  std::vector<Field> fields_;
};

std::string hex32(std::uint32_t v) {
  return fmt::format("{:08x}", v);
}

void add_fields(FieldList& f, const bin::PngInfo& p, std::string_view bytes) {
  f.add("width", p.width).add("height", p.height).add("bit_depth", p.bit_depth);
  f.add("color_mode", p.color_mode()).add("raw_signature", bin::to_hex(bytes.substr(0, 8)));
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
  for (const bin::PngText& t : p.texts) {
    texts.push_back({{"chunk", t.chunk},
                     {"keyword", core::json_text(t.keyword)},
                     {"text", core::json_text(t.text)},
                     {"language", core::json_text(t.language)},
                     {"translated_keyword", core::json_text(t.translated_keyword)}});
  }
  f.add("texts", texts, "");
  for (const bin::PngText& t : p.texts)
    f.add("", nullptr,
          fmt::format("{:<20}: {}", t.chunk + " " + printable(t.keyword), printable(t.text)));
  Json chunks = Json::array();
  for (const bin::PngChunk& c : p.chunks)
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

void add_fields(FieldList& f, const bin::BmpInfo& b, std::string_view) {
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

void add_fields(FieldList& f, const bin::GifInfo& g, std::string_view) {
  f.add("version", g.version).add("width", g.width).add("height", g.height);
  f.add("global_colors", g.global_colors).add("frames", g.frames);
  if (g.loop_count)
    f.add("loop_count", *g.loop_count,
          *g.loop_count == 0 ? "forever" : std::to_string(*g.loop_count));
  f.add("trailer", g.has_trailer);
}

void add_fields(FieldList& f, const bin::JpegInfo& j, std::string_view) {
  f.add("width", j.width).add("height", j.height).add("precision", j.precision);
  f.add("components", j.components).add("sof", j.sof, "").add("process", j.process());
  f.add("progressive", j.progressive).add("jfif", j.jfif).add("exif", j.exif).add("eoi", j.has_eoi);
}

void add_fields(FieldList& f, const bin::WavInfo& w, std::string_view) {
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

void add_fields(FieldList& f, const bin::ZipInfo& z, std::string_view) {
  Json entries = Json::array();
  for (const bin::ZipEntry& e : z.entries)
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
  for (const bin::ZipEntry& e : z.entries)
    f.add("", nullptr,
          fmt::format("{:>12}  {:>12}  {:<8}  {:08x}  {}", e.size, e.compressed_size,
                      e.method_name(), e.crc, printable(e.name)));
}

void add_fields(FieldList& f, const bin::ElfInfo& e, std::string_view) {
  f.add("class", e.class_name()).add("data", e.data_name());
  f.add("os_abi", e.os_abi, e.os_abi_name());
  f.add("type", e.type, "").add("type_name", e.type_name());
  f.add("machine", e.machine, "").add("machine_name", e.machine_name());
  f.add("entry", fmt::format("{:#x}", e.entry));
  f.add("program_headers", e.program_headers).add("section_headers", e.section_headers);
}

// The fields of one inspected file, and its problems.
struct Report {
  bin::FileFormat format;
  FieldList fields;
  std::vector<Error> problems;
};

Report describe(const bin::FileInfo& info, bin::FileFormat format, std::string_view bytes) {
  Report r{format, {}, {}};
  std::visit(
      [&](const auto& i) {
        r.problems = i.problems;
        add_fields(r.fields, i, bytes);
      },
      info);
  return r;
}

std::string text_block(const Report& r, const bin::FileInfo* info, bool chunks) {
  std::string out;
  bool bmp = r.format == bin::FileFormat::bmp;
  if (bmp)
    out += "BMP Header Info:\n";
  else if (r.format != bin::FileFormat::png)
    out += fmt::format("{:<20}: {}\n", "format", bin::format_name(r.format));
  for (const Field& f : r.fields.fields()) {
    if (f.text.empty()) continue;
    if (f.key.empty())
      out += f.text + '\n';  // a line of its own
    else if (bmp)
      out += fmt::format("  {}: {}\n", f.key, f.text);
    else
      out += fmt::format("{:<20}: {}\n", f.key, f.text);
  }
  if (chunks && info != nullptr)
    if (const auto* png = std::get_if<bin::PngInfo>(info))
      for (const bin::PngChunk& c : png->chunks)
        out += fmt::format("{:<4}  offset {:>10}  length {:>10}  CRC {}\n", printable(c.type),
                           c.offset, c.length, c.crc_ok ? "ok" : "BAD");
  return out;
}

Json error_json(const Error& e) {
  Json j{{"code", e.code}, {"message", e.message}};
  j["offset"] = e.offset ? Json(*e.offset) : Json(nullptr);
  return j;
}

// report(file, error): `kit inspect: FILE: message (at byte N)` on stderr (an error from
// opening the file names it already).
void report(const std::string& file, Error e) {
  if (e.kind != ErrorKind::io) e.message = fmt::format("{}: {}", file, e.message);
  core::report_error("inspect", e);
}

int run_inspect(const InspectOptions& o) {
  if (o.hex < 0)
    return core::report_error("inspect", make_error(ErrorKind::invalid_argument, "inspect.usage",
                                                    fmt::format("--hex {}: a byte count cannot "
                                                                "be negative",
                                                                o.hex)));
  core::Output out({.json = o.json, .command = "inspect"});
  // --json: one file's object on a line of its own; several files' as JSON Lines records,
  // then a summary, as the other commands that stream write them.
  const bool lines = o.json && o.files.size() > 1;
  auto put = [&](const Json& doc) {
    if (lines)
      out.record(doc);
    else
      out.text(doc.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n");
  };
  int status = core::exit_ok;
  std::size_t ok = 0, corrupt = 0, errors = 0;
  bool first = true;
  for (const std::string& name : o.files) {
    Json doc{{"file", name}};
    auto file = core::InputFile::load(name);
    std::string_view bytes = file ? file->bytes() : std::string_view{};
    bin::FileFormat format = file ? bin::detect_format(bytes) : bin::FileFormat::unknown;
    Result<bin::FileInfo> info =
        file ? bin::inspect(bytes) : Result<bin::FileInfo>(tl::unexpected(file.error()));
    if (!info && format == bin::FileFormat::unknown) {  // unreadable, or not a format kit knows
      report(name, info.error());
      status = core::exit_usage;
      ++errors;
      if (o.json) {
        doc["format"] = nullptr;
        doc["ok"] = false;
        doc["error"] = error_json(info.error());
        doc["problems"] = Json::array();
        put(doc);
      }
      continue;
    }
    Report r = info ? describe(*info, format, bytes) : Report{format, {}, {info.error()}};
    if (!r.problems.empty() && status == core::exit_ok) status = core::exit_failed;
    ++(r.problems.empty() ? ok : corrupt);
    std::size_t hex = std::min(static_cast<std::size_t>(o.hex), bytes.size());
    if (o.json) {
      doc["format"] = bin::format_name(format);
      doc["ok"] = r.problems.empty();
      Json problems = Json::array();
      for (const Error& e : r.problems) problems.push_back(error_json(e));
      doc["problems"] = problems;
      for (const Field& f : r.fields.fields())
        if (!f.key.empty()) doc[f.key] = f.value;
      if (hex != 0) doc["hex"] = bin::to_hex(bytes.substr(0, hex));
      put(doc);
    } else {
      std::string block;
      if (o.files.size() > 1) block += fmt::format("{}==> {} <==\n", first ? "" : "\n", name);
      block += text_block(r, info ? &*info : nullptr, o.chunks);
      if (hex != 0) block += bin::hexdump(bytes.substr(0, hex));
      out.text(block);
      first = false;
    }
    for (const Error& e : r.problems) report(name, e);
  }
  if (lines)
    out.summary(
        Json{{"files", o.files.size()}, {"ok", ok}, {"corrupt", corrupt}, {"errors", errors}});
  int written = out.finish();
  return written != core::exit_ok ? written : status;
}

}  // namespace

Runner register_inspect(CLI::App& app) {
  auto o = std::make_shared<InspectOptions>();
  app.add_option("FILE", o->files, "files to inspect (- for stdin)")->required();
  app.add_flag("--chunks", o->chunks, "PNG: one line per chunk (type, offset, length, CRC)");
  app.add_option("--hex", o->hex, "also a hex dump of the first N bytes");
  add_json_flag(app, o->json);
  return [o] { return run_inspect(*o); };
}

}  // namespace kit::cli
