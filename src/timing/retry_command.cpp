// A command retried with backoff: the loop of `kit retry`, and its --on-exit list.
#include <algorithm>

#include <fmt/core.h>

#include "kit/timing/command.hpp"

namespace kit::timing {

Result<ExitCodes> parse_exit_codes(std::string_view list) {
  auto bad = [&] {
    return fail(ErrorKind::invalid_argument, "timing.bad_exit_codes",
                fmt::format("'{}' is not a list of exit codes (0-255, e.g. 1,75-78)", list));
  };
  // number(s): 0-255 written with 1-3 digits, else -1.
  auto number = [](std::string_view s) {
    if (s.empty() || s.size() > 3 || s.find_first_not_of("0123456789") != std::string_view::npos)
      return -1;
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v <= 255 ? v : -1;
  };
  ExitCodes codes;
  std::string_view text = list;
  if (text.empty()) return bad();
  while (!text.empty()) {
    const std::string_view item = text.substr(0, text.find(','));
    text.remove_prefix(std::min(text.size(), item.size() + 1));
    const std::size_t dash = item.find('-');
    const int lo = number(item.substr(0, dash));
    const int hi = dash == std::string_view::npos ? lo : number(item.substr(dash + 1));
    if (lo < 0 || hi < lo) return bad();
    for (int c = lo; c <= hi; ++c) codes.set(static_cast<std::size_t>(c));
  }
  return codes;
}

CommandRetryOutcome retry_command(const CommandRetryOptions& o, const ProcessRunner& run) {
  CommandRetryOutcome out;
  RetryOptions retry = o.retry;
  retry.retry_if = [&, user = o.retry.retry_if](const Error& e) {
    return !out.fatal && !out.last.cancelled &&
           o.retry_on[static_cast<std::size_t>(out.last.status() & 0xff)] && (!user || user(e));
  };
  auto outcome = timing::retry(
      [&](AttemptContext&) -> Result<int> {
        auto r = run(o.process);
        if (!r) {
          out.fatal = r.error();
          return tl::unexpected(r.error());
        }
        out.last = *r;
        if (out.last.succeeded()) return 0;
        return fail(ErrorKind::failed, "retry.failed", core::describe(out.last));
      },
      retry);
  out.attempts = std::move(outcome.attempts);
  out.reason = outcome.reason;
  return out;
}

}  // namespace kit::timing
