// kit config — settings in the right folder on each OS, in a JSON file that survives crashes,
// concurrent writers and bad bytes, layered with an environment overlay, KIT_ variables and
// -c overrides (kit::config). The tutorial's ConfigManager as a tool. Docs:
// docs/commands/config.md.
//
// usage: kit config path [--kind KIND] [--site] [--app NAME] [--author NAME | --no-author]
//                        [--version V] [--roaming] [--os linux|macos|windows]
//        kit config get KEY [--default VALUE] [--json]
//        kit config set KEY VALUE [--type string|int|float|bool|json]
//        kit config unset KEY | list [--show-origin] [--json] | clear [--yes]
//        kit config validate [--schema FILE] | merge FILE...
//        (common: [-f FILE | --app NAME] [--env NAME] [-c KEY=VALUE]...)
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "command.hpp"
#include "kit/config.hpp"
#include "kit/core/output.hpp"
#include "kit/timing.hpp"

namespace kit::cli {

namespace {

using config::Json;

struct ConfigOptions {
  std::string action;
  // the store and its layers
  std::optional<std::string> file;
  std::string app = "kit";
  std::optional<std::string> env;
  std::vector<std::string> overrides;
  // path
  std::string kind = "config";
  bool site = false;
  std::optional<std::string> author;
  bool no_author = false;
  std::string version, os;
  bool roaming = false;
  // get, set, unset, list, clear, validate, merge
  std::string key, value, type;
  std::optional<std::string> fallback, schema;
  std::vector<std::string> files;
  std::string wait = "10s";
  bool json = false, show_origin = false, yes = false;
};

Error usage(std::string message) {
  return make_error(ErrorKind::invalid_argument, "config.usage", std::move(message));
}

// open_store(o, path): the store, waiting --wait for another writer's lock.
Result<config::Store> open_store(const ConfigOptions& o, const std::string& path) {
  auto wait = timing::parse_duration(o.wait);
  if (!wait) return tl::unexpected(usage(fmt::format("--wait: {}", wait.error().message)));
  return config::Store::open(
      path, {.lock_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*wait)});
}

// store_path(o, create): -f, else config.json in the app's user config folder (made when
// `create`, so that a first `set` has somewhere to go).
Result<std::string> store_path(const ConfigOptions& o, bool create) {
  if (o.file) return *o.file;
  config::PlatformDirs dirs{.app = o.app, .ensure_exists = create};
  auto folder = dirs.user_config_dir();
  if (!folder) return tl::unexpected(folder.error());
  return *folder + "/config.json";
}

Result<config::LayerOptions> layer_options(const ConfigOptions& o) {
  auto path = store_path(o, false);
  if (!path) return tl::unexpected(path.error());
  auto variables = config::kit_variables();
  std::string env = o.env.value_or("");
  if (!o.env)
    if (auto it = variables.find("KIT_ENV"); it != variables.end()) env = it->second;
  return config::LayerOptions{
      .file = *path, .env = env, .environment = std::move(variables), .overrides = o.overrides};
}

Result<std::shared_ptr<const config::Config>> load_layers(const ConfigOptions& o) {
  auto options = layer_options(o);
  if (!options) return tl::unexpected(options.error());
  return config::load(*options);
}

// A value as get and list print it: strings raw, anything else as one line of JSON.
std::string display(const Json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

int run_path(const ConfigOptions& o, core::Output& out) {
  config::PlatformDirs dirs{.app = o.app,
                            .author = o.author,
                            .no_author = o.no_author,
                            .version = o.version,
                            .roaming = o.roaming};
  if (!o.os.empty()) {
    auto os = config::parse_os(o.os);
    if (!os) return core::report_error("config", os.error());
    dirs.os = *os;
  }
  auto kind = config::parse_dir_kind(o.kind);
  if (!kind) return core::report_error("config", kind.error());
  auto folder = o.site ? dirs.site_dir(*kind) : dirs.user_dir(*kind);
  if (!folder) return core::report_error("config", folder.error());
  out.text(*folder + "\n");
  return out.finish();
}

int run_get(const ConfigOptions& o, core::Output& out) {
  auto key = config::parse_key(o.key);
  if (!key) return core::report_error("config", key.error());
  auto options = layer_options(o);
  if (!options) return core::report_error("config", options.error());
  // Only the value at KEY: each file cut down to its path, not the whole merged configuration.
  auto value = config::lookup(*options, *key);
  if (!value) return core::report_error("config", value.error());
  if (!*value) {
    if (!o.fallback) return core::exit_failed;  // as git config: nothing printed, exit 1
    out.text(o.json ? config::loose_value(*o.fallback).dump() + "\n" : *o.fallback + "\n");
    return out.finish();
  }
  out.text((o.json ? (*value)->dump() : display(**value)) + "\n");
  return out.finish();
}

int run_list(const ConfigOptions& o, core::Output& out) {
  auto layers = load_layers(o);
  if (!layers) return core::report_error("config", layers.error());
  if (o.json) {
    out.text(config::to_text((*layers)->values()));
    return out.finish();
  }
  std::string text;
  for (const config::Entry& e : (*layers)->entries()) {
    if (o.show_origin) text += (e.origin ? e.origin->to_string() : "") + "\t";
    text += config::format_key(e.key) + "=" + display(*e.value) + "\n";
  }
  out.text(text);
  return out.finish();
}

int run_change(const ConfigOptions& o) {
  auto path = store_path(o, o.action == "set");
  if (!path) return core::report_error("config", path.error());
  auto store = open_store(o, *path);
  if (!store) return core::report_error("config", store.error());
  if (o.action == "set") {
    auto type = o.type.empty() ? config::ValueType::loose : config::parse_value_type(o.type);
    if (!type) return core::report_error("config", type.error());
    auto value = config::parse_value(o.value, *type);
    if (!value) return core::report_error("config", value.error());
    if (auto ok = store->set(o.key, std::move(*value)); !ok)
      return core::report_error("config", ok.error());
    return core::exit_ok;
  }
  auto removed = store->unset(o.key);
  if (!removed) return core::report_error("config", removed.error());
  if (!*removed)
    return core::report_error("config", make_error(ErrorKind::not_found, "config.missing",
                                                   fmt::format("{}: no key '{}'", *path, o.key)));
  return core::exit_ok;
}

int run_clear(const ConfigOptions& o) {
  auto path = store_path(o, false);
  if (!path) return core::report_error("config", path.error());
  if (!o.yes && core::is_terminal(STDIN_FILENO)) {
    std::fprintf(stderr, "Remove %s? [y/N] ", path->c_str());
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "y" && answer != "Y" && answer != "yes") return core::exit_failed;
  }
  auto store = open_store(o, *path);
  if (!store) return core::report_error("config", store.error());
  if (auto removed = store->remove(); !removed)
    return core::report_error("config", removed.error());
  return core::exit_ok;
}

int run_validate(const ConfigOptions& o, core::Output& out) {
  auto path = store_path(o, false);
  if (!path) return core::report_error("config", path.error());
  const std::string schema_path = o.schema.value_or(
      (std::filesystem::path(*path).parent_path() / "config.schema.json").string());
  auto schema_doc = config::read_document(schema_path);
  if (!schema_doc) return core::report_error("config", schema_doc.error());
  auto schema = config::Schema::compile(*schema_doc, schema_path);
  if (!schema) return core::report_error("config", schema.error());
  auto layers = load_layers(o);
  if (!layers) return core::report_error("config", layers.error());
  const auto errors = schema->validate((*layers)->values());
  std::string text;
  for (const config::SchemaError& e : errors) text += e.to_string() + "\n";
  out.text(text);
  const int written = out.finish();
  return written != core::exit_ok || !errors.empty() ? core::exit_failed : core::exit_ok;
}

int run_merge(const ConfigOptions& o, core::Output& out) {
  // Written as it is made: a 10 MB merge never sits in memory whole.
  auto merged = config::merge_files(o.files, [&](std::string_view piece) { out.text(piece); });
  if (!merged) return core::report_error("config", merged.error());
  return out.finish();
}

int run_config(const ConfigOptions& o) {
  if (o.file && o.app != "kit")
    return core::report_error("config", usage("-f and --app name the store two ways: give one"));
  core::Output out({.command = "config"});
  if (o.action == "path") return run_path(o, out);
  if (o.action == "get") return run_get(o, out);
  if (o.action == "list") return run_list(o, out);
  if (o.action == "set" || o.action == "unset") return run_change(o);
  if (o.action == "clear") return run_clear(o);
  if (o.action == "validate") return run_validate(o, out);
  return run_merge(o, out);
}

}  // namespace

