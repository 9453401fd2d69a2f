// placeholder until the config-schema branch lands: refuses every schema.
#include "kit/config/schema.hpp"

namespace kit::config {

std::string SchemaError::to_string() const {
  return pointer + ": " + keyword + ": " + message;
}
Result<Schema> Schema::compile(const Json&, std::string_view source) {
  return fail(ErrorKind::invalid_argument, "config.schema",
              std::string(source) + ": JSON Schema validation is not built yet");
}
std::vector<SchemaError> Schema::validate(const Json&) const {
  return {};
}

}  // namespace kit::config
