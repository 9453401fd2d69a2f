// kit/net/framing.hpp — message framing over a byte stream (the tutorial's FAQ: TCP has no
// message boundaries, one recv is not one message). Feed bytes as they arrive; take whole
// messages out. Both framers refuse a message past their size limit instead of growing.
//
// Example:
//   kit::net::LineFramer lines;
//   lines.feed("GET a\r\nGET");
//   lines.next();   // "GET a"
//   lines.next();   // nullopt: "GET" waits for its line end
//   lines.finish(); // "GET": at end of stream a last unterminated line counts
//
//   std::string wire = kit::net::LengthPrefixFramer::frame("hello");  // "\0\0\0\5hello"
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "kit/core/error.hpp"

namespace kit::net {

// LineFramer: lines ending in LF or CRLF; the terminator is not part of the line.
class LineFramer {
 public:
  explicit LineFramer(std::size_t max_line = 1 << 20) : max_line_(max_line) {}
  void feed(std::string_view bytes);
  // next(): the next whole line, nullopt until one is complete; net.line_too_long when a line
  // passes max_line (the framer is then unusable: the stream has no sync point).
  [[nodiscard]] Result<std::optional<std::string>> next();
  // finish(): at end of stream, the last unterminated line if there is one (a trailing CR
  // dropped, as from a CRLF line); nullopt too when that line is past max_line or the framer
  // already failed. The framer is empty afterwards.
  [[nodiscard]] std::optional<std::string> finish();
  [[nodiscard]] std::size_t buffered() const { return buffer_.size() - start_; }

 private:
  std::size_t max_line_;
  std::string buffer_;
  std::size_t start_ = 0;    // consumed prefix of buffer_
  std::size_t scanned_ = 0;  // bytes after start_ known to hold no LF
  bool broken_ = false;      // a line was too long: no sync point left
};

// LengthPrefixFramer: each message is a 4-byte big-endian length, then that many bytes.
class LengthPrefixFramer {
 public:
  explicit LengthPrefixFramer(std::size_t max_message = 16 << 20) : max_message_(max_message) {}
  // frame(payload): the header and the payload (a payload must be under 4 GiB).
  [[nodiscard]] static std::string frame(std::string_view payload);
  void feed(std::string_view bytes);
  // next(): the next whole message; net.frame_too_large when a header announces more than
  // max_message.
  [[nodiscard]] Result<std::optional<std::string>> next();
  // finish(): at end of stream: ok when nothing is left, net.truncated when a message is cut.
  [[nodiscard]] Result<void> finish() const;
  [[nodiscard]] std::size_t buffered() const { return buffer_.size() - start_; }

 private:
  std::size_t max_message_;
  std::string buffer_;
  std::size_t start_ = 0;
};

}  // namespace kit::net
