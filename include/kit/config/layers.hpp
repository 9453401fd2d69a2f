// kit/config/layers.hpp — a configuration from layers, each value knowing where it came from.
//
// Lowest to highest: defaults < the file (config.json) < its environment overlay
// (config.<env>.json beside it) < KIT_ variables < command-line overrides (`-c key=value`, as
// `git -c`). Each layer applies as a JSON Merge Patch (merge.hpp). A variable is
// `KIT_` + the key upper-cased with `__` between levels (KIT_DATABASE__POOL_SIZE) and overrides
// only a key a lower layer defines, so KIT_ENV, KIT_JOBS_DB or a token in the environment never
// becomes configuration. Values from variables and overrides are JSON when they parse, else
// strings. The result is an immutable snapshot: a reload makes a new Config and never changes
// one a reader holds (the copy tutorial's deepcopy, made structural).
//
// Example:
//   auto config = kit::config::load({.file = "app.json", .env = "production",
//                                    .environment = kit::config::kit_variables()});
//   const kit::config::Json* pool = kit::config::find((*config)->values(), {"database",
//   "pool_size"}); for (const auto& e : (*config)->entries())   // file:/srv/app.production.json
//   database.host=...
//     fmt::print("{}\t{}\n", e.origin->to_string(), kit::config::format_key(e.key));
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kit/config/json.hpp"
#include "kit/config/key.hpp"
#include "kit/core/error.hpp"

namespace kit::config {

// Origin: where a value came from, written as `git config --show-origin` does.
struct Origin {
  enum class Kind { defaults, file, environment, command_line };
  Kind kind = Kind::defaults;
  std::string source;  // the file's absolute path, or the variable's name

  // to_string(): "default:", "file:<abs path>", "env:<VAR>" or "command line:".
  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const Origin&, const Origin&) = default;
};

// A leaf of the configuration (a scalar, an array or an empty object) and its origin.
struct Entry {
  Key key;
  const Json* value = nullptr;
  const Origin* origin = nullptr;
};

class Config {
 public:
  // values(): the merged document (an object).
  [[nodiscard]] const Json& values() const { return values_; }
  // origin(key): where the value at `key` (or the nearest enclosing value) came from.
  [[nodiscard]] const Origin* origin(const Key& key) const;
  // entries(): every leaf in document order.
  [[nodiscard]] std::vector<Entry> entries() const;
  // The files read, lowest first (the overlay only when it exists).
  [[nodiscard]] const std::vector<std::string>& files() const { return files_; }

 private:
  friend class LayerBuilder;
  Json values_ = Json::object();
  std::map<Key, Origin> origins_;  // the leaves' origins
  std::vector<std::string> files_;
};

struct LayerOptions {
  Json defaults = Json::object();
  std::string file{};  // the store; a missing file is an empty layer
  std::string env{};   // the overlay's name ("production"); empty: none
  // The KIT_ variables to consult (kit_variables() for the process's own).
  std::map<std::string, std::string, std::less<>> environment{};
  std::vector<std::string> overrides{};  // "key=value" ("key" alone means true, as git -c)
};

// load(options): the snapshot. Errors: config.corrupt or config.read naming the file,
// config.bad_key and config.bad_override for an override, config.bad_env for an env name that
// is not a plain file-name part.
[[nodiscard]] Result<std::shared_ptr<const Config>> load(const LayerOptions& options);

// lookup(options, key): the value at `key` in load(options), computed without building the
// whole configuration: each file is read, cut down to the path to `key` and merged (variables
// and overrides apply as load() applies them). The same value and the same errors as
// find(load(options)->values(), key); nullopt when there is none. What `kit config get` uses.
[[nodiscard]] Result<std::optional<Json>> lookup(const LayerOptions& options, const Key& key);

// overlay_path("dir/app.json", "production"): "dir/app.production.json".
[[nodiscard]] std::string overlay_path(const std::string& file, std::string_view env);

// variable_name({"database", "pool_size"}): "KIT_DATABASE__POOL_SIZE".
[[nodiscard]] std::string variable_name(const Key& key);

// kit_variables(): the process's environment variables that start with KIT_.
[[nodiscard]] std::map<std::string, std::string, std::less<>> kit_variables();

}  // namespace kit::config
