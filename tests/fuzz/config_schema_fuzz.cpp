// Fuzz target: kit::config::Schema (`kit config validate`). The input is a schema and an
// instance separated by the first line "--" (without one, the schema is checked against
// itself). Never crashes or hangs; compile() fails only with config.schema naming the source
// and a "#" pointer; validate() is deterministic, agrees with is_valid(), and every error has
// a keyword and an RFC 6901 pointer ("" or starting with "/").
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "kit/config/schema.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using kit::config::Json;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view schema_text = input, instance_text = input;
  if (auto cut = input.find("\n--\n"); cut != std::string_view::npos) {
    schema_text = input.substr(0, cut);
    instance_text = input.substr(cut + 4);
  }
  // Non-throwing parse (nlohmann also throws out_of_range for 1e999, not only parse_error).
  const Json schema = Json::parse(schema_text.begin(), schema_text.end(), nullptr, false);
  const Json instance = Json::parse(instance_text.begin(), instance_text.end(), nullptr, false);
  if (schema.is_discarded() || instance.is_discarded()) return 0;

  auto compiled = kit::config::Schema::compile(schema, "fuzz.json");
  if (!compiled) {
    const kit::Error& e = compiled.error();
    if (e.code != "config.schema" || e.message.rfind("fuzz.json: #", 0) != 0) std::abort();
    return 0;
  }
  const auto errors = compiled->validate(instance);
  if (compiled->is_valid(instance) != errors.empty()) std::abort();
  for (const auto& e : errors) {
    if (e.keyword.empty() || e.message.empty()) std::abort();
    if (!e.pointer.empty() && e.pointer[0] != '/') std::abort();
    if (e.to_string().empty()) std::abort();
  }
  const auto again = compiled->validate(instance);
  if (again.size() != errors.size()) std::abort();
  for (std::size_t i = 0; i < errors.size(); ++i)
    if (again[i].to_string() != errors[i].to_string()) std::abort();
  return 0;
}
