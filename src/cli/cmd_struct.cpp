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
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "kit/binary.hpp"
#include "kit/core/buffer.hpp"
#include "kit/core/csv.hpp"
#include "kit/core/file.hpp"
#include "kit/core/output.hpp"
#include "kit/core/parallel.hpp"
#include "kit/core/file.hpp"
#include "kit/core/text.hpp"

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

void append_csv_record(std::string& out, const std::vector<bin::Value>& record) {
  for (std::size_t i = 0; i < record.size(); ++i) {
    if (i != 0) out += ',';
    const bin::Value& v = record[i];
    if (const auto* bytes = std::get_if<std::string>(&v))
      out += bin::to_hex(*bytes);  // bytes as hex: CSV fields stay printable
    else if (const auto* d = std::get_if<double>(&v))
      bin::append_float_repr(out, *d);
    else
      bin::append_repr(out, v);
  }
  out += '\n';
}

// read_values(s, texts, values): one literal per field of s, into values (reused).
template <class Texts>
Result<void> read_values(const bin::Struct& s, const Texts& texts,
                         std::vector<bin::Value>& values) {
  if (texts.size() != s.count())
    return tl::unexpected(make_error(
        ErrorKind::invalid_argument, "binary.bad_count",
        fmt::format("pack expected {} items for packing (got {})", s.count(), texts.size())));
  values.clear();
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto v = bin::parse_literal(texts[i], s.code_at(i));
    if (!v) {
      v.error().message = fmt::format("item {}: {}", i + 1, v.error().message);
      return tl::unexpected(v.error());
    }
    values.push_back(std::move(*v));
  }
  return {};
}

// A piece of CSV packed: its records, or the first error (its line counted from the piece's
// start); `quoted` when the piece has a quote in it.
struct PackedPiece {
  Result<core::Buffer> records;
  bool quoted = false;
};

// pack_segment(s, csv): the records of a piece of CSV, plain lines through Struct::pack_plain
// and the rest (quotes, blanks, bytes, errors) through the CSV reader and parse_literal.
PackedPiece pack_segment(const bin::Struct& s, std::string_view csv, core::Buffer into = {}) {
  core::CsvReader reader(csv);
  core::CsvRecordView row;
  std::vector<bin::Value> values;
  PackedPiece piece{std::move(into), false};
  core::Buffer& packed = *piece.records;
  // Room for the records that lines as long as the first 64 KiB's would make, and a quarter
  // more: a count of every line would read the whole piece twice. Unused room costs nothing.
  const std::string_view sample = csv.substr(0, 64 << 10);
  const auto sample_lines = static_cast<std::size_t>(std::count(sample.begin(), sample.end(), '\n'));
  if (!csv.empty()) packed.reserve((csv.size() * sample_lines / sample.size() * 5 / 4 + 16) * s.size());
  while (true) {
    const std::string_view rest = reader.rest();
    char* record = packed.extend(s.size());
    if (const std::size_t read = s.pack_plain(rest, record)) {
      reader.skip_line(read);
      continue;
    }
    packed.resize(packed.size() - s.size());
    piece.quoted = piece.quoted || rest.substr(0, rest.find('\n')).find('"') != std::string_view::npos;
    auto more = reader.next(row);
    if (!more) {
      piece.records = tl::unexpected(more.error());
      return piece;
    }
    if (!*more) break;
    auto read = read_values(s, row.fields, values);
    if (read) {
      packed.extend(s.size());
      read = s.pack_into(std::span<char>(packed.data(), packed.size()), packed.size() - s.size(), values);
    }
    if (!read) {
      read.error().position = TextPosition{row.line, 1};
      piece.records = tl::unexpected(read.error());
      return piece;
    }
  }
  return piece;
}

int run_pack_csv(const StructOptions& o, const bin::Struct& s) {
  if (core::is_terminal(1))
    return core::report_error(o.name, usage_error("refusing to write binary records to a terminal "
                                                  "(redirect stdout to a file)"));
  // Pieces of 4 MiB less the end of a line: each worker's buffer stays two huge pages.
  auto pieces = core::LinePieces::of_file(*o.csv_in, (std::size_t{4} << 20) - (std::size_t{8} << 10));
  if (!pieces) return core::report_error(o.name, pieces.error());
  // Pieces cut at line ends are read and packed on every core. A quoted field may hold a line
  // end, so from the first piece with a quote on, a cut may fall inside a field: the rest of
  // the text is packed again as one piece, and the pieces after it are dropped.
  core::BufferPool spare;  // output buffers written out, for the pieces still to pack
  auto pack = [&](std::size_t first, std::size_t last, core::Buffer& buffer) {
    auto text = pieces->read(first, last, buffer);
    if (!text) return PackedPiece{tl::unexpected(text.error()), false};
    return pack_segment(s, first == 0 ? core::strip_bom(*text) : *text, spare.take());
  };
  core::Output out({.command = o.name});
  int status = core::exit_ok;
  auto write = [&](std::size_t first, Result<core::Buffer>& packed) {
    if (packed) {
      out.text(packed->view());
      spare.give(std::move(*packed));
      return;
    }
    Error e = packed.error();
    if (e.position) {  // lines counted from the piece: add the lines before it
      std::size_t lines_before = 0;
      core::Buffer buffer;
      for (std::size_t i = 0; i < first; ++i)
        if (auto text = pieces->read(i, i + 1, buffer))
          lines_before += static_cast<std::size_t>(std::count(text->begin(), text->end(), '\n'));
      e.position->line += lines_before;
    }
    status = core::report_error(o.name, e);
  };
  bool sequential = false;
  core::for_each_ordered(
      pieces->count(), core::hardware_jobs(),
      [&](std::size_t i) {
        thread_local core::Buffer buffer;  // reused: its pages are faulted in once per thread
        return pack(i, i + 1, buffer);
      },
      [&](std::size_t i, PackedPiece piece) {
        if (status != core::exit_ok || sequential) return;
        if (piece.quoted && i + 1 < pieces->count()) {
          sequential = true;
          core::Buffer buffer;
          PackedPiece rest = pack(i, pieces->count(), buffer);
          write(i, rest.records);
          return;
        }
        write(i, piece.records);
      });
  const int written = out.finish();
  return status != core::exit_ok ? status : written;
}

