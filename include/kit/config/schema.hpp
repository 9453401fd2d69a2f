// kit/config/schema.hpp — placeholder until the config-schema branch lands (issue 17).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kit/config/json.hpp"
#include "kit/core/error.hpp"

namespace kit::config {

struct SchemaError {
  std::string pointer;
  std::string keyword;
  std::string message;
  [[nodiscard]] std::string to_string() const;
};

class Schema {
 public:
  [[nodiscard]] static Result<Schema> compile(const Json& schema, std::string_view source);
  [[nodiscard]] std::vector<SchemaError> validate(const Json& instance) const;
};

}  // namespace kit::config
