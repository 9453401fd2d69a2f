// kit::web::static_files on a real folder: the handler called directly with a Request built by
// hand. Also the Range and date parsing behind it (src/web/range.hpp).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "../../src/web/range.hpp"
#include "kit/web/static_files.hpp"
#include "kit/web/test_client.hpp"

namespace {

namespace fs = std::filesystem;
using kit::web::Request;
using kit::web::Responder;
using kit::web::Response;
namespace d = kit::web::detail;

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string header(const Response& r, std::string_view name) {
  return std::string(r.headers.get(name).value_or("<none>"));
}

// The bytes a FileBody stands for, read back through its descriptor.
std::string file_bytes(const Response& r) {
  if (!r.file) return "<no file>";
  std::string out(r.file->length, '\0');
  const auto n = ::pread(r.file->fd, out.data(), out.size(), static_cast<off_t>(r.file->offset));
  if (n < 0 || static_cast<std::size_t>(n) != out.size()) return "<short read>";
  return out;
}

const std::string kHello = "Hello, static world!\n";  // 21 bytes

struct StaticFiles : ::testing::Test {
  fs::path base;  // holds public/ (served) and secret.txt (outside it)
  fs::path pub;

  StaticFiles() {
    std::string tmpl = (fs::temp_directory_path() / "kit-static-XXXXXX").string();
    base = ::mkdtemp(tmpl.data());
    pub = base / "public";
    write(pub / "hello.txt", kHello);
    write(pub / "site.css", "body{}");
    write(pub / "app.js", "1");
    write(pub / "data.json", "{}");
    write(pub / "logo.PNG", "png");
    write(pub / "icon.svg", "<svg/>");
    write(pub / "font.woff2", "w");
    write(pub / "mod.wasm", "w");
    write(pub / "blob.bin", "b");
    write(pub / "empty.txt", "");
    write(pub / "docs/index.html", "<h1>docs</h1>");
    write(pub / "docs/page.html", "<p>page</p>");
    write(pub / "nodex/readme.txt", "r");
    write(pub / "%2e%2e", "literal name");
    write(base / "secret.txt", "top secret");
    write(base / "outside/inner.txt", "outside");
    fs::create_symlink(base / "secret.txt", pub / "link-out.txt");
    fs::create_symlink("../secret.txt", pub / "rel-link-out.txt");
    fs::create_symlink(base / "outside", pub / "dir-out");
    fs::create_symlink("hello.txt", pub / "link-in.txt");
    ::mkfifo((pub / "fifo").c_str(), 0600);
  }
  ~StaticFiles() override { fs::remove_all(base); }

