// RFC 7396 section 2, as its pseudocode reads, in place.
#include "kit/config/merge.hpp"

namespace kit::config {

void apply_merge_patch(Json& target, const Json& patch) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (!target.is_object()) target = Json::object();
  for (const auto& [name, value] : patch.items()) {
    if (value.is_null()) {
      target.erase(name);
    } else {
      apply_merge_patch(target[name], value);
    }
  }
}

Json merge_patch(const Json& target, const Json& patch) {
  Json result = target;
  apply_merge_patch(result, patch);
  return result;
}

}  // namespace kit::config
