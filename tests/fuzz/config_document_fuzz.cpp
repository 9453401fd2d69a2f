// Fuzz target: kit::config::parse_document (every config file kit reads) and merge_patch. Never
// crashes or overflows the stack; an error is config.corrupt with a position inside the text (or
// none, for too deep a document); a document survives to_text and a second parse; merging a
// patch twice is merging it once (RFC 7396 is idempotent), the inputs are unchanged, and the
// streaming merge_texts writes exactly to_text of the Json merge.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kit/config/json.hpp"
#include "kit/config/merge.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace config = kit::config;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // The input's first line is a target, the rest a patch (both parsed alone as well).
  const std::size_t newline = input.find('\n');
  (void)config::loose_value(input);  // a value from a variable or -c: never throws
  auto whole = config::parse_document(input, "fuzz.json");
  if (!whole) {
    const kit::Error& e = whole.error();
    if (e.code != "config.corrupt") std::abort();
    if (e.position && (e.position->line < 1 || e.position->column < 1)) std::abort();
  } else {
    const std::string text = config::to_text(*whole);
    auto again = config::parse_document(text, "again.json");
    if (!again || *again != *whole) std::abort();
  }
  if (newline == std::string_view::npos) return 0;
  auto target = config::parse_document(input.substr(0, newline), "target.json");
  auto patch = config::parse_document(input.substr(newline + 1), "patch.json");
  if (!target || !patch) return 0;
  const config::Json target_before = *target;
  const config::Json patch_before = *patch;
  const config::Json once = config::merge_patch(*target, *patch);
  const config::Json twice = config::merge_patch(once, *patch);
  if (once != twice) std::abort();
  // The streaming merge (`kit config merge`) writes the bytes to_text gives the Json merge.
  auto streamed = config::merge_texts(
      {std::string(input.substr(0, newline)), std::string(input.substr(newline + 1))},
      {"target.json", "patch.json"});
  if (!streamed || *streamed != config::to_text(once)) std::abort();
  if (*target != target_before || *patch != patch_before) std::abort();
  return 0;
}
