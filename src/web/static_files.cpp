// Static files as Starlette's StaticFiles (starlette/staticfiles.py) plus what its users asked
// for: one Range (206/416), If-None-Match and If-Modified-Since (304), HEAD, and a path that
// cannot leave the folder. Where kit differs from Starlette 0.26:
//  - the ETag is quoted (RFC 9110) and hashes mtime in nanoseconds, size and inode;
//  - a file the server may not read is 404, not 401;
//  - an unknown extension is application/octet-stream (Starlette: text/plain);
//  - `Range` with more than one range answers 200 with the whole file (no multipart/byteranges),
//    a Range that does not parse is ignored (200), and If-Range is honoured.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kit/core/file.hpp"
#include "kit/core/text.hpp"
#include "kit/hash.hpp"
#include "kit/web/static_files.hpp"

#include "kit/cache/file_cache.hpp"
#include "range.hpp"

namespace kit::web {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

struct MediaType {
  std::string_view extension;
  std::string_view type;
};
// Python's mimetypes where it agrees with browsers; text/* carries charset=utf-8 (Starlette).
constexpr std::array<MediaType, 36> kMediaTypes = {{
    {"avif", "image/avif"},
    {"bmp", "image/bmp"},
    {"css", "text/css; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"gif", "image/gif"},
    {"gz", "application/gzip"},
    {"htm", "text/html; charset=utf-8"},
    {"html", "text/html; charset=utf-8"},
    {"ico", "image/vnd.microsoft.icon"},
    {"jpeg", "image/jpeg"},
    {"jpg", "image/jpeg"},
    {"js", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"md", "text/markdown; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"mp3", "audio/mpeg"},
    {"mp4", "video/mp4"},
    {"ogg", "audio/ogg"},
    {"otf", "font/otf"},
    {"pdf", "application/pdf"},
    {"png", "image/png"},
    {"svg", "image/svg+xml"},
    {"tar", "application/x-tar"},
    {"ttf", "font/ttf"},
    {"txt", "text/plain; charset=utf-8"},
    {"wasm", "application/wasm"},
    {"wav", "audio/x-wav"},
    {"webm", "video/webm"},
    {"webmanifest", "application/manifest+json"},
    {"webp", "image/webp"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"xml", "text/xml; charset=utf-8"},
    {"yaml", "application/yaml"},
    {"zip", "application/zip"},
}};

std::string_view media_type(std::string_view file_name) {
  const auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return "application/octet-stream";
  const std::string ext = lower(file_name.substr(dot + 1));
  for (const auto& m : kMediaTypes)
    if (m.extension == ext) return m.type;
  return "application/octet-stream";
}

// A segment that is "." or ".." once its %2e escapes are read, or that hides a separator or
// NUL behind an escape: the router has decoded the path once already, so these come from a
// double-encoded request, which is an attempt, never a file name.
bool hostile_segment(std::string_view segment) {
  const std::string lo = lower(segment);
  if (lo.find("%2f") != std::string::npos || lo.find("%5c") != std::string::npos ||
      lo.find("%00") != std::string::npos)
    return true;
  std::string dots;
  for (std::size_t i = 0; i < lo.size(); ++i) {
    if (lo.compare(i, 3, "%2e") == 0) {
      dots += '.';
      i += 2;
    } else {
      dots += lo[i];
    }
  }
  return dots == ".." || (dots == "." && segment != ".");
}

// The request's path inside the folder, or nullopt for anything that tries to leave it: `..`,
// an absolute path, NUL, a backslash, escaped dots or separators. "." and empty segments go.
std::optional<std::string> relative_path(std::string_view path) {
  if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos)
    return std::nullopt;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);  // the mount's separator
  if (!path.empty() && path.front() == '/') return std::nullopt;    // "//etc/passwd"
  std::string out;  // "css/site.css", "" for the folder itself
  while (!path.empty()) {
    const auto slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    if (segment == ".." || hostile_segment(segment)) return std::nullopt;
    if (!segment.empty() && segment != ".") {
      if (!out.empty()) out += '/';
      out += segment;
    }
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

std::optional<std::string> real_path(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (resolved == nullptr) return std::nullopt;
  std::string out(resolved);
  std::free(resolved);
  return out;
}

struct OpenFile {
  std::shared_ptr<kit::core::FileDescriptor> fd;
  struct stat st {};
  std::string real;
};

// open_inside(root, relative): the file or folder at root/relative when its real path (every
// symlink followed) is still inside root; nullopt otherwise or when it cannot be opened.
std::optional<OpenFile> open_inside(const std::string& root, const std::string& relative) {
  const std::string joined = relative.empty() ? root : root + "/" + relative;
  auto real = real_path(joined);
  if (!real) return std::nullopt;
  const bool inside = *real == root || root == "/" ||
                      (real->size() > root.size() && real->compare(0, root.size(), root) == 0 &&
                       (*real)[root.size()] == '/');
  if (!inside) return std::nullopt;
  // O_NONBLOCK: a FIFO in the folder must not hang the request (it is refused below anyway).
  const int raw = ::open(real->c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (raw < 0) return std::nullopt;
  OpenFile f;
  f.fd = std::make_shared<kit::core::FileDescriptor>(raw);
  if (::fstat(raw, &f.st) != 0) return std::nullopt;
  if (S_ISREG(f.st.st_mode)) {
    const int flags = ::fcntl(raw, F_GETFL);
    if (flags >= 0) ::fcntl(raw, F_SETFL, flags & ~O_NONBLOCK);
  }
  f.real = std::move(*real);
  return f;
}

std::string entity_tag(const struct stat& st) {
  const auto mtime_ns =
      static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL + st.st_mtim.tv_nsec;
  const std::string basis =
      std::to_string(mtime_ns) + "-" + std::to_string(st.st_size) + "-" + std::to_string(st.st_ino);
  auto md5 = kit::hash::digest("md5", basis);
  return "\"" + (md5 ? kit::core::to_hex(*md5) : basis) + "\"";
}

// If-Range: the range applies only to the representation the client already holds part of:
// the same strong ETag, or exactly the same Last-Modified date.
bool if_range_holds(std::string_view if_range, const std::string& etag, std::int64_t mtime) {
  while (!if_range.empty() && (if_range.front() == ' ' || if_range.front() == '\t'))
    if_range.remove_prefix(1);
  while (!if_range.empty() && (if_range.back() == ' ' || if_range.back() == '\t'))
    if_range.remove_suffix(1);
  if (if_range.substr(0, 2) == "W/") return false;  // weak tags never match for ranges
  if (!if_range.empty() && if_range.front() == '"') return if_range == etag;
  const auto date = detail::parse_http_date(if_range);
  return date && *date == mtime;
}

struct StaticState {
  StaticOptions options;
  std::optional<std::string> root;  // the folder's real path, when it existed at the start

  [[nodiscard]] std::optional<std::string> root_path() const {
    return root ? root : real_path(options.directory.string());
  }
};

// The body of a 200 or a 206: `length` bytes of `file` from `offset`.
//
// The seam for kit::cache::FileCache (StaticOptions::cache; plugged in by the lead): with a
// cache, `state.options.cache->open(file.real)` (the real path, already checked to be inside
// the folder) gives a FileHandle; in_memory() -> Response::shared_body = handle.bytes for the
// whole file (a range: a copy of its slice in Response::body), else a FileBody on handle.fd.
// The ETag and Last-Modified above come from `file.st`: take them from the handle instead
// (handle.etag) so that one tag names one version, whichever path served it. Without a cache,
// the file is streamed from the descriptor opened here.
void attach_body(const StaticState& state, OpenFile& file, std::uint64_t offset,
                 std::uint64_t length, Response& response) {
  if (state.options.cache) {
    // A small file comes from memory, one buffer shared by every response that sends it.
    auto handle = state.options.cache->open(file.real);
    if (handle && handle->in_memory() &&
        handle->size == static_cast<std::uint64_t>(file.st.st_size)) {
      if (offset == 0 && length == handle->size)
        response.shared_body = handle->bytes;
      else
        response.body = handle->bytes->substr(offset, length);
      return;
    }
  }
  FileBody body;
  body.fd = file.fd->get();
  body.offset = offset;
  body.length = length;
  body.keep = file.fd;  // the descriptor lives as long as the send needs it
  response.file = std::move(body);
}

Response serve_file(const StaticState& state, const Request& request, OpenFile& file, int status) {
  const std::string etag = entity_tag(file.st);
  const std::int64_t mtime = file.st.st_mtim.tv_sec;
  const auto size = static_cast<std::uint64_t>(file.st.st_size);

  // RFC 9110 §13.2.2: If-None-Match, when present, decides alone.
  if (status == 200) {
    bool not_modified = false;
    if (auto inm = request.headers.get("If-None-Match")) {
      not_modified = detail::etag_matches(*inm, etag);
    } else if (auto ims = request.headers.get("If-Modified-Since")) {
      const auto since = detail::parse_http_date(*ims);
      not_modified = since && mtime <= *since;
    }
    if (not_modified) {
      Response r;
      r.status = 304;  // with Starlette's NotModifiedResponse headers: the ETag
      r.headers.set("ETag", etag);
      return r;
    }
  }

  Response r;
  r.status = status;
  r.headers.set("Content-Type", media_type(file.real));
  r.headers.set("Accept-Ranges", "bytes");
  r.headers.set("Last-Modified", detail::format_http_date(mtime));
  r.headers.set("ETag", etag);

  // Ranges are defined for GET only (RFC 9110 §14.2): HEAD gets the whole file's headers.
  const auto range_header = request.headers.get("Range");
  if (status == 200 && request.method == "GET" && range_header) {
    const auto if_range = request.headers.get("If-Range");
    if (!if_range || if_range_holds(*if_range, etag, mtime)) {
      const detail::ByteRange range = detail::parse_range(*range_header, size);
      if (range.kind == detail::RangeKind::unsatisfiable) {
        Response bad = Response::error(416);
        bad.headers.set("Content-Range", "bytes */" + std::to_string(size));
        return bad;
      }
      if (range.kind == detail::RangeKind::single) {
        r.status = 206;
        r.headers.set("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                           std::to_string(range.last) + "/" + std::to_string(size));
        attach_body(state, file, range.first, range.last - range.first + 1, r);
        return r;
      }
    }
  }
  attach_body(state, file, 0, size, r);
  return r;
}

Response not_found(const StaticState& state, const Request& request, const std::string& root) {
  if (state.options.html) {  // Starlette's html mode: the folder's 404.html, if it has one
    auto page = open_inside(root, "404.html");
    if (page && S_ISREG(page->st.st_mode)) return serve_file(state, request, *page, 404);
  }
  return Response::error(404);
}

Response respond_static(const StaticState& state, const Request& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    Response r = Response::error(405);
    r.headers.set("Allow", "GET, HEAD");
    return r;
  }
  const auto root = state.root_path();
  if (!root) return Response::error(404);
  std::string_view param;
  if (auto it = request.path_params.find("path"); it != request.path_params.end())
    if (const auto* text = std::get_if<std::string>(&it->second)) param = *text;
  const auto relative = relative_path(param);
  if (!relative) return Response::error(404);  // never a 404.html page for an attempt
  auto file = open_inside(*root, *relative);
  if (!file) return not_found(state, request, *root);
  if (S_ISREG(file->st.st_mode)) return serve_file(state, request, *file, 200);
  if (S_ISDIR(file->st.st_mode) && state.options.html) {
    auto index = open_inside(
        *root, relative->empty() ? std::string("index.html") : *relative + "/index.html");
    if (index && S_ISREG(index->st.st_mode)) {
      // A folder's URL ends with "/" (Starlette redirects), so the page's relative links work.
      const std::string_view target = request.target;
      const auto query = target.find('?');
      const std::string_view target_path = target.substr(0, query);
      if (!target_path.empty() && target_path.back() != '/') {
        std::string location(target_path);
        location += '/';
        if (query != std::string_view::npos) location += target.substr(query);
        return Response::redirect(location);
      }
      return serve_file(state, request, *index, 200);
    }
  }
  return not_found(state, request, *root);
}

}  // namespace

AsyncHandler static_files(StaticOptions options) {
  auto state = std::make_shared<StaticState>();
  state->root = real_path(options.directory.string());
  state->options = std::move(options);
  return [state = std::shared_ptr<const StaticState>(std::move(state))](
             Request& request, Responder respond) { respond(respond_static(*state, request)); };
}

}  // namespace kit::web
