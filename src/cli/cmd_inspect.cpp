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
#include "kit/binary/describe.hpp"
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
    bin::InspectReport r =
        info ? bin::describe(*info, format, bytes) : bin::InspectReport{format, {}, {info.error()}};
    if (!r.problems.empty() && status == core::exit_ok) status = core::exit_failed;
    ++(r.problems.empty() ? ok : corrupt);
    std::size_t hex = std::min(static_cast<std::size_t>(o.hex), bytes.size());
    if (o.json) {
      doc["format"] = bin::format_name(format);
      doc["ok"] = r.problems.empty();
      Json problems = Json::array();
      for (const Error& e : r.problems) problems.push_back(error_json(e));
      doc["problems"] = problems;
      for (const bin::InspectField& f : r.fields)
        if (!f.key.empty()) doc[f.key] = f.value;
      if (hex != 0) doc["hex"] = bin::to_hex(bytes.substr(0, hex));
      put(doc);
    } else {
      std::string block;
      if (o.files.size() > 1) block += fmt::format("{}==> {} <==\n", first ? "" : "\n", name);
      block += bin::text_block(r, info ? &*info : nullptr, o.chunks);
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
