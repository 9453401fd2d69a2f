// Layers merged as merge patches, with each leaf's origin kept beside the values.
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <filesystem>

#include <fmt/core.h>

#include "fast_json.hpp"
#include "kit/config/layers.hpp"
#include "kit/config/store.hpp"
#include "kit/core/file.hpp"
#include "kit/fs.hpp"

extern char** environ;

namespace kit::config {

std::string Origin::to_string() const {
  switch (kind) {
    case Kind::defaults:
      return "default:";
    case Kind::file:
      return "file:" + source;
    case Kind::environment:
      return "env:" + source;
    case Kind::command_line:
      return "command line:";
  }
  return {};
}

// Applies layers in order, as apply_merge_patch does, recording the origin of every leaf set.
class LayerBuilder {
 public:
  void apply(const Json& patch, const Origin& origin) {
    Key at;
    merge(config_.values_, patch, at, origin);
  }
  void read_file(const std::string& absolute_path) { config_.files_.push_back(absolute_path); }
  [[nodiscard]] const Config& config() const { return config_; }
  [[nodiscard]] std::shared_ptr<const Config> finish() {
    return std::make_shared<const Config>(std::move(config_));
  }

 private:
  // Forgets the origins of `at` and everything under it.
  void forget(const Key& at) {
    auto it = config_.origins_.lower_bound(at);
    while (it != config_.origins_.end() && it->first.size() >= at.size() &&
           std::equal(at.begin(), at.end(), it->first.begin()))
      it = config_.origins_.erase(it);
  }

  void merge(Json& target, const Json& patch, Key& at, const Origin& origin) {
    if (!patch.is_object() || (patch.empty() && !target.is_object())) {
      forget(at);
      target = patch.is_object() ? Json::object() : patch;
      config_.origins_[at] = origin;
      return;
    }
    if (!target.is_object()) {
      forget(at);
      target = Json::object();
    }
    for (const auto& [name, value] : patch.items()) {
      at.push_back(name);
      if (value.is_null()) {
        target.erase(name);
        forget(at);
      } else {
        merge(target[name], value, at, origin);
      }
      at.pop_back();
    }
  }

