// kit/core/file.hpp — a whole input file as bytes, mapped when it can be.
//
// A regular file is mapped read-only (no copy, no zero-filled buffer: on a VM each touched page
// of a buffer is a costly fault); standard input ("-"), pipes and other files are read.
//
// Example:
//   auto file = kit::core::InputFile::open("records.csv");   // Result<InputFile>
//   if (!file) return kit::core::report_error("struct pack", file.error());
//   std::string_view bytes = file->bytes();                   // valid while `file` lives
#pragma once

#include <string>
#include <string_view>

#include "kit/core/error.hpp"

namespace kit::core {

class InputFile {
 public:
  // open(path): "-" is standard input. Errors are ErrorKind::io, as read_file's.
  [[nodiscard]] static Result<InputFile> open(const std::string& path);

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
  std::string copy_;  // the bytes, when the file was read instead
  std::string_view view_;
};

}  // namespace kit::core
