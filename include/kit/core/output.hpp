// kit/core/output.hpp — what every command needs to talk to its user: text or --json on stdout,
// errors on stderr as `kit <command>: <message>`, exit codes, and terminal detection.
//
// Example:
//   kit::core::Output out({.json = opts.json});
//   if (out.json()) out.document(doc); else out.text(report);
//   if (!result) return kit::core::report_error("cal", result.error());
//   return out.finish();
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

#include <nlohmann/json_fwd.hpp>

#include "kit/core/error.hpp"

namespace kit::core {

// Exit codes shared by every command (DESIGN.md, Conventions). A mimicked tool's codes win.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1;  // the check failed or problems were found
inline constexpr int exit_usage = 2;   // bad usage or unreadable input

// exit_code(error): bad arguments and unreadable or malformed input are usage errors (2);
// "not found" and "failed" are a negative answer (1).
[[nodiscard]] int exit_code(const Error& error);

// report_error("cal", error): prints `kit cal: <message>` (with line:column or byte offset when
// the error has one) to stderr and returns exit_code(error).
int report_error(std::string_view command, const Error& error);

// is_terminal(fd): whether the file descriptor is a terminal (progress, colour).
[[nodiscard]] bool is_terminal(int fd);

// use_color(fd): colour only on a terminal, and never when NO_COLOR is set or TERM=dumb.
[[nodiscard]] bool use_color(int fd);

// --color: auto (only on a terminal, not with NO_COLOR or TERM=dumb), always or never.
enum class ColorMode { automatic, always, never };
[[nodiscard]] Result<ColorMode> parse_color_mode(std::string_view s);

struct OutputOptions {
  bool json = false;
  ColorMode color = ColorMode::automatic;
  std::string_view command = "";  // for `kit <command>: write error: …`
};

// Output collects a command's stdout; text goes out as is, JSON as one pretty document or as
// JSON Lines ({"type":"record","data":…} … {"type":"summary","data":…}) for streams.
class Output {
 public:
  explicit Output(OutputOptions options = {});
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  ~Output();

  [[nodiscard]] bool json() const { return options_.json; }
  [[nodiscard]] bool color() const { return color_; }

  void text(std::string_view s);
  void document(const nlohmann::json& doc);
  void record(const nlohmann::json& data);
  void summary(const nlohmann::json& data);
  // record(data), summary(data) of an ordered_json: its keys go out in the order they were
  // added. Templates, so that a braced list still means nlohmann::json.
  template <class OrderedJson>
  requires std::is_same_v<OrderedJson, nlohmann::ordered_json>
  void record(const OrderedJson& data) {
    write_message("record", data.dump(-1, ' ', false, OrderedJson::error_handler_t::replace));
  }
  template <class OrderedJson>
  requires std::is_same_v<OrderedJson, nlohmann::ordered_json>
  void summary(const OrderedJson& data) {
    write_message("summary", data.dump(-1, ' ', false, OrderedJson::error_handler_t::replace));
  }

  // finish(): flushes stdout; exit_ok, or exit_failed after reporting a write error (a full
  // disk, a closed pipe) as `kit <command>: write error: …`.
  [[nodiscard]] int finish();

 private:
  void write(std::string_view s);
  void write_line(std::string_view type, const nlohmann::json& data);
  void write_message(std::string_view type, std::string_view data);
  OutputOptions options_;
  bool color_ = false;
  int write_errno_ = 0;  // the first write error, 0 while there is none
};

// json_text(s): s as a JSON string when it is valid UTF-8, else {"bytes": "<base64>"}, so no
// byte is lost (ripgrep's convention).
[[nodiscard]] nlohmann::json json_text(std::string_view s);

}  // namespace kit::core