  Config config_;
};

const Origin* Config::origin(const Key& key) const {
  Key at = key;
  while (true) {
    if (auto it = origins_.find(at); it != origins_.end()) return &it->second;
    if (at.empty()) return nullptr;
    at.pop_back();
  }
}

std::vector<Entry> Config::entries() const {
  std::vector<Entry> out;
  Key at;
  std::function<void(const Json&)> walk = [&](const Json& value) {
    if (!value.is_object() || (value.empty() && !at.empty())) {
      out.push_back({at, &value, origin(at)});
      return;
    }
    for (const auto& [name, member] : value.items()) {
      at.push_back(name);
      walk(member);
      at.pop_back();
    }
  };
  walk(values_);
  return out;
}

std::string overlay_path(const std::string& file, std::string_view env) {
  const std::filesystem::path path(file);
  std::filesystem::path overlay = path.parent_path() / path.stem();
  return overlay.string() + "." + std::string(env) + path.extension().string();
}

std::string variable_name(const Key& key) {
  std::string name = "KIT";
  for (std::size_t i = 0; i < key.size(); ++i) {
    name += i == 0 ? "_" : "__";
    for (const char c : key[i])
      name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

std::map<std::string, std::string, std::less<>> kit_variables() {
  std::map<std::string, std::string, std::less<>> out;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::size_t eq = text.find('=');
    if (eq == std::string_view::npos || !text.starts_with("KIT_")) continue;
    out.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return out;
}

namespace {

Result<void> apply_file(LayerBuilder& builder, const std::string& path, bool& found) {
  auto store = Store::open(path);
  if (!store) return tl::unexpected(store.error());
  found = store->exists();
  if (found) {
    const std::string absolute =
        std::filesystem::absolute(std::filesystem::path(path)).lexically_normal().string();
    builder.apply(store->document(), {Origin::Kind::file, absolute});
    builder.read_file(absolute);
  }
  return {};
}

// apply_file for one key: the file read by the fast reader and cut down to `key`; anything
// unusual (unreadable, refused by the fast reader, not an object) goes to apply_file, whose
// Store::open reads it (or explains it) exactly as load() does.
Result<void> apply_file_at(LayerBuilder& builder, const std::string& path, bool& found,
                           const Key& key) {
  if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) {
    found = false;
    return {};
  }
  // Mapped: only the pages read are touched, no copy.
  auto file = core::InputFile::load(path);
  if (!file) return apply_file(builder, path, found);
  const std::string_view text = file->bytes();
  std::string cleaned;
  if (!detail::plain_text(text)) cleaned = fs::universal_newlines(text);
  const std::string_view view = detail::plain_text(text) ? text : std::string_view(cleaned);
  // Each object along the path to `key` keeps only the member named next, a non-object on the
  // way stays whole, the value at `key` whole: merge patches act member by member, so layers
  // cut this way merge to the same value at `key` (and collect the same variables for it).
  detail::FastDoc reader;
  std::optional<Json> doc = reader.path_value(view, key);
  if (!doc || !doc->is_object()) return apply_file(builder, path, found);
  found = true;
  const std::string absolute =
      std::filesystem::absolute(std::filesystem::path(path)).lexically_normal().string();
  builder.apply(*doc, {Origin::Kind::file, absolute});
  builder.read_file(absolute);
  return {};
}

// Every key (objects and leaves) the document defines, parents before children.
void collect_keys(const Json& value, Key& at, std::vector<Key>& out) {
  if (!value.is_object()) return;
  for (const auto& [name, member] : value.items()) {
    at.push_back(name);
    out.push_back(at);
    collect_keys(member, at, out);
    at.pop_back();
  }
}

Json patch_at(const Key& key, Json value) {
  for (auto it = key.rbegin(); it != key.rend(); ++it) {
    Json wrapper = Json::object();
    wrapper[*it] = std::move(value);
    value = std::move(wrapper);
  }
  return value;
}

// load(), with the files cut down to `only` when given (lookup()).
Result<std::shared_ptr<const Config>> load_layers(const LayerOptions& options, const Key* only) {
  if (!options.env.empty() &&
      (options.env == "." || options.env == ".." ||
       options.env.find_first_of(std::string_view("/\0", 2)) != std::string::npos))
    return fail(
        ErrorKind::invalid_argument, "config.bad_env",
        fmt::format("bad environment name '{}': it becomes part of a file name", options.env));
  LayerBuilder builder;
  builder.apply(options.defaults, {Origin::Kind::defaults, {}});
  if (!options.file.empty()) {
    bool found = false;
    auto read = [&](const std::string& path) {
      return only != nullptr ? apply_file_at(builder, path, found, *only)
                             : apply_file(builder, path, found);
    };
    if (auto ok = read(options.file); !ok) return tl::unexpected(ok.error());
    if (!options.env.empty()) {
      const std::string overlay = overlay_path(options.file, options.env);
      if (auto ok = read(overlay); !ok) return tl::unexpected(ok.error());
    }
  }
  // Variables name keys the lower layers define; nothing else in the environment is config.
  if (!options.environment.empty()) {
    std::vector<Key> keys;
    Key at;
    collect_keys(builder.config().values(), at, keys);
    for (const Key& key : keys) {
      const std::string name = variable_name(key);
      auto it = options.environment.find(name);
      if (it == options.environment.end()) continue;
      // A parent variable applied earlier may have replaced this key's object.
      if (key.size() > 1) {
        const Key parent(key.begin(), key.end() - 1);
        const Json* holder = find(builder.config().values(), parent);
        if (holder == nullptr || !holder->is_object()) continue;
      }
      builder.apply(patch_at(key, loose_value(it->second)), {Origin::Kind::environment, name});
    }
  }
  for (const std::string& override_text : options.overrides) {
    const std::size_t eq = override_text.find('=');
    const std::string_view key_text = std::string_view(override_text).substr(0, eq);
    auto key = parse_key(key_text);
    if (!key)
      return fail(ErrorKind::invalid_argument, "config.bad_override",
                  fmt::format("-c {}: {}", override_text, key.error().message));
    Json value = eq == std::string::npos
                     ? Json(true)
                     : loose_value(std::string_view(override_text).substr(eq + 1));
    builder.apply(patch_at(*key, std::move(value)), {Origin::Kind::command_line, {}});
  }
  return builder.finish();
}

}  // namespace

Result<std::shared_ptr<const Config>> load(const LayerOptions& options) {
  return load_layers(options, nullptr);
}

Result<std::optional<Json>> lookup(const LayerOptions& options, const Key& key) {
  auto config = load_layers(options, &key);
  if (!config) return tl::unexpected(config.error());
  const Json* value = find((*config)->values(), key);
  if (value == nullptr) return std::optional<Json>{};
  return std::optional<Json>(*value);
}

}  // namespace kit::config
