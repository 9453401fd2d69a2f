// GZip as Starlette's GZipMiddleware (starlette/middleware/gzip.py): a body held in memory of
// at least minimum_size bytes, for a client that accepts gzip, goes compressed (zlib's gzip
// wrapper) with Content-Encoding: gzip, Vary: Accept-Encoding and its new Content-Length; a
// response that already has a Content-Encoding goes as it is. Bodies streamed from a file
// (FileBody: static files, ranges) are never compressed: their length is already promised.
// Where kit differs: Accept-Encoding is read as a list, so `gzip;q=0` (refused) and
// `x-gzipfoo` are not taken for gzip (Starlette looks for the substring "gzip"); a partial
// response (206, or any with Content-Range) goes as it is, since its range counts bytes of the
// uncompressed file; a strong ETag becomes weak (W/), as nginx does, because the compressed
// bytes are not the ones the tag was made for.
#include <zlib.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "kit/web/middleware.hpp"
#include "vary.hpp"

namespace kit::web {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lo = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return lo(x) == lo(y);
  });
}

// q=0, 0.0, 0.00, 0.000: "not acceptable" (RFC 9110 §12.4.2).
bool is_zero_q(std::string_view q) {
  if (q.empty() || q.front() != '0') return false;
  q.remove_prefix(1);
  if (q.empty()) return true;
  if (q.front() != '.') return false;
  q.remove_prefix(1);
  return std::all_of(q.begin(), q.end(), [](char c) { return c == '0'; });
}

bool accepts_gzip(std::string_view accept_encoding) {
  while (true) {
    const auto comma = accept_encoding.find(',');
    std::string_view item = accept_encoding.substr(0, comma);
    const auto semi = item.find(';');
    if (iequals(trim(item.substr(0, semi)), "gzip")) {
      bool refused = false;
      std::string_view params = semi == std::string_view::npos ? "" : item.substr(semi + 1);
      while (!params.empty()) {
        const auto next = params.find(';');
        const std::string_view p = trim(params.substr(0, next));
        if (p.size() >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=')
          refused = is_zero_q(trim(p.substr(2)));
        if (next == std::string_view::npos) break;
        params.remove_prefix(next + 1);
      }
      if (!refused) return true;
    }
    if (comma == std::string_view::npos) return false;
    accept_encoding.remove_prefix(comma + 1);
  }
}

std::optional<std::string> gzip_compress(std::string_view data, int level) {
  z_stream z{};
  // 15 + 16: a 32 KiB window with the gzip header and trailer (RFC 1952), as Python's gzip.
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return std::nullopt;
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 32, '\0');
  // zlib's API is not const-correct: next_in is only read.
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  const auto written = static_cast<std::size_t>(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return std::nullopt;
  out.resize(written);
  return out;
}

}  // namespace

Middleware gzip_middleware(GzipOptions options) {
  const std::size_t minimum = options.minimum_size;
  const int level = std::clamp(options.level, 0, 9);
  return [minimum, level](Request& request, Responder respond, const Next& next) {
    const auto accept = request.headers.get("Accept-Encoding");
    if (!accept || !accepts_gzip(*accept)) {
      next(request, std::move(respond));
      return;
    }
    next(request, std::move(respond).then([minimum, level](Response& r) {
      if (r.file || r.headers.contains("Content-Encoding")) return;
      if (r.status == 206 || r.headers.contains("Content-Range")) return;
      const std::string_view body = r.body_view();
      // A single deflate call takes at most 4 GiB (uInt); larger bodies go as they are.
      if (body.size() < minimum || body.size() > 0xFFFFFFFFu) return;
      auto compressed = gzip_compress(body, level);
      if (!compressed) return;
      r.body = std::move(*compressed);
      r.shared_body.reset();
      r.headers.set("Content-Encoding", "gzip");
      if (r.headers.contains("Content-Length"))
        r.headers.set("Content-Length", std::to_string(r.body.size()));
      detail::add_vary(r.headers, "Accept-Encoding");
      if (auto etag = r.headers.get("ETag"); etag && etag->substr(0, 2) != "W/")
        r.headers.set("ETag", "W/" + std::string(*etag));
    }));
  };
}

}  // namespace kit::web
