// kit/core/error.hpp — kit::Error and kit::Result<T>: how every kit library reports failure.
//
// Expected failures (bad input, a missing file, a malformed record) are values, not exceptions.
// An Error carries a stable code ("calendar.bad_month"), a message for people, and where it
// applies the byte offset or line:column of the problem. Libraries never print and never exit;
// the CLI turns an Error into `kit <command>: <message>` and an exit code (kit/core/output.hpp).
//
// Example:
//   [[nodiscard]] kit::Result<unsigned> parse_month(int m) {
//     if (m < 1 || m > 12)
//       return kit::fail(kit::ErrorKind::invalid_argument, "calendar.bad_month",
//                        fmt::format("month must be 1-12, got {}", m));
//     return static_cast<unsigned>(m);
//   }
//   if (auto m = parse_month(13); !m) std::puts(m.error().message.c_str());
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace kit {

// What kind of failure it is; decides the exit code (see core::exit_code).
enum class ErrorKind : unsigned char {
  invalid_argument,  // a value given by the caller is out of range or malformed
  malformed_input,   // the data read (a file, a stream) is not what it should be
  io,                // a file or stream could not be opened, read or written
  not_found,         // the thing asked for does not exist (e.g. no 5th Friday)
  failed,            // the operation ran and did not succeed
};

// A 1-based position in text input.
struct TextPosition {
  std::size_t line = 0;
  std::size_t column = 0;
};

struct Error {
  ErrorKind kind = ErrorKind::failed;
  std::string code;                      // stable, "module.what": "calendar.bad_month"
  std::string message;                   // for people; no trailing period
  std::optional<std::uint64_t> offset;   // byte offset in the input, when it applies
  std::optional<TextPosition> position;  // line:column in text input, when it applies
};

// Functions that return a Result are declared [[nodiscard]] (tl::expected 1.0 is not).
template <class T>
using Result = tl::expected<T, Error>;

// make_error(kind, code, message): an Error without a position.
[[nodiscard]] inline Error make_error(ErrorKind kind, std::string code, std::string message) {
  return Error{kind, std::move(code), std::move(message), {}, {}};
}

// fail(kind, code, message): the error value to return from a function returning Result<T>.
[[nodiscard]] inline tl::unexpected<Error> fail(ErrorKind kind, std::string code,
                                                std::string message) {
  return tl::unexpected<Error>(make_error(kind, std::move(code), std::move(message)));
}

// fail_at(...): the same, for an error at a line:column of text input.
[[nodiscard]] inline tl::unexpected<Error> fail_at(ErrorKind kind, std::string code,
                                                   std::string message, TextPosition where) {
  return tl::unexpected<Error>(Error{kind, std::move(code), std::move(message), {}, where});
}

}  // namespace kit
