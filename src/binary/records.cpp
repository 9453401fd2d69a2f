// Files of records: CSV packed into records on every core, records read in runs, records as text.
#include "kit/binary/records.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/core.h>

#include "kit/core/csv.hpp"
#include "kit/core/parallel.hpp"
#include "kit/core/text.hpp"

namespace kit::binary {

namespace {

// A piece of CSV packed: its records, or the first error (its line counted from the piece's
// start); `quoted` when the piece has a quote in it.
struct PackedPiece {
  Result<core::Buffer> records;
  bool quoted = false;
};

// pack_piece(s, csv, into): plain lines through Struct::pack_plain, the rest (quotes, blanks,
// bytes, errors) through the CSV reader and parse_literal.
PackedPiece pack_piece(const Struct& s, std::string_view csv, core::Buffer into) {
  core::CsvReader reader(csv);
  core::CsvRecordView row;
  std::vector<Value> values;
  PackedPiece piece{std::move(into), false};
  core::Buffer& packed = *piece.records;
  // Room for the records that lines as long as the first 64 KiB's would make, and a quarter
  // more: a count of every line would read the whole piece twice. Unused room costs nothing.
  const std::string_view sample = csv.substr(0, 64 << 10);
  const auto sample_lines =
      static_cast<std::size_t>(std::count(sample.begin(), sample.end(), '\n'));
  if (!csv.empty())
    packed.reserve(packed.size() +
                   (csv.size() * sample_lines / sample.size() * 5 / 4 + 16) * s.size());
  while (true) {
    const std::string_view rest = reader.rest();
    char* record = packed.extend(s.size());
    if (const std::size_t read = s.pack_plain(rest, record)) {
      reader.skip_line(read);
      continue;
    }
    packed.resize(packed.size() - s.size());
    piece.quoted =
        piece.quoted || rest.substr(0, rest.find('\n')).find('"') != std::string_view::npos;
    auto more = reader.next(row);
    if (!more) {
      piece.records = tl::unexpected(more.error());
      return piece;
    }
    if (!*more) break;
    auto read = s.parse_values(row.fields, values);
    if (read) {
      packed.extend(s.size());
      read = s.pack_into(std::span<char>(packed.data(), packed.size()), packed.size() - s.size(),
                         values);
    }
    if (!read) {
      read.error().position = TextPosition{row.line, 1};
      piece.records = tl::unexpected(read.error());
      return piece;
    }
  }
  return piece;
}

}  // namespace

Result<core::Buffer> pack_csv(const Struct& s, std::string_view csv, core::Buffer into) {
  return pack_piece(s, core::strip_bom(csv), std::move(into)).records;
}

Result<void> pack_csv_file(const Struct& s, const std::string& path,
                           const std::function<void(std::string_view)>& write) {
  // Pieces of 4 MiB less the end of a line: each worker's buffer stays two huge pages.
  auto pieces = core::LinePieces::of_file(path, (std::size_t{4} << 20) - (std::size_t{8} << 10));
  if (!pieces) return tl::unexpected(pieces.error());
  // Pieces cut at line ends are read and packed on every core. A quoted field may hold a line
  // end, so from the first piece with a quote on, a cut may fall inside a field: the rest of
  // the text is packed again as one piece, and the pieces after it are dropped.
  core::BufferPool spare;  // output buffers written out, for the pieces still to pack
  auto pack = [&](std::size_t first, std::size_t last, core::Buffer& buffer) {
    auto text = pieces->read(first, last, buffer);
    if (!text) return PackedPiece{tl::unexpected(text.error()), false};
    return pack_piece(s, first == 0 ? core::strip_bom(*text) : *text, spare.take());
  };
  Result<void> status;
  auto hand_out = [&](std::size_t first, Result<core::Buffer>& packed) {
    if (packed) {
      write(packed->view());
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
    status = tl::unexpected(std::move(e));
  };
  bool sequential = false;
  core::for_each_ordered(
      pieces->count(), core::hardware_jobs(),
      [&](std::size_t i) {
        thread_local core::Buffer buffer;  // reused: its pages are faulted in once per thread
        return pack(i, i + 1, buffer);
      },
      [&](std::size_t i, PackedPiece piece) {
        if (!status || sequential) return;
        if (piece.quoted && i + 1 < pieces->count()) {
          sequential = true;
          core::Buffer buffer;
          PackedPiece rest = pack(i, pieces->count(), buffer);
          hand_out(i, rest.records);
          return;
        }
        hand_out(i, piece.records);
      });
  return status;
}

// ---- RecordReader ----------------------------------------------------------------------------

Result<RecordReader> RecordReader::of_file(const std::string& path, std::size_t record_size,
                                           std::size_t offset) {
  if (record_size == 0)
    return fail(ErrorKind::invalid_argument, "binary.bad_size", "cannot read records of 0 bytes");
  auto fd = core::open_for_reading(path);
  if (!fd) return tl::unexpected(fd.error());
  RecordReader reader;
  reader.path_ = path;
  reader.record_size_ = record_size;
  reader.offset_ = offset;
  reader.window_ = std::max<std::size_t>(1, (std::size_t{8} << 20) / record_size) * record_size;
  if (path != "-" && fd->regular_size()) {
    auto input = core::InputFile::load(path, core::InputFile::Access::copied);
    if (!input) return tl::unexpected(input.error());
    reader.whole_.emplace(std::move(*input));
  } else {
    reader.fd_ = std::move(*fd);
  }
  return reader;
}

Result<std::string_view> RecordReader::next() {
  if (done_) return std::string_view{};
  return whole_ ? next_whole() : next_streamed();
}

Result<std::string_view> RecordReader::next_whole() {
  const std::string_view bytes = whole_->bytes();
  if (!started_) {
    started_ = true;
    if (offset_ > bytes.size()) {
      past_end_ = true;
      skipped_ = bytes.size();
      return finish();
    }
    at_ = offset_;
  }
  const std::size_t left = bytes.size() - at_;
  const std::size_t whole = left / record_size_ * record_size_;
  if (whole == 0) {
    carry_ = left;
    return finish();
  }
  const std::string_view run = bytes.substr(at_, std::min(window_, whole));
  at_ += run.size();
  return run;
}

Result<std::string_view> RecordReader::next_streamed() {
  // fill(at, want): reads until `want` bytes are at block_[at..] or the stream ends.
  auto fill = [&](std::size_t at, std::size_t want) {
    std::size_t got = 0;
    while (got < want && !at_end_) {
      const ssize_t n = ::read(fd_.get(), block_.data() + at + got, want - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        at_end_ = true;
        read_failed_ = n < 0;
        break;
      }
      got += static_cast<std::size_t>(n);
    }
    return got;
  };
  if (!started_) {
    started_ = true;
    block_.resize(window_);
    while (skipped_ < offset_ && !at_end_)
      skipped_ += fill(0, std::min(block_.size(), offset_ - skipped_));
    if (skipped_ < offset_) {
      past_end_ = true;
      return finish();
    }
  }
  std::memmove(block_.data(), block_.data() + handed_, carry_);
  const std::size_t have = carry_ + fill(carry_, block_.size() - carry_);
  handed_ = have / record_size_ * record_size_;
  carry_ = have - handed_;
  if (handed_ == 0) return finish();
  return std::string_view(block_.data(), handed_);
}

Result<std::string_view> RecordReader::finish() {
  done_ = true;
  if (past_end_)
    return fail(
        ErrorKind::malformed_input, "binary.bad_size",
        fmt::format("offset {} is past the end of '{}' ({} bytes)", offset_, path_, skipped_));
  if (read_failed_) return fail(ErrorKind::io, "core.read", fmt::format("cannot read '{}'", path_));
  if (carry_ != 0)
    return fail(ErrorKind::malformed_input, "binary.bad_size",
                fmt::format("'{}' ends with {} bytes, not a whole record of {}", path_, carry_,
                            record_size_));
  return std::string_view{};
}

// ---- Records as text -------------------------------------------------------------------------

void append_csv_record(std::string& out, std::span<const Value> record) {
  for (std::size_t i = 0; i < record.size(); ++i) {
    if (i != 0) out += ',';
    const Value& v = record[i];
    if (const auto* bytes = std::get_if<std::string>(&v))
      out += to_hex(*bytes);
    else if (const auto* d = std::get_if<double>(&v))
      append_float_repr(out, *d);
    else
      append_repr(out, v);
  }
  out += '\n';
}

// Into a buffer (in huge pages, reused): fresh 4 KiB pages were a third of unpack's time.
core::Buffer format_records(const Struct& s, std::string_view bytes, RecordText text,
                            core::Buffer into) {
  if (s.size() == 0) return into;
  into.reserve(into.size() + bytes.size() / s.size() * (s.count() * 24 + 2));
  std::vector<Value> record;
  std::string line;
  for (std::size_t at = 0; at + s.size() <= bytes.size(); at += s.size()) {
    s.unpack_record(bytes.data() + at, record);
    line.clear();
    if (text == RecordText::csv) {
      append_csv_record(line, record);
    } else {
      line += repr(record);
      line += '\n';
    }
    into.append(line);
  }
  return into;
}

}  // namespace kit::binary
