// Store: read, then lock -> re-read -> apply -> atomic write for every change.
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/core.h>

#include "kit/config/store.hpp"
#include "kit/core/file.hpp"
#include "kit/fs.hpp"

namespace kit::config {

namespace {

// The file as text; nullopt when it does not exist.
Result<std::optional<std::string>> read_if_present(const std::string& path) {
  if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) return std::optional<std::string>{};
  auto text = core::read_file(path);
  if (!text) return fail(ErrorKind::io, "config.read", text.error().message);  // it names the file
  return std::optional<std::string>(std::move(*text));
}

Result<Json> parse_settings(std::string_view text, const std::string& path) {
  auto doc = parse_document(text, path);
  if (!doc) return doc;
  if (!doc->is_object())
    return fail(ErrorKind::malformed_input, "config.corrupt",
                fmt::format("{}: the top level is {} {}, not an object", path,
                            doc->is_array() ? "an" : "a", type_name(*doc)));
  return doc;
}

tl::unexpected<Error> wrong_type(std::string_view key, const Json& value, std::string_view want) {
  return fail(ErrorKind::invalid_argument, "config.type",
              fmt::format("'{}' is {} {}, not {}", key, value.is_array() ? "an" : "a",
                          type_name(value), want));
}

}  // namespace

Result<Json> read_document(const std::string& path) {
  auto text = core::read_file(path);
  if (!text) return fail(ErrorKind::io, "config.read", text.error().message);  // it names the file
  return parse_document(*text, path);
}

Store::Store(std::string path, StoreOptions options) : path_(std::move(path)), options_(options) {}

Result<Store> Store::open(std::string path, StoreOptions options) {
  Store store(std::move(path), options);
  if (auto ok = store.read(); !ok) return tl::unexpected(ok.error());
  return store;
}

Result<void> Store::read() {
  auto text = read_if_present(path_);
  if (!text) return tl::unexpected(text.error());
  if (!*text) {
    document_ = Json::object();
    exists_ = false;
    return {};
  }
  auto doc = parse_settings(**text, path_);
  if (!doc) return tl::unexpected(doc.error());
  document_ = std::move(*doc);
  exists_ = true;
  return {};
}

Result<void> Store::reload() {
  return read();
}

Result<const Json*> Store::lookup(std::string_view key) const {
  auto parsed = parse_key(key);
  if (!parsed) return tl::unexpected(parsed.error());
  const Json* value = find(document_, *parsed);
  if (value == nullptr)
    return fail(ErrorKind::not_found, "config.missing", fmt::format("{}: no key '{}'", path_, key));
  return value;
}

Result<Json> Store::get(std::string_view key) const {
  auto value = lookup(key);
  if (!value) return tl::unexpected(value.error());
  return **value;
}

Result<std::string> Store::get_string(std::string_view key) const {
  auto value = lookup(key);
  if (!value) return tl::unexpected(value.error());
  if (!(*value)->is_string()) return wrong_type(key, **value, "a string");
  return (*value)->get<std::string>();
}

Result<std::int64_t> Store::get_int(std::string_view key) const {
  auto value = lookup(key);
  if (!value) return tl::unexpected(value.error());
  const Json& v = **value;
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t{INT64_MAX})
    return wrong_type(key, v, "an integer in 64 bits");
  if (!v.is_number_integer()) return wrong_type(key, v, "an integer");
  return v.get<std::int64_t>();
}

Result<double> Store::get_number(std::string_view key) const {
  auto value = lookup(key);
  if (!value) return tl::unexpected(value.error());
  if (!(*value)->is_number()) return wrong_type(key, **value, "a number");
  return (*value)->get<double>();
}

Result<bool> Store::get_bool(std::string_view key) const {
  auto value = lookup(key);
  if (!value) return tl::unexpected(value.error());
  if (!(*value)->is_boolean()) return wrong_type(key, **value, "a boolean");
  return (*value)->get<bool>();
}

Result<void> Store::update(const std::function<Result<void>(Json&)>& change) {
  core::Clock& clock = options_.clock != nullptr ? *options_.clock : core::steady_clock();
  auto lock = fs::FileLock::acquire(lock_path(), options_.lock_timeout, clock);
  if (!lock) return tl::unexpected(lock.error());
  // Under the lock no other writer runs: a temporary file beside ours is a killed writer's.
  if (auto swept = fs::remove_stale_temps(path_); !swept) return tl::unexpected(swept.error());
  if (auto ok = read(); !ok) return ok;  // another process may have written since we read
  Json next = document_;
  if (auto ok = change(next); !ok) {
    Error error = ok.error();
    error.message = fmt::format("{}: {}", path_, error.message);  // every error names its file
    return tl::unexpected(std::move(error));
  }
  if (next == document_ && exists_) return {};
  if (auto ok = fs::atomic_write(path_, to_text(next), options_.new_file_mode); !ok) return ok;
  document_ = std::move(next);
  exists_ = true;
  return {};
}

Result<void> Store::set(std::string_view key, Json value) {
  auto parsed = parse_key(key);
  if (!parsed) return tl::unexpected(parsed.error());
  return update([&](Json& doc) { return assign(doc, *parsed, std::move(value)); });
}

Result<bool> Store::unset(std::string_view key) {
  auto parsed = parse_key(key);
  if (!parsed) return tl::unexpected(parsed.error());
  bool was_there = false;
  auto ok = update([&](Json& doc) -> Result<void> {
    was_there = erase(doc, *parsed);
    return {};
  });
  if (!ok) return tl::unexpected(ok.error());
  return was_there;
}

Result<bool> Store::remove() {
  core::Clock& clock = options_.clock != nullptr ? *options_.clock : core::steady_clock();
  auto lock = fs::FileLock::acquire(lock_path(), options_.lock_timeout, clock);
  if (!lock) return tl::unexpected(lock.error());
  document_ = Json::object();
  exists_ = false;
  if (::unlink(path_.c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  return fail(ErrorKind::io, "config.write",
              fmt::format("{}: cannot remove: {}", path_, std::strerror(errno)));
}

}  // namespace kit::config
