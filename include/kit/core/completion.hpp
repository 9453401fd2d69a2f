// kit/core/completion.hpp — shell completion scripts (bash, zsh, fish) for a command tree.
//
// A program describes its commands — subcommands, options, which options take a value and
// what that value is, what its operands are — and gets a self-contained script for each shell:
// bash's needs no bash-completion package (one `complete -F` function), zsh's is an autoloadable
// `#compdef` function, fish's a list of `complete` rules.
//
// Example:
//   core::CompletionCommand tool{.name = "tool", .summary = "", .options = {}, .subcommands = {}};
//   tool.options.push_back({.names = {"--help", "-h"}, .summary = "this help"});
//   tool.subcommands.push_back({.name = "sum", .summary = "Checksums",
//                               .options = {{.names = {"--algorithm", "-a"}, .summary = "",
//                                            .value = core::CompletionValue::choice,
//                                            .choices = {"md5", "sha256"}}},
//                               .subcommands = {}, .operands = core::CompletionValue::file});
//   auto shell = core::parse_shell("bash");                    // Result<Shell>
//   std::string script = core::completion_script(*shell, tool);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kit/core/error.hpp"

namespace kit::core {

// What an option's value, or a command's operands, are: what the shell offers for them.
enum class CompletionValue : unsigned char {
  none,     // a flag (for an option), or nothing to offer (a number, a date)
  text,     // a value, but nothing to offer for it
  file,     // a path
  command,  // a command name, then its arguments (paths)
  choice,   // one of CompletionOption::choices
};

struct CompletionOption {
  std::vector<std::string> names;  // as typed: "--algorithm", "-a"
  std::string summary;             // shown by zsh and fish; may be empty
  CompletionValue value = CompletionValue::none;
  std::vector<std::string> choices;  // when value is choice
};

struct CompletionCommand {
  std::string name;  // the program's name at the root, else the subcommand's
  std::string summary;
  std::vector<CompletionOption> options;
  std::vector<CompletionCommand> subcommands;
  CompletionValue operands = CompletionValue::none;
  std::vector<std::string> operand_choices;  // when operands is choice
};

enum class Shell : unsigned char { bash, zsh, fish };

// parse_shell("zsh"): the shell named, or an Error (core.unknown_shell).
[[nodiscard]] Result<Shell> parse_shell(std::string_view name);

// completion_script(shell, root): the script that completes root.name's command lines in that
// shell. `generator` names what produced it, for the script's first comment.
[[nodiscard]] std::string completion_script(Shell shell, const CompletionCommand& root,
                                            std::string_view generator = {});

}  // namespace kit::core
