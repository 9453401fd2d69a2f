// kit/config/merge.hpp — JSON Merge Patch (RFC 7396): how every config layer applies.
//
// A patch that is an object merges member by member (recursively); a null member deletes; any
// other patch (an array, a scalar) replaces the target whole. The inputs are never changed: the
// copy tutorial's create_env_config without the deepcopy bookkeeping.
//
// Example:
//   Json base = {{"database", {{"host", "localhost"}, {"port", 5432}}}, {"debug", true}};
//   Json prod = {{"database", {{"host", "prod-db.internal"}}}, {"debug", nullptr}};
//   Json merged = kit::config::merge_patch(base, prod);
//   // {"database": {"host": "prod-db.internal", "port": 5432}}; base is as it was
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "kit/config/json.hpp"
#include "kit/core/error.hpp"

namespace kit::config {

// merge_patch(target, patch): RFC 7396 MergePatch(Target, Patch) as a new document.
[[nodiscard]] Json merge_patch(const Json& target, const Json& patch);

// apply_merge_patch(target, patch): the same, in place (no copy of the target).
void apply_merge_patch(Json& target, const Json& patch);

// merge_files(paths): the first file merged with each of the others in turn, as text: the bytes
// to_text(merge_patch(...)) gives, written straight from the parsed files (no Json built), so
// a 10 MB base merges in tens of milliseconds. Errors, in file order, as read_document's:
// config.read, config.corrupt.
[[nodiscard]] Result<std::string> merge_files(const std::vector<std::string>& paths);

// merge_files(paths, sink): the same text handed to `sink` in pieces of about 64 KiB as it is
// written (`kit config merge` prints them); nothing is handed over unless every file parses.
using TextSink = std::function<void(std::string_view)>;
[[nodiscard]] Result<void> merge_files(const std::vector<std::string>& paths, const TextSink& sink);

// merge_texts(texts, sources): the same for documents in memory; sources[i] names texts[i] in
// errors.
[[nodiscard]] Result<std::string> merge_texts(const std::vector<std::string>& texts,
                                              const std::vector<std::string>& sources);

}  // namespace kit::config
