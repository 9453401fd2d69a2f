// kit completion — the shell completion script (bash, zsh, fish) for kit's commands, options
// and operands, described from the parsers themselves: CLI11's command tree and the getopt
// tools' tables (commands.def's KIT_TOOL rows), so it cannot fall behind them.
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "command.hpp"
#include "kit/core/completion.hpp"
#include "kit/core/output.hpp"
#include "kit/hash.hpp"

#ifndef KIT_VERSION
#define KIT_VERSION "0.0.0"
#endif

namespace kit::cli {

namespace {

using core::CompletionCommand;
using core::CompletionOption;
using core::CompletionValue;

bool mentions_file(std::string_view text) {
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("file") != std::string::npos;
}

// What an option's value (or an operand, by its name: FILE, COMMAND, SHELL) is, from its name
// and its help text: kit's options say "file" when they take one.
CompletionValue value_of(std::string_view name, std::string_view summary,
                         std::vector<std::string>& choices) {
  if (name == "algorithm") {
    choices = hash::algorithms_available();
    return CompletionValue::choice;
  }
  if (name == "color") {
    choices = {"auto", "always", "never"};
    return CompletionValue::choice;
  }
  if (name == "SHELL") {
    choices = {"bash", "zsh", "fish"};
    return CompletionValue::choice;
  }
  if (name == "shell" || name == "COMMAND") return CompletionValue::command;
  if (name == "db" || name.starts_with("export-") || name == "FILE" || mentions_file(summary))
    return CompletionValue::file;
  return CompletionValue::text;
}

CompletionCommand describe(const CLI::App& app) {
  CompletionCommand c{app.get_name(), app.get_description(), {}, {}, CompletionValue::none, {}};
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_group().empty()) continue;  // hidden
    if (opt->get_lnames().empty() && opt->get_snames().empty()) {
      // An operand: the first one decides (kit's commands take one kind).
      if (c.operands == CompletionValue::none)
        c.operands = value_of(opt->get_name(true), opt->get_description(), c.operand_choices);
      continue;
    }
    CompletionOption o{{}, opt->get_description(), CompletionValue::none, {}};
    for (const std::string& l : opt->get_lnames()) o.names.push_back("--" + l);
    for (const std::string& s : opt->get_snames()) o.names.push_back("-" + s);
    if (opt->get_expected_max() != 0) {  // a flag expects none
      const std::string name =
          opt->get_lnames().empty() ? opt->get_snames().front() : opt->get_lnames().front();
      o.value = value_of(name, o.summary, o.choices);
    }
    c.options.push_back(std::move(o));
  }
  for (const CLI::App* sub : app.get_subcommands({}))
    if (!sub->get_group().empty()) c.subcommands.push_back(describe(*sub));
  return c;
}

// A getopt tool's options from its table. A '+' table stops at the first operand, which starts
// a command line (retry, as timeout and nice); the others take files.
void describe_tool(const GetoptTable& table, CompletionCommand& c) {
  c.options.clear();  // CLI11's --help: the table has the tool's own
  std::string_view shorts = table.shorts;
  c.operands = shorts.starts_with('+') ? CompletionValue::command : CompletionValue::file;
  while (!shorts.empty() &&
         (shorts.front() == '+' || shorts.front() == '-' || shorts.front() == ':'))
    shorts.remove_prefix(1);
  std::string linked;  // short options named by a long one
  for (const option& l : table.longs) {
    if (l.name == nullptr) break;
    CompletionOption o{{std::string("--") + l.name}, "", CompletionValue::none, {}};
    if (l.val > 0 && l.val < 128 && std::isalnum(l.val) &&
        shorts.find(static_cast<char>(l.val)) != std::string_view::npos) {
      o.names.push_back(std::string("-") + static_cast<char>(l.val));
      linked += static_cast<char>(l.val);
    }
    if (l.has_arg != no_argument) o.value = value_of(l.name, "", o.choices);
    c.options.push_back(std::move(o));
  }
  for (std::size_t i = 0; i < shorts.size(); ++i) {
    const bool valued = i + 1 < shorts.size() && shorts[i + 1] == ':';
    if (linked.find(shorts[i]) == std::string::npos)
      c.options.push_back({{std::string("-") + shorts[i]},
                           "",
                           valued ? CompletionValue::text : CompletionValue::none,
                           {}});
    while (i + 1 < shorts.size() && shorts[i + 1] == ':') ++i;
  }
}

struct ToolTable {
  std::string_view name;
  GetoptTable (*table)();
};

constexpr ToolTable tool_tables[] = {
#define KIT_COMMAND(name, summary)
#define KIT_TOOL(name, summary) {#name, getopt_table_##name},
#include "commands.def"
#undef KIT_COMMAND
};

int run_completion(const CLI::App& root, const std::string& shell_name) {
  auto shell = core::parse_shell(shell_name);
  if (!shell) {
    fmt::print(stderr, "kit completion: {}\n", shell.error().message);
    return core::exit_usage;
  }
  CompletionCommand kit = describe(root);
  for (CompletionCommand& sub : kit.subcommands)
    for (const ToolTable& tool : tool_tables)
      if (tool.name == sub.name) describe_tool(tool.table(), sub);
  fmt::print(
      "{}", core::completion_script(
                *shell, kit, fmt::format("`kit completion {}` (kit {})", shell_name, KIT_VERSION)));
  return core::exit_ok;
}

}  // namespace

Runner register_completion(CLI::App& app) {
  auto shell = std::make_shared<std::string>();
  app.add_option("SHELL", *shell, "bash, zsh or fish")->required();
  return [&app, shell] { return run_completion(*app.get_parent(), *shell); };
}

}  // namespace kit::cli
