// kit struct — pack and unpack binary records with Python struct format strings.
//
// Standard: CPython 3.11's struct module. `kit struct calcsize F` prints struct.calcsize(F),
// `kit struct pack F V...` struct.pack(F, *V).hex(), `kit struct unpack F H`
// repr(struct.unpack(F, bytes.fromhex(H))). Table row: KIT_COMMAND(struct, …) in commands.def.
// Docs: docs/commands/struct.md.
//
// usage: kit struct calcsize FMT
//        kit struct pack FMT VALUE...            the packed bytes as hex
//        kit struct pack FMT --csv IN            CSV rows -> binary records on stdout
//        kit struct unpack FMT HEX [--json]      Python's repr of the tuple
//        kit struct unpack FMT --file F [--offset N] [--csv | --json]   every record, streaming
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "kit/binary.hpp"
#include "kit/binary/records.hpp"
#include "kit/core/buffer.hpp"
#include "kit/core/output.hpp"
#include "kit/core/parallel.hpp"

namespace kit::cli {

namespace bin = kit::binary;
using nlohmann::json;

namespace {

struct StructOptions {
  enum class Action { calcsize, pack, unpack };
  Action action = Action::calcsize;
  std::string name = "struct";
  std::string format;
  std::vector<std::string> values;  // pack: VALUE...; unpack: HEX
  std::optional<std::string> csv_in, file;
  std::size_t offset = 0;
  bool csv = false, json = false;
};

Error usage_error(std::string message) {
  return make_error(ErrorKind::invalid_argument, "struct.usage", std::move(message));
}

json value_json(const bin::Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* u = std::get_if<std::uint64_t>(&v)) return *u;
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  if (const auto* d = std::get_if<double>(&v)) {
    // JSON has no inf or nan: those go out as strings, as Python's repr writes them.
    if (std::isfinite(*d)) return *d;
    return bin::float_repr(*d);
  }
  return bin::to_hex(std::get<std::string>(v));
}

int run_pack_csv(const StructOptions& o, const bin::Struct& s) {
  if (core::is_terminal(1))
    return core::report_error(o.name, usage_error("refusing to write binary records to a terminal "
                                                  "(redirect stdout to a file)"));
  core::Output out({.command = o.name});
  auto packed =
      bin::pack_csv_file(s, *o.csv_in, [&](std::string_view records) { out.text(records); });
  const int status = packed ? core::exit_ok : core::report_error(o.name, packed.error());
  const int written = out.finish();
  return status != core::exit_ok ? status : written;
}

int run_unpack_file(const StructOptions& o, const bin::Struct& s) {
  if (s.size() == 0)
    return core::report_error(o.name, usage_error("cannot unpack records of 0 bytes"));
  core::Output out({.json = o.json, .command = o.name});
  std::size_t records = 0;
  std::vector<bin::Value> record;
  core::BufferPool spare;  // output buffers written out, for the pieces still to format
  // emit(whole): a run of whole records out, as JSON Lines, or formatted on every core in
  // pieces that are written in order.
  auto emit = [&](std::string_view whole) {
    records += whole.size() / s.size();
    if (o.json) {
      for (std::size_t at = 0; at < whole.size(); at += s.size()) {
        s.unpack_record(whole.data() + at, record);
        json data = json::array();
        for (const bin::Value& v : record) data.push_back(value_json(v));
        out.record(data);
      }
      return;
    }
    const std::size_t per_piece = std::max<std::size_t>(1, whole.size() / s.size() / 8) * s.size();
    const std::size_t count = (whole.size() + per_piece - 1) / per_piece;
    core::for_each_ordered(
        count, core::hardware_jobs(),
        [&](std::size_t i) {
          return bin::format_records(s, whole.substr(i * per_piece, per_piece),
                                     o.csv ? bin::RecordText::csv : bin::RecordText::repr,
                                     spare.take());
        },
        [&](std::size_t, core::Buffer piece) {
          out.text(piece.view());
          spare.give(std::move(piece));
        });
  };
  auto reader = bin::RecordReader::of_file(*o.file, s.size(), o.offset);
  if (!reader) return core::report_error(o.name, reader.error());
  int status = core::exit_ok;
  while (true) {
    auto run = reader->next();
    if (!run) {
      status = core::report_error(o.name, run.error());
      break;
    }
    if (run->empty()) break;
    emit(*run);
  }
  if (o.json) out.summary({{"records", records}, {"record_size", s.size()}});
  const int written = out.finish();
  return status != core::exit_ok ? status : written;
}

int run_struct(const StructOptions& o) {
  auto s = bin::Struct::compile(o.format);
  if (!s) return core::report_error(o.name, s.error());
  core::Output out({.json = o.json, .command = o.name});
  switch (o.action) {
    case StructOptions::Action::calcsize:
      if (o.json)
        out.document({{"format", o.format}, {"size", s->size()}, {"values", s->count()}});
      else
        out.text(fmt::format("{}\n", s->size()));
      return out.finish();
    case StructOptions::Action::pack: {
      if (o.csv_in) {
        if (!o.values.empty())
          return core::report_error(o.name, usage_error("give VALUEs or --csv, not both"));
        return run_pack_csv(o, *s);
      }
      std::vector<bin::Value> values;
      if (auto read = s->parse_values(o.values, values); !read)
        return core::report_error(o.name, read.error());
      auto packed = s->pack(values);
      if (!packed) return core::report_error(o.name, packed.error());
      if (o.json)
        out.document({{"hex", bin::to_hex(*packed)}, {"size", packed->size()}});
      else
        out.text(bin::to_hex(*packed) + "\n");
      return out.finish();
    }
    case StructOptions::Action::unpack: {
      if (o.file) {
        if (!o.values.empty())
          return core::report_error(o.name, usage_error("give HEX or --file, not both"));
        return run_unpack_file(o, *s);
      }
      if (o.values.size() != 1)
        return core::report_error(o.name,
                                  usage_error("unpack takes one HEX argument (or --file F)"));
      if (o.offset != 0 || o.csv)
        return core::report_error(o.name, usage_error("--offset and --csv go with --file"));
      auto bytes = bin::from_hex(o.values[0]);
      if (!bytes) return core::report_error(o.name, bytes.error());
      auto values = s->unpack(*bytes);
      if (!values) return core::report_error(o.name, values.error());
      if (o.json) {
        json list = json::array();
        for (const bin::Value& v : *values) list.push_back(value_json(v));
        out.document(list);
      } else {
        out.text(bin::repr(*values) + "\n");
      }
      return out.finish();
    }
  }
  return core::exit_usage;
}

}  // namespace

