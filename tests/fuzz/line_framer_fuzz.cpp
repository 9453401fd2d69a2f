// Fuzz target: kit::net::LineFramer and LengthPrefixFramer. The first byte picks the size
// limit and the second seeds where the rest is cut: feeding the pieces one by one (taking
// every message out after each) gives the same messages, the same error and the same last
// line as feeding everything at once; lines hold no LF and never pass the limit; what stays
// buffered is bounded by the limit.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kit/net/framing.hpp"

namespace {

struct Outcome {
  std::vector<std::string> messages;
  bool failed = false;
  std::optional<std::string> last;
  bool truncated = false;
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

template <class Framer>
void drain(Framer& f, Outcome& out, std::size_t max) {
  while (!out.failed) {
    auto m = f.next();
    if (!m) {
      out.failed = true;
      return;
    }
    if (!*m) return;
    if ((*m)->size() > max) std::abort();
    out.messages.push_back(std::move(**m));
  }
}

std::vector<std::string_view> cut(std::string_view text, std::uint32_t seed) {
  std::vector<std::string_view> pieces;
  std::uint32_t x = seed * 2654435761u + 1;
  while (!text.empty()) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    std::size_t n = std::min<std::size_t>(text.size(), x % 9);  // 0-8 bytes: empty pieces too
    pieces.push_back(text.substr(0, n));
    text.remove_prefix(n);
  }
  return pieces;
}

Outcome lines(const std::vector<std::string_view>& pieces, std::size_t max) {
  kit::net::LineFramer f(max);
  Outcome out;
  for (auto piece : pieces) {
    f.feed(piece);
    drain(f, out, max);
    if (!out.failed && f.buffered() > max + 1) std::abort();
  }
  for (const auto& l : out.messages)
    if (l.find('\n') != std::string::npos) std::abort();
  out.last = f.finish();
  if (out.last && (out.last->size() > max || out.last->find('\n') != std::string::npos))
    std::abort();
  if (f.buffered() != 0) std::abort();
  return out;
}

Outcome messages(const std::vector<std::string_view>& pieces, std::size_t max) {
  kit::net::LengthPrefixFramer f(max);
  Outcome out;
  for (auto piece : pieces) {
    f.feed(piece);
    drain(f, out, max);
    if (!out.failed && f.buffered() > max + 4) std::abort();
  }
  if (!out.failed) out.truncated = !f.finish();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t max = data[0] % 64;
  const std::uint32_t seed = data[1];
  const std::string_view text(reinterpret_cast<const char*>(data) + 2, size - 2);
  const std::vector<std::string_view> whole{text};
  const auto pieces = cut(text, seed);
  if (lines(whole, max) != lines(pieces, max)) std::abort();
  if (messages(whole, max) != messages(pieces, max)) std::abort();
  // A round trip: framed messages come back whole and in order.
  std::string wire;
  std::vector<std::string> sent;
  for (std::size_t i = 0; i < text.size(); i += 7) {
    sent.emplace_back(text.substr(i, std::min<std::size_t>(7, text.size() - i)));
    wire += kit::net::LengthPrefixFramer::frame(sent.back());
  }
  Outcome back = messages(cut(wire, seed + 1), 7);
  if (back.failed || back.truncated || back.messages != sent) std::abort();
  return 0;
}