  Response get(const std::string& path,
               std::vector<std::pair<std::string, std::string>> headers = {},
               std::string method = "GET", kit::web::StaticOptions options = {}) {
    if (options.directory.empty()) options.directory = pub;
    auto handler = kit::web::static_files(options);
    Request req;
    req.method = std::move(method);
    req.path = "/static/" + path;
    req.target = req.path;
    req.path_params["path"] = path;
    for (const auto& [k, v] : headers) req.headers.add(k, v);
    std::optional<Response> got;
    handler(req, Responder([&](Response r) { got = std::move(r); }));
    EXPECT_TRUE(got.has_value());
    return got ? std::move(*got) : Response::error(599);
  }
};

TEST_F(StaticFiles, ServesAFile) {
  Response r = get("hello.txt");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(file_bytes(r), kHello);
  EXPECT_EQ(r.file->offset, 0u);
  EXPECT_EQ(r.file->length, kHello.size());
  EXPECT_NE(r.file->keep, nullptr);
  EXPECT_EQ(header(r, "Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(header(r, "Accept-Ranges"), "bytes");
  const std::string etag = header(r, "ETag");
  EXPECT_EQ(etag.size(), 34u);  // "<32 hex digits>"
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(etag.back(), '"');
  struct stat st {};
  ASSERT_EQ(::stat((pub / "hello.txt").c_str(), &st), 0);
  EXPECT_EQ(header(r, "Last-Modified"), d::format_http_date(st.st_mtim.tv_sec));
  EXPECT_EQ(get("hello.txt").headers.get("ETag"), etag);  // stable
  EXPECT_EQ(file_bytes(get("/hello.txt")), kHello);       // with the mount's "/"
}

TEST_F(StaticFiles, EditingAFileChangesItsETag) {
  const std::string before = header(get("hello.txt"), "ETag");
  write(pub / "hello.txt", "changed, and longer than before\n");
  EXPECT_NE(header(get("hello.txt"), "ETag"), before);
}

TEST_F(StaticFiles, HeadHasTheSameHeaders) {
  Response g = get("hello.txt");
  Response h = get("hello.txt", {}, "HEAD");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(header(h, "ETag"), header(g, "ETag"));
  EXPECT_EQ(header(h, "Content-Type"), header(g, "Content-Type"));
  ASSERT_TRUE(h.file.has_value());  // the length is the file's; the server sends no body
  EXPECT_EQ(h.file->length, kHello.size());
}

TEST_F(StaticFiles, OtherMethodsAre405) {
  for (const char* m : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    Response r = get("hello.txt", {}, m);
    EXPECT_EQ(r.status, 405) << m;
    EXPECT_EQ(header(r, "Allow"), "GET, HEAD") << m;
  }
}

TEST_F(StaticFiles, ContentTypes) {
  EXPECT_EQ(header(get("site.css"), "Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(header(get("app.js"), "Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(header(get("data.json"), "Content-Type"), "application/json");
  EXPECT_EQ(header(get("logo.PNG"), "Content-Type"), "image/png");
  EXPECT_EQ(header(get("icon.svg"), "Content-Type"), "image/svg+xml");
  EXPECT_EQ(header(get("font.woff2"), "Content-Type"), "font/woff2");
  EXPECT_EQ(header(get("mod.wasm"), "Content-Type"), "application/wasm");
  EXPECT_EQ(header(get("blob.bin"), "Content-Type"), "application/octet-stream");
  EXPECT_EQ(header(get("docs/page.html"), "Content-Type"), "text/html; charset=utf-8");
}

TEST_F(StaticFiles, MissingThingsAre404) {
  EXPECT_EQ(get("nope.txt").status, 404);
  EXPECT_EQ(get("docs").status, 404);  // a folder, html mode off
  EXPECT_EQ(get("docs/").status, 404);
  EXPECT_EQ(get("").status, 404);
  EXPECT_EQ(get("fifo").status, 404);  // not a regular file (and opening it did not block)
  EXPECT_EQ(get("hello.txt/x").status, 404);
  auto handler = kit::web::static_files({base / "no-such-folder", nullptr, false});
  Request req;
  req.method = "GET";
  req.path_params["path"] = std::string("hello.txt");
  std::optional<Response> got;
  handler(req, Responder([&](Response r) { got = std::move(r); }));
  EXPECT_EQ(got->status, 404);
}

TEST_F(StaticFiles, NoWayOutOfTheFolder) {
  const std::string abs_secret = (base / "secret.txt").string();
  for (const std::string& attempt : {std::string("../secret.txt"),
                                     std::string("docs/../../secret.txt"),
                                     std::string("/../secret.txt"),
                                     std::string(".."),
                                     std::string("docs/.."),
                                     std::string("%2e%2e/secret.txt"),
                                     std::string("%2E%2e/secret.txt"),
                                     std::string("docs/%2e%2e/%2e%2e/secret.txt"),
                                     std::string("..%2fsecret.txt"),
                                     std::string("..%2Fsecret.txt"),
                                     std::string("..%5csecret.txt"),
                                     std::string("..\\secret.txt"),
                                     std::string("/") + abs_secret,
                                     std::string("//") + abs_secret.substr(1),
                                     std::string("hello.txt\0.png", 14),
                                     std::string("hello.txt%00"),
                                     std::string("link-out.txt"),
                                     std::string("rel-link-out.txt"),
                                     std::string("dir-out/inner.txt"),
                                     std::string("%2e/hello.txt")}) {
    Response r = get(attempt);
    EXPECT_EQ(r.status, 404) << attempt;
    EXPECT_FALSE(r.file.has_value()) << attempt;
  }
  // Symlinks that stay inside are followed; "." and empty segments are harmless.
  EXPECT_EQ(file_bytes(get("link-in.txt")), kHello);
  EXPECT_EQ(file_bytes(get("./hello.txt")), kHello);
  EXPECT_EQ(file_bytes(get("docs//page.html")), "<p>page</p>");
  EXPECT_EQ(file_bytes(get("docs/./page.html")), "<p>page</p>");
}

TEST_F(StaticFiles, HtmlModeServesIndexAndRedirectsFolders) {
  kit::web::StaticOptions html{.directory = pub, .cache = nullptr, .html = true};
  Response r = get("docs/", {}, "GET", html);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(file_bytes(r), "<h1>docs</h1>");
  EXPECT_EQ(header(r, "Content-Type"), "text/html; charset=utf-8");

  Response redirect = get("docs", {}, "GET", html);
  EXPECT_EQ(redirect.status, 307);
  EXPECT_EQ(header(redirect, "Location"), "/static/docs/");

  EXPECT_EQ(get("nodex/", {}, "GET", html).status, 404);  // no index.html
  EXPECT_EQ(get("", {}, "GET", html).status, 404);

  write(pub / "index.html", "<h1>home</h1>");
  write(pub / "404.html", "<h1>lost</h1>");
  EXPECT_EQ(file_bytes(get("", {}, "GET", html)), "<h1>home</h1>");
  Response lost = get("nope", {}, "GET", html);
  EXPECT_EQ(lost.status, 404);
  EXPECT_EQ(file_bytes(lost), "<h1>lost</h1>");
  // An attempt to leave the folder is a bare 404, never a page.
  Response attempt = get("../secret.txt", {}, "GET", html);
  EXPECT_EQ(attempt.status, 404);
  EXPECT_FALSE(attempt.file.has_value());
}

TEST_F(StaticFiles, RedirectKeepsTheQuery) {
  kit::web::StaticOptions html{.directory = pub, .cache = nullptr, .html = true};
  auto handler = kit::web::static_files(html);
  Request req;
  req.method = "GET";
  req.path = "/static/docs";
  req.target = "/static/docs?v=1";
  req.path_params["path"] = std::string("docs");
  std::optional<Response> got;
  handler(req, Responder([&](Response r) { got = std::move(r); }));
  EXPECT_EQ(got->status, 307);
  EXPECT_EQ(header(*got, "Location"), "/static/docs/?v=1");
}

TEST_F(StaticFiles, ConditionalRequests) {
  Response first = get("hello.txt");
  const std::string etag = header(first, "ETag");
  const std::string modified = header(first, "Last-Modified");

  for (const std::string& inm :
       {etag, "W/" + etag, "\"other\", " + etag, std::string("*"), "\"a,b\" ," + etag}) {
    Response r = get("hello.txt", {{"If-None-Match", inm}});
    EXPECT_EQ(r.status, 304) << inm;
    EXPECT_EQ(header(r, "ETag"), etag);
    EXPECT_FALSE(r.file.has_value());
    EXPECT_TRUE(r.body.empty());
  }
  EXPECT_EQ(get("hello.txt", {{"If-None-Match", "\"other\""}}).status, 200);
  EXPECT_EQ(get("hello.txt", {{"If-None-Match", etag}}, "HEAD").status, 304);

  EXPECT_EQ(get("hello.txt", {{"If-Modified-Since", modified}}).status, 304);
  EXPECT_EQ(get("hello.txt", {{"If-Modified-Since", "Sun, 06 Nov 2095 08:49:37 GMT"}}).status, 304);
  EXPECT_EQ(get("hello.txt", {{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}}).status, 200);
  EXPECT_EQ(get("hello.txt", {{"If-Modified-Since", "yesterday"}}).status, 200);
  // If-None-Match decides alone when both are sent (RFC 9110 §13.2.2).
  EXPECT_EQ(
      get("hello.txt", {{"If-None-Match", "\"other\""}, {"If-Modified-Since", modified}}).status,
      200);
}

TEST_F(StaticFiles, SingleRanges) {
  struct Case {
    const char* range;
    std::uint64_t first, last;
  };
  const std::uint64_t size = kHello.size();  // 21
  for (const Case& c : {Case{"bytes=0-4", 0, 4}, Case{"bytes=7-", 7, 20}, Case{"bytes=-6", 15, 20},
                        Case{"bytes=-1000", 0, 20}, Case{"bytes=3-99999", 3, 20},
                        Case{"bytes=20-20", 20, 20}, Case{"BYTES = 1-2", 1, 2},
                        Case{"bytes=0-4,", 0, 4}, Case{"bytes=5-99999999999999999999999", 5, 20}}) {
    Response r = get("hello.txt", {{"Range", c.range}});
    EXPECT_EQ(r.status, 206) << c.range;
    EXPECT_EQ(header(r, "Content-Range"), "bytes " + std::to_string(c.first) + "-" +
                                              std::to_string(c.last) + "/" + std::to_string(size))
        << c.range;
    EXPECT_EQ(file_bytes(r), kHello.substr(c.first, c.last - c.first + 1)) << c.range;
    EXPECT_EQ(header(r, "Accept-Ranges"), "bytes");
    EXPECT_EQ(header(r, "Content-Type"), "text/plain; charset=utf-8");
  }
}

TEST_F(StaticFiles, UnsatisfiableRangesAre416) {
  for (const char* range :
       {"bytes=21-", "bytes=21-30", "bytes=-0", "bytes=99999999999999999999-"}) {
    Response r = get("hello.txt", {{"Range", range}});
    EXPECT_EQ(r.status, 416) << range;
    EXPECT_EQ(header(r, "Content-Range"), "bytes */21") << range;
    EXPECT_FALSE(r.file.has_value());
  }
  Response empty = get("empty.txt", {{"Range", "bytes=0-"}});
  EXPECT_EQ(empty.status, 416);
  EXPECT_EQ(header(empty, "Content-Range"), "bytes */0");
  EXPECT_EQ(get("empty.txt", {{"Range", "bytes=-5"}}).status, 416);
}

TEST_F(StaticFiles, RangesServedWhole) {
  // Several ranges: the whole file with 200 (kit sends no multipart/byteranges). Bad syntax,
  // another unit, HEAD: the Range is ignored.
  for (const char* range :
       {"bytes=0-1,3-4", "bytes=0-1, -2", "bytes=5-2", "bytes=", "bytes=-", "bytes=a-b",
        "bytes=1-2-3", "items=0-4", "0-4", "bytes 0-4", "bytes=--1", "bytes=+1-2", "bytes=0x1-2"}) {
    Response r = get("hello.txt", {{"Range", range}});
    EXPECT_EQ(r.status, 200) << range;
    EXPECT_EQ(file_bytes(r), kHello) << range;
    EXPECT_FALSE(r.headers.contains("Content-Range")) << range;
  }
  EXPECT_EQ(get("hello.txt", {{"Range", "bytes=0-4"}}, "HEAD").status, 200);
}

TEST_F(StaticFiles, IfRange) {
  Response first = get("hello.txt");
  const std::string etag = header(first, "ETag");
  const std::string modified = header(first, "Last-Modified");
  EXPECT_EQ(get("hello.txt", {{"Range", "bytes=0-4"}, {"If-Range", etag}}).status, 206);
  EXPECT_EQ(get("hello.txt", {{"Range", "bytes=0-4"}, {"If-Range", modified}}).status, 206);
  EXPECT_EQ(get("hello.txt", {{"Range", "bytes=0-4"}, {"If-Range", "\"stale\""}}).status, 200);
  EXPECT_EQ(get("hello.txt", {{"Range", "bytes=0-4"}, {"If-Range", "W/" + etag}}).status, 200);
  EXPECT_EQ(
      get("hello.txt", {{"Range", "bytes=0-4"}, {"If-Range", "Sun, 06 Nov 1994 08:49:37 GMT"}})
          .status,
      200);
}

// ---- mounted in an App, through TestClient and the server's own bytes -----------------------

TEST_F(StaticFiles, MountedInAnApp) {
  kit::web::App app;
  app.mount("/static", kit::web::static_files({pub, nullptr, false}));
  kit::web::TestClient client(app);
  auto r = client.get("/static/hello.txt");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, kHello);
  auto sub = client.get("/static/docs/page.html");
  EXPECT_EQ(sub.body, "<p>page</p>");
  kit::web::Headers range;
  range.set("Range", "bytes=7-12");
  auto part = client.get("/static/hello.txt", range);
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, kHello.substr(7, 6));
  EXPECT_EQ(client.get("/static/%2e%2e/secret.txt").status, 404);
  EXPECT_EQ(client.get("/static/%252e%252e/secret.txt").status, 404);
  EXPECT_EQ(client.get("/static/..%2fsecret.txt").status, 404);
  EXPECT_EQ(client.get("/static/docs/%2e%2e/%2e%2e/secret.txt").status, 404);
  EXPECT_EQ(client.get("/static/link-out.txt").status, 404);
  EXPECT_EQ(client.request("POST", "/static/hello.txt").status, 405);

  // On the wire: Content-Length is the file's (or the range's) for GET and HEAD, no body for
  // HEAD and 304.
  const std::string head = client.raw("HEAD /static/hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(head.find("content-length: 21\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n") << head;
  const std::string ranged =
      client.raw("GET /static/hello.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=-6\r\n\r\n");
  EXPECT_EQ(ranged.rfind("HTTP/1.1 206 Partial Content\r\n", 0), 0u) << ranged;
  EXPECT_NE(ranged.find("content-length: 6\r\n"), std::string::npos) << ranged;
  EXPECT_NE(ranged.find("Content-Range: bytes 15-20/21\r\n"), std::string::npos) << ranged;
  EXPECT_EQ(ranged.substr(ranged.size() - 6), kHello.substr(15));
  const std::string traversal = client.raw("GET /static/../secret.txt HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(traversal.find("top secret"), std::string::npos) << traversal;
  const std::string etag = header(r, "ETag");
  const std::string not_modified = client.raw(
      "GET /static/hello.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + etag + "\r\n\r\n");
  EXPECT_EQ(not_modified.rfind("HTTP/1.1 304 Not Modified\r\n", 0), 0u) << not_modified;
  EXPECT_EQ(not_modified.substr(not_modified.size() - 4), "\r\n\r\n");
}

// ---- the parsers alone ---------------------------------------------------------------------

TEST(RangeParser, Kinds) {
  using K = d::RangeKind;
  EXPECT_EQ(d::parse_range("", 10).kind, K::none);
  EXPECT_EQ(d::parse_range("bytes=0-0", 0).kind, K::unsatisfiable);
  EXPECT_EQ(d::parse_range("bytes=-1", 0).kind, K::unsatisfiable);
  EXPECT_EQ(d::parse_range("bytes=0-0", 1).kind, K::single);
  EXPECT_EQ(d::parse_range("bytes=0-0,1-1", 10).kind, K::multiple);
  EXPECT_EQ(d::parse_range("bytes=0-0,x", 10).kind, K::none);  // one bad element spoils all
  EXPECT_EQ(d::parse_range(" bytes=1-2 ", 10).kind, K::single);
  EXPECT_EQ(d::parse_range("bytes=,,1-2,,", 10).kind, K::single);
  EXPECT_EQ(d::parse_range("bytes=,,", 10).kind, K::none);
  const auto huge = d::parse_range("bytes=-18446744073709551616", ~0ULL);
  EXPECT_EQ(huge.kind, K::single);
  EXPECT_EQ(huge.first, 0u);
  EXPECT_EQ(huge.last, ~0ULL - 1);
  const auto tail = d::parse_range("bytes=9-", 10);
  EXPECT_EQ(tail.first, 9u);
  EXPECT_EQ(tail.last, 9u);
}

TEST(HttpDate, FormatsAndParsesTheThreeForms) {
  EXPECT_EQ(d::format_http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(d::format_http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(d::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(d::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
  EXPECT_EQ(d::parse_http_date("Sun Nov  6 08:49:37 1994"), 784111777);
  EXPECT_EQ(d::parse_http_date("Thu Nov 16 08:49:37 1994"), 784111777 + 10 * 86400);
  EXPECT_EQ(d::parse_http_date("Tuesday, 01-Jan-30 00:00:00 GMT"), 1893456000);  // 2030
  EXPECT_EQ(d::parse_http_date("Sun, 29 Feb 2004 00:00:00 GMT"), 1078012800);
  for (const char* bad : {"", "Sun, 30 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
                          "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT",
                          "Sun, 06 Nov 1994 08:49:37 GMTx", "06 Nov 1994 08:49:37 GMT",
                          "Sun, 06 Nv 1994 08:49:37 GMT", "1994-11-06T08:49:37Z"}) {
    EXPECT_FALSE(d::parse_http_date(bad).has_value()) << bad;
  }
}

TEST(ETagList, Matching) {
  EXPECT_TRUE(d::etag_matches("\"a\"", "\"a\""));
  EXPECT_TRUE(d::etag_matches("W/\"a\"", "\"a\""));
  EXPECT_TRUE(d::etag_matches("\"a\"", "W/\"a\""));
  EXPECT_TRUE(d::etag_matches(" \"x\" , \"a\"", "\"a\""));
  EXPECT_TRUE(d::etag_matches("*", "\"a\""));
  EXPECT_FALSE(d::etag_matches("\"ab\"", "\"a\""));
  EXPECT_FALSE(d::etag_matches("a", "\"a\""));
  EXPECT_FALSE(d::etag_matches("\"a", "\"a\""));
  EXPECT_FALSE(d::etag_matches("", "\"a\""));
  EXPECT_TRUE(d::etag_matches("junk, \"a\"", "\"a\""));
}

}  // namespace