Runner register_struct(CLI::App& app) {
  auto o = std::make_shared<StructOptions>();
  app.require_subcommand(1);
  using Action = StructOptions::Action;
  std::vector<std::pair<CLI::App*, Action>> tools;
  auto tool = [&](const char* name, const char* help, Action action) {
    CLI::App* sub = app.add_subcommand(name, help);
    sub->add_option("FMT", o->format, "struct format string, e.g. <IHf")->required();
    add_json_flag(*sub, o->json);
    tools.emplace_back(sub, action);
    return sub;
  };
  tool("calcsize", "The size of a record in bytes (struct.calcsize)", Action::calcsize);
  CLI::App* pack = tool("pack", "Pack values into bytes, printed as hex; or CSV rows into records",
                        Action::pack);
  pack->add_option("VALUE", o->values, "Python literals: 42, -1, 0x1f, 3.14, True, b'ab', or hex");
  pack->add_option("--csv", o->csv_in, "CSV file of records (- for stdin); binary goes to stdout");
  CLI::App* unpack =
      tool("unpack", "Unpack hex bytes, or every record of a file, into values", Action::unpack);
  unpack->add_option("HEX", o->values, "the record as hex digits (spaces allowed)");
  unpack->add_option("--file", o->file, "file of records (- for stdin), unpacked as a stream");
  unpack->add_option("--offset", o->offset, "bytes to skip at the start of --file");
  unpack->add_flag("--csv", o->csv, "one CSV line a record (bytes as hex)");
  return [o, tools] {
    for (const auto& [sub, action] : tools)
      if (sub->parsed()) {
        o->action = action;
        o->name = "struct " + sub->get_name();
      }
    return run_struct(*o);
  };
}

}  // namespace kit::cli
