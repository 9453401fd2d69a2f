// What the `kit` driver and its command files share: the register/run contract and the few
// option helpers every command uses.
#pragma once

#include <getopt.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace kit::cli {

// A command's register_<name>(app) adds its options and arguments to `app` (its subcommand),
// binding them to an options struct it owns, and returns the runner that main calls after
// parsing: run_<name>(options) -> exit code. No work happens inside CLI11 callbacks.
using Runner = std::function<int()>;

#define KIT_COMMAND(name, summary) Runner register_##name(CLI::App& app);
#include "commands.def"
#undef KIT_COMMAND

// A tool's main_<name>(program, argc, argv): argv[0] is the tool's own (argv[1] the first
// option); `program` is the name its messages give ("kit sum", or argv[0] of a personality).
#define KIT_COMMAND(name, summary)
#define KIT_TOOL(name, summary) int main_##name(std::string_view program, int argc, char** argv);
#include "commands.def"
#undef KIT_COMMAND

// A tool's getopt_table_<name>(): the options main_<name> gives getopt_long (the table ends
// with a zero row; shorts in getopt's syntax, "+:n:b:"), which `kit completion` lists too.
struct GetoptTable {
  std::vector<option> longs;
  std::string shorts;
};
#define KIT_COMMAND(name, summary)
#define KIT_TOOL(name, summary) GetoptTable getopt_table_##name();
#include "commands.def"
#undef KIT_COMMAND

// add_json_flag(app, json): the --json switch, worded the same for every command.
void add_json_flag(CLI::App& app, bool& json);

// add_color_option(app, color): --color auto|always|never (parse with core::parse_color_mode).
void add_color_option(CLI::App& app, std::string& color);

}  // namespace kit::cli
