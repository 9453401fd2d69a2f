// kit/core/file.hpp — a whole input file as bytes, mapped or copied.
//
// A regular file is mapped read-only by default (no copy: pages come in as they are touched).
// Access::copied reads it instead into transparent huge pages, on every core: scanning those is
// three times faster than scanning a mapping on a VM, where every 4 KiB page of a mapping costs
// a fault and TLB misses, so a command that parses a whole file gains more than the copy costs.
// Standard input ("-"), pipes and other files are read.
//
// Example:
//   auto file = kit::core::InputFile::open("records.csv");   // Result<InputFile>
//   if (!file) return kit::core::report_error("struct pack", file.error());
//   std::string_view bytes = file->bytes();                   // valid while `file` lives
#pragma once

#include <string>
#include <string_view>

#include "kit/core/buffer.hpp"
#include "kit/core/error.hpp"

namespace kit::core {

class InputFile {
 public:
  enum class Access {
    mapped,  // a regular file mapped
    copied,  // a regular file up to copy_limit read into huge pages; larger ones mapped
  };
  static constexpr std::size_t copy_limit = std::size_t{1} << 30;

  // open(path, access): "-" is standard input. Errors are ErrorKind::io, as read_file's.
  [[nodiscard]] static Result<InputFile> open(const std::string& path,
                                              Access access = Access::mapped);

  InputFile(InputFile&& other) noexcept;
  InputFile& operator=(InputFile&& other) noexcept;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile();

  [[nodiscard]] std::string_view bytes() const { return view_; }

 private:
  InputFile() = default;
  void* map_ = nullptr;  // the mapping, when the file is mapped
  std::size_t map_size_ = 0;
  Buffer copy_;       // the bytes, when a regular file was copied
  std::string text_;  // the bytes, when standard input or another file was read
  std::string_view view_;
};

}  // namespace kit::core