Runner register_config(CLI::App& app) {
  auto o = std::make_shared<ConfigOptions>();
  app.require_subcommand(1);
  std::vector<CLI::App*> subs;
  auto sub = [&](const char* name, const char* help, bool layered) {
    CLI::App* s = app.add_subcommand(name, help);
    if (layered) {
      s->add_option("-f,--file", o->file, "the store (default: config.json in the app's folder)");
      s->add_option("--env", o->env, "overlay <store>.<NAME>.json (default: $KIT_ENV)");
      s->add_option("-c", o->overrides, "KEY=VALUE: override a value for this run (repeatable)")
          ->allow_extra_args(false);
    }
    s->add_option("--app", o->app, "the application's folder name (default: kit)");
    subs.push_back(s);
    return s;
  };
  auto add_wait = [&](CLI::App* s) {
    s->add_option("--wait", o->wait, "wait this long for another writer's lock (default 10s)");
    return s;
  };
  CLI::App* path = sub("path", "The folder for an app's config, data, cache, ... on an OS", false);
  path->add_option("--kind", o->kind,
                   "config, data, cache, state, log or runtime (default config)");
  path->add_flag("--site", o->site, "the system-wide folder (config and data)");
  path->add_option("--author", o->author, "the author level on Windows (default: the app)");
  path->add_flag("--no-author", o->no_author, "no author level");
  path->add_option("--version", o->version, "a version level under the app");
  path->add_flag("--roaming", o->roaming, "Windows: the roaming profile (APPDATA)");
  path->add_option("--os", o->os, "linux, macos or windows (default: this one)");
  CLI::App* get = sub("get", "Print a value (exit 1 when missing and no --default)", true);
  get->add_option("KEY", o->key, "a dotted key: database.pool_size")->required();
  get->add_option("--default", o->fallback, "print this when the key is missing");
  add_json_flag(*get, o->json);
  CLI::App* set = add_wait(sub("set", "Set a value in the store (locked, atomic)", true));
  set->add_option("KEY", o->key)->required();
  set->add_option("VALUE", o->value)->required();
  set->add_option("--type", o->type,
                  "string, int, float, bool or json (default: JSON if it "
                  "parses, else a string)");
  add_wait(sub("unset", "Remove a key from the store", true))
      ->add_option("KEY", o->key)
      ->required();
  CLI::App* list = sub("list", "Every value as key=value", true);
  list->add_flag("--show-origin", o->show_origin, "prefix each with where it came from (as git)");
  add_json_flag(*list, o->json);
  add_wait(sub("clear", "Remove the store (asks on a terminal)", true))
      ->add_flag("--yes", o->yes, "do not ask");
  sub("validate", "Check the configuration against a JSON Schema", true)
      ->add_option("--schema", o->schema, "the schema (default: config.schema.json beside it)");
  sub("merge", "Merge JSON files as RFC 7396 merge patches, in order, and print", false)
      ->add_option("FILE", o->files, "the base, then each patch")
      ->required();
  return [o, subs] {
    for (CLI::App* s : subs)
      if (s->parsed()) o->action = s->get_name();
    return run_config(*o);
  };
}

}  // namespace kit::cli
