// config_driver: kit::config::merge_patch for tests/diff/config_merge_vs_python.py. Each stdin
// line is a JSON array [target, patch1, patch2, ...]; each output line the merged document as
// compact JSON (nlohmann's dump, keys in insertion order).
#include <iostream>
#include <string>

#include "kit/config/json.hpp"
#include "kit/config/merge.hpp"

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    const auto layers = kit::config::Json::parse(line);
    kit::config::Json merged = layers.at(0);
    for (std::size_t i = 1; i < layers.size(); ++i)
      merged = kit::config::merge_patch(merged, layers[i]);
    std::cout << merged.dump() << '\n';
  }
  return 0;
}