// format_records(s, bytes, csv, into): whole records as repr lines, or CSV lines, into a
// buffer (in huge pages, reused: fresh 4 KiB pages were a third of unpack's time).
core::Buffer format_records(const bin::Struct& s, std::string_view bytes, bool csv, core::Buffer into) {
  into.reserve(bytes.size() / std::max<std::size_t>(1, s.size()) * (s.count() * 24 + 2));
  std::vector<bin::Value> record;
  std::string line;
  for (std::size_t at = 0; at + s.size() <= bytes.size(); at += s.size()) {
    s.unpack_record(bytes.data() + at, record);
    line.clear();
    if (csv) {
      append_csv_record(line, record);
    } else {
      line += bin::repr(record);
      line += '\n';
    }
    into.append(line);
  }
  return into;
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
          return format_records(s, whole.substr(i * per_piece, per_piece), o.csv, spare.take());
        },
        [&](std::size_t, core::Buffer piece) {
          out.text(piece.view());
          spare.give(std::move(piece));
        });
  };
  const std::size_t window = std::max<std::size_t>(1, (8u << 20) / s.size()) * s.size();
  std::size_t carry = 0;  // bytes after the last whole record
  std::size_t available = 0;  // bytes the input has, when it ends before --offset
  bool past_end = false, read_error = false;

  struct stat st {};
  if (*o.file != "-" && ::stat(o.file->c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    // A regular file is read whole (into huge pages, on every core), and its records are
    // formatted where they lie.
    auto input = core::InputFile::load(*o.file, core::InputFile::Access::copied);
    if (!input) return core::report_error(o.name, input.error());
    std::string_view bytes = input->bytes();
    if (o.offset > bytes.size()) {
      past_end = true;
      available = bytes.size();
    } else {
      bytes.remove_prefix(o.offset);
      const std::size_t whole = bytes.size() / s.size() * s.size();
      for (std::size_t at = 0; at < whole; at += window) emit(bytes.substr(at, std::min(window, whole - at)));
      carry = bytes.size() - whole;
    }
  } else {
    std::FILE* in = *o.file == "-" ? stdin : std::fopen(o.file->c_str(), "rb");
    if (in == nullptr)
      return core::report_error(
          o.name, make_error(ErrorKind::io, "core.open",
                             fmt::format("cannot open '{}': {}", *o.file, std::strerror(errno))));
    std::vector<char> block(window);
    std::size_t skipped = 0;
    while (skipped < o.offset) {
      const std::size_t got = std::fread(block.data(), 1, std::min(block.size(), o.offset - skipped), in);
      if (got == 0) break;
      skipped += got;
    }
    if (skipped < o.offset) {
      past_end = true;
      available = skipped;
    } else {
      while (true) {
        const std::size_t got = std::fread(block.data() + carry, 1, block.size() - carry, in);
        const std::size_t have = carry + got;
        const std::size_t whole = have / s.size() * s.size();
        emit(std::string_view(block.data(), whole));
        carry = have - whole;
        std::memmove(block.data(), block.data() + whole, carry);
        if (got == 0) break;
      }
      read_error = std::ferror(in) != 0;
    }
    if (in != stdin) std::fclose(in);
  }

  int status = core::exit_ok;
  if (past_end)
    status = core::report_error(o.name, make_error(ErrorKind::malformed_input, "binary.bad_size",
                                                   fmt::format("--offset {} is past the end of "
                                                               "'{}' ({} bytes)",
                                                               o.offset, *o.file, available)));
  else if (read_error)
    status = core::report_error(
        o.name, make_error(ErrorKind::io, "core.read", fmt::format("cannot read '{}'", *o.file)));
  else if (carry != 0)
    status = core::report_error(
        o.name, make_error(ErrorKind::malformed_input, "binary.bad_size",
                           fmt::format("'{}' ends with {} bytes, not a whole record of {}",
                                       *o.file, carry, s.size())));
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
      if (auto read = read_values(*s, o.values, values); !read)
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
