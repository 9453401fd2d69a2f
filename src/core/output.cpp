// The output layer shared by every command: stdout text or JSON, stderr errors, exit codes.
#include "kit/core/output.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "kit/core/text.hpp"

namespace kit::core {

int exit_code(const Error& error) {
  switch (error.kind) {
    case ErrorKind::invalid_argument:
    case ErrorKind::malformed_input:
    case ErrorKind::io:
      return exit_usage;
    case ErrorKind::not_found:
    case ErrorKind::failed:
      return exit_failed;
  }
  return exit_failed;
}

int report_error(std::string_view command, const Error& error) {
  std::string where;
  // A message may name its position itself: an argument's column ("ports: 5-3: ... (column 1)")
  // or a file's line:column as compilers do ("app.json:3:8: ...").
  if (error.position &&
      !error.message.ends_with(fmt::format("(column {})", error.position->column)) &&
      error.message.find(fmt::format(":{}:{}: ", error.position->line, error.position->column)) ==
          std::string::npos)
    where = fmt::format(" (line {}, column {})", error.position->line, error.position->column);
  else if (error.offset)
    where = fmt::format(" (at byte {})", *error.offset);
  std::fflush(stdout);
  fmt::print(stderr, "kit {}: {}{}\n", command, error.message, where);
  return exit_code(error);
}

bool is_terminal(int fd) {
  return ::isatty(fd) == 1;
}

bool use_color(int fd) {
  if (const char* no = std::getenv("NO_COLOR"); no != nullptr && *no != '\0') return false;
  if (const char* term = std::getenv("TERM"); term != nullptr && std::strcmp(term, "dumb") == 0)
    return false;
  return is_terminal(fd);
}

Result<ColorMode> parse_color_mode(std::string_view s) {
  if (s == "auto") return ColorMode::automatic;
  if (s == "always") return ColorMode::always;
  if (s == "never") return ColorMode::never;
  return fail(ErrorKind::invalid_argument, "core.bad_color",
              fmt::format("--color must be auto, always or never, got '{}'", s));
}

Output::Output(OutputOptions options)
    : options_(options),
      color_(!options.json && (options.color == ColorMode::always ||
                               (options.color == ColorMode::automatic && use_color(1)))) {}

Output::~Output() {
  std::fflush(stdout);
}

void Output::write(std::string_view s) {
  if (write_errno_ != 0 || s.empty()) return;
  if (std::fwrite(s.data(), 1, s.size(), stdout) != s.size()) write_errno_ = errno ? errno : EIO;
}

void Output::text(std::string_view s) {
  write(s);
}

void Output::document(const nlohmann::json& doc) {
  write(doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  write("\n");
}

void Output::record(const nlohmann::json& data) {
  write_line("record", data);
}

void Output::summary(const nlohmann::json& data) {
  write_line("summary", data);
}

// One JSON Lines message, "type" first as ripgrep writes it.
void Output::write_line(std::string_view type, const nlohmann::json& data) {
  write_message(type, data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void Output::write_message(std::string_view type, std::string_view data) {
  write("{\"type\":\"");
  write(type);
  write("\",\"data\":");
  write(data);
  write("}\n");
}

int Output::finish() {
  if (std::fflush(stdout) != 0 && write_errno_ == 0) write_errno_ = errno ? errno : EIO;
  if (write_errno_ == 0) return exit_ok;
  fmt::print(stderr, "kit{}{}: write error: {}\n", options_.command.empty() ? "" : " ",
             options_.command, std::strerror(write_errno_));
  return exit_failed;
}

nlohmann::json json_text(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  return nlohmann::json{{"bytes", base64_encode(s)}};
}

}  // namespace kit::core
