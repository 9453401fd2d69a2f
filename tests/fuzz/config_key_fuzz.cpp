// Fuzz target: kit::config::parse_key (`kit config get/set KEY`, -c KEY=VALUE). Never crashes;
// a key that parses has no empty name and survives format_key and a second parse; assign then
// find gives the value back, and erase removes it.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kit/config/key.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace config = kit::config;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto key = config::parse_key(input);
  if (!key) {
    if (key.error().code != "config.bad_key") std::abort();
    return 0;
  }
  if (key->empty()) std::abort();
  for (const auto& name : *key)
    if (name.empty()) std::abort();
  auto again = config::parse_key(config::format_key(*key));
  if (!again || *again != *key) std::abort();
  config::Json doc = config::Json::object();
  if (!config::assign(doc, *key, 42)) std::abort();
  const config::Json* found = config::find(doc, *key);
  if (found == nullptr || *found != 42) std::abort();
  if (!config::erase(doc, *key) || config::find(doc, *key) != nullptr) std::abort();
  // A scalar on the way is refused and changes nothing.
  if (key->size() > 1) {
    config::Json blocked = config::Json::object();
    blocked[(*key)[0]] = 3;
    const config::Json before = blocked;
    auto refused = config::assign(blocked, *key, 1);
    if (refused || refused.error().code != "config.type" || blocked != before) std::abort();
  }
  return 0;
}
