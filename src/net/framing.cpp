// LineFramer and LengthPrefixFramer: one growing buffer with a consumed prefix, compacted when
// the prefix is at least half of it, so each byte is copied O(1) times and scanned once.
#include <fmt/core.h>

#include "kit/net/framing.hpp"

namespace kit::net {
namespace {

// compact(buffer, start): drop the consumed prefix once it is at least half the buffer.
void compact(std::string& buffer, std::size_t& start) {
  if (start == 0) return;
  if (start == buffer.size()) {
    buffer.clear();
    start = 0;
  } else if (start >= buffer.size() / 2) {
    buffer.erase(0, start);
    start = 0;
  }
}

tl::unexpected<Error> line_too_long(std::size_t max_line) {
  return fail(ErrorKind::malformed_input, "net.line_too_long",
              fmt::format("a line is longer than {} bytes", max_line));
}

}  // namespace

void LineFramer::feed(std::string_view bytes) {
  if (broken_ || bytes.empty()) return;
  compact(buffer_, start_);
  buffer_.append(bytes);
}

Result<std::optional<std::string>> LineFramer::next() {
  if (broken_) return line_too_long(max_line_);
  std::string_view rest(buffer_.data() + start_, buffer_.size() - start_);
  auto lf = rest.find('\n', scanned_);
  if (lf == std::string_view::npos) {
    scanned_ = rest.size();
    // Past the limit with no line end: it can only end too long (a CR may still end it).
    if (rest.size() > max_line_ + 1 || (rest.size() == max_line_ + 1 && rest.back() != '\r')) {
      broken_ = true;
      return line_too_long(max_line_);
    }
    return std::optional<std::string>();
  }
  std::string_view line = rest.substr(0, lf);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > max_line_) {
    broken_ = true;
    return line_too_long(max_line_);
  }
  std::string out(line);
  start_ += lf + 1;
  scanned_ = 0;
  return std::optional<std::string>(std::move(out));
}

std::optional<std::string> LineFramer::finish() {
  std::optional<std::string> out;
  if (!broken_ && start_ < buffer_.size()) {
    std::string_view rest(buffer_.data() + start_, buffer_.size() - start_);
    if (rest.back() == '\r') rest.remove_suffix(1);
    // A whole line may still wait in the buffer when next() was not called: finish() hands
    // out what is left only when it is one unterminated line.
    if (rest.find('\n') == std::string_view::npos && rest.size() <= max_line_)
      out = std::string(rest);
  }
  buffer_.clear();
  start_ = scanned_ = 0;
  return out;
}

std::string LengthPrefixFramer::frame(std::string_view payload) {
  auto n = static_cast<std::uint32_t>(payload.size());
  std::string out;
  out.reserve(4 + payload.size());
  out += static_cast<char>(n >> 24);
  out += static_cast<char>((n >> 16) & 0xff);
  out += static_cast<char>((n >> 8) & 0xff);
  out += static_cast<char>(n & 0xff);
  out.append(payload);
  return out;
}

void LengthPrefixFramer::feed(std::string_view bytes) {
  if (bytes.empty()) return;
  compact(buffer_, start_);
  buffer_.append(bytes);
}

Result<std::optional<std::string>> LengthPrefixFramer::next() {
  std::size_t have = buffer_.size() - start_;
  if (have < 4) return std::optional<std::string>();
  const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + start_);
  std::uint64_t length = (std::uint64_t{p[0]} << 24) | (std::uint64_t{p[1]} << 16) |
                         (std::uint64_t{p[2]} << 8) | std::uint64_t{p[3]};
  if (length > max_message_)
    return fail(ErrorKind::malformed_input, "net.frame_too_large",
                fmt::format("a message of {} bytes is announced, more than the limit of {}", length,
                            max_message_));
  if (have - 4 < length) return std::optional<std::string>();
  std::string out(buffer_, start_ + 4, static_cast<std::size_t>(length));
  start_ += 4 + static_cast<std::size_t>(length);
  return std::optional<std::string>(std::move(out));
}

Result<void> LengthPrefixFramer::finish() const {
  std::size_t have = buffer_.size() - start_;
  if (have == 0) return {};
  return fail(ErrorKind::malformed_input, "net.truncated",
              fmt::format("the stream ends inside a message ({} bytes left over)", have));
}

}  // namespace kit::net
