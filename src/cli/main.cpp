// kit — the driver: builds the command table from commands.def, parses, dispatches.
#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <set>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "command.hpp"
#include "kit/core/output.hpp"

#ifndef KIT_VERSION
#define KIT_VERSION "0.0.0"
#endif

namespace kit::cli {

void add_json_flag(CLI::App& app, bool& json) {
  app.add_flag("--json", json, "Print JSON instead of text (schema: docs/commands/)");
}

void add_color_option(CLI::App& app, std::string& color) {
  app.add_option("--color", color, "Colour and highlighting: auto (on a terminal), always, never")
      ->default_str("auto");
}

namespace {

struct Command {
  const char* name;
  CLI::App* app;
  Runner run;
};

// The innermost subcommand that was parsed, for `kit <command>: ...` messages.
std::string command_path(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands()) {
    std::string rest = command_path(*sub);
    return rest.empty() ? sub->get_name() : sub->get_name() + " " + rest;
  }
  return {};
}

// Long options that take a value, in the app and all its subcommands.
void collect_valued_options(const CLI::App& app, std::set<std::string>& names) {
  for (const CLI::Option* opt : app.get_options())
    if (opt->get_type_size() != 0)
      for (const std::string& name : opt->get_lnames()) names.insert("--" + name);
  for (const CLI::App* sub : app.get_subcommands({})) collect_valued_options(*sub, names);
}

// CLI11 reads `--opt=` (an empty value) as a missing value and takes the next argument instead;
// argparse and getopt give the empty string. Spell such arguments as `--opt ""` before parsing.
std::vector<std::string> normalize_args(const CLI::App& app, int argc, char** argv) {
  std::set<std::string> valued;
  collect_valued_options(app, valued);
  std::vector<std::string> args;
  bool options_end = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") options_end = true;
    if (!options_end && arg.ends_with('=') && valued.count(arg.substr(0, arg.size() - 1)) > 0) {
      args.push_back(arg.substr(0, arg.size() - 1));
      args.emplace_back();
    } else {
      args.push_back(std::move(arg));
    }
  }
  std::reverse(args.begin(), args.end());  // CLI11 parses a vector from its back
  return args;
}

// A tool that parses its own arguments (commands.def's KIT_TOOL).
struct Tool {
  std::string_view name;
  int (*main)(std::string_view program, int argc, char** argv);
};

constexpr Tool tools[] = {
#define KIT_COMMAND(name, summary)
#define KIT_TOOL(name, summary) {#name, main_##name},
#include "commands.def"
#undef KIT_COMMAND
};

// personality(argv0): the tool kit stands in for when run through a symlink with its name.
const Tool* personality(std::string_view argv0) {
  const std::string_view base = argv0.substr(argv0.rfind('/') + 1);
  struct Alias {
    std::string_view alias, tool;
  };
  static constexpr Alias aliases[] = {
#define KIT_COMMAND(name, summary)
#define KIT_PERSONALITY(alias, name) {#alias, #name},
#include "commands.def"
#undef KIT_COMMAND
  };
  for (const Alias& a : aliases)
    if (a.alias == base)
      for (const Tool& t : tools)
        if (t.name == a.tool) return &t;
  return nullptr;
}

int run(int argc, char** argv) {
  if (argc >= 1)
    if (const Tool* tool = personality(argv[0])) return tool->main(argv[0], argc, argv);
  if (argc >= 2)
    for (const Tool& tool : tools)
      if (tool.name == argv[1])
        return tool.main(fmt::format("kit {}", tool.name), argc - 1, argv + 1);

  CLI::App app{"kit — the batteries of Python's standard library as one fast C++ tool.", "kit"};
  app.set_version_flag("--version", std::string("kit " KIT_VERSION));
  app.require_subcommand(1);
  app.footer(
      "Run 'kit <command> --help' for a command's options. Docs: docs/commands/<command>.md");

  // One pass, so that `kit --help` lists commands and tools in the table's order; tools parse
  // their own arguments and are here only to be listed.
  // Only the command being run builds its options: building every command's costs each run
  // its share of start-up. `kit --help` (or an option first) and `kit completion`, which lists
  // every command's options, build them all.
  const std::string_view invoked = argc >= 2 ? argv[1] : "";
  const bool build_all = invoked.empty() || invoked.starts_with("-") || invoked == "completion";
  std::vector<Command> commands;
#define KIT_COMMAND(name, summary)                                                       \
  {                                                                                      \
    CLI::App* sub = app.add_subcommand(#name, summary);                                  \
    commands.push_back(                                                                  \
        {#name, sub, build_all || invoked == #name ? register_##name(*sub) : Runner{}}); \
  }
#define KIT_TOOL(name, summary) app.add_subcommand(#name, summary);
#include "commands.def"
#undef KIT_COMMAND

  if (argc <= 1) {
    std::fputs(app.help().c_str(), stderr);
    return core::exit_usage;
  }
  if (const std::string first = argv[1]; !first.starts_with("-")) {
    bool known = false;
    for (const Command& c : commands) known = known || first == c.name;
    if (!known) {
      fmt::print(stderr, "kit: unknown command '{}'\nRun 'kit --help' for the list of commands.\n",
                 first);
      return core::exit_usage;
    }
  }
  try {
    std::vector<std::string> args = normalize_args(app, argc, argv);
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion&) {
    std::puts("kit " KIT_VERSION);
    return core::exit_ok;
  } catch (const CLI::ParseError& e) {
    std::string where = command_path(app);
    fmt::print(stderr, "kit{}{}: {}\nRun 'kit {}--help' for usage.\n", where.empty() ? "" : " ",
               where, e.what(), where.empty() ? "" : where + " ");
    return core::exit_usage;
  }
  for (const Command& c : commands)
    if (c.app->parsed()) return c.run();
  return core::exit_usage;
}

}  // namespace
}  // namespace kit::cli

int main(int argc, char** argv) {
  // Commands format and pack large pieces on worker threads, allocated and freed over and
  // over. By default glibc maps each such buffer fresh and unmaps it when freed, and faulting
  // its pages in again costs more than the work (a quarter of `kit struct`'s time): keep
  // freed memory in the process instead. Peak memory is unchanged.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  try {
    return kit::cli::run(argc, argv);
  } catch (const std::exception& e) {
    // Last resort: library errors are values; anything thrown here is a bug in kit.
    std::fflush(stdout);
    fmt::print(stderr, "kit: internal error: {}\n", e.what());
    return kit::core::exit_failed;
  }
}
