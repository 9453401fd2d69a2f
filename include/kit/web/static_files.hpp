// kit/web/static_files.hpp — files from a folder, as Starlette's StaticFiles plus what its
// users asked for: ETag/Last-Modified with 304, HEAD, one Range with 206/416, and no way out of
// the folder (.., %2e%2e, symlinks leading outside -> 404).
//
// Example:
//   app.mount("/static", kit::web::static_files({.directory = "public"}));
#pragma once

#include <filesystem>
#include <memory>

#include "kit/web/app.hpp"

namespace kit::cache {
class FileCache;
}

namespace kit::web {

struct StaticOptions {
  std::filesystem::path directory;
  // Small files come from this cache (shared buffers); others are streamed from disk. None:
  // every file is streamed.
  std::shared_ptr<kit::cache::FileCache> cache;
  bool html = false;  // a folder answers its index.html
};

// static_files(options): the handler to mount; it reads path_params["path"].
[[nodiscard]] AsyncHandler static_files(StaticOptions options);

}  // namespace kit::web
