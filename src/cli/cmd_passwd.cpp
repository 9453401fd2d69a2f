// kit passwd — salted, slow password hashes (PBKDF2-HMAC-SHA256 or scrypt, in Django's formats)
// and their verification. The password is read from standard input, never from arguments;
// on a terminal it is asked for without echo.
// Docs: docs/commands/passwd.md.
//
// usage: kit passwd hash [--scheme pbkdf2|scrypt] [--iterations N]   < password
//        kit passwd verify ENCODED                                  < password
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>

#include <fmt/core.h>

#include "command.hpp"
#include "kit/core/output.hpp"
#include "kit/core/text.hpp"
#include "kit/hash.hpp"

namespace kit::cli {

namespace {

struct PasswdOptions {
  enum class Action { hash, verify };
  Action action = Action::hash;
  std::string name = "passwd";
  std::string scheme = "pbkdf2";
  std::optional<std::uint64_t> iterations;
  std::string encoded;
};

// read_password(): the first line of standard input; on a terminal, asked for without echo.
Result<std::string> read_password() {
  const bool tty = core::is_terminal(STDIN_FILENO);
  termios saved{};
  if (tty) {
    std::fputs("Password: ", stderr);
    std::fflush(stderr);
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string password;
  int c;
  while ((c = std::getchar()) != EOF && c != '\n') password += static_cast<char>(c);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::fputc('\n', stderr);
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.empty())
    return fail(ErrorKind::invalid_argument, "passwd.empty",
                "no password on standard input (an empty password is not allowed)");
  return password;
}

int run_passwd(const PasswdOptions& o) {
  hash::PasswordPolicy policy;
  if (o.scheme == "scrypt")
    policy.scheme = hash::PasswordScheme::scrypt;
  else if (o.scheme != "pbkdf2")
    return core::report_error(o.name, make_error(ErrorKind::invalid_argument, "passwd.usage",
                                                 fmt::format("unknown scheme '{}' (pbkdf2 or "
                                                             "scrypt)",
                                                             o.scheme)));
  if (o.iterations) policy.pbkdf2_iterations = *o.iterations;
  if (o.action == PasswdOptions::Action::verify && o.encoded.empty())
    return core::report_error(
        o.name, make_error(ErrorKind::invalid_argument, "passwd.usage", "ENCODED is required"));
  // A stored string kit cannot read is reported before the password is asked for.
  if (o.action == PasswdOptions::Action::verify)
    if (auto known = hash::needs_rehash(o.encoded); !known)
      return core::report_error(o.name, known.error());
  auto password = read_password();
  if (!password) return core::report_error(o.name, password.error());
  core::Output out({.command = o.name});
  if (o.action == PasswdOptions::Action::hash) {
    auto encoded = hash::hash_password(*password, policy);
    if (!encoded) return core::report_error(o.name, encoded.error());
    out.text(*encoded + "\n");
    return out.finish();
  }
  auto ok = hash::verify_password(*password, o.encoded);
  if (!ok) return core::report_error(o.name, ok.error());
  out.text(*ok ? "OK\n" : "FAILED\n");
  const int written = out.finish();
  return written != core::exit_ok ? written : *ok ? core::exit_ok : core::exit_failed;
}

}  // namespace

Runner register_passwd(CLI::App& app) {
  auto o = std::make_shared<PasswdOptions>();
  app.require_subcommand(1);
  CLI::App* hash = app.add_subcommand("hash", "Hash the password on standard input");
  hash->add_option("--scheme", o->scheme, "pbkdf2 (PBKDF2-HMAC-SHA256, default) or scrypt");
  hash->add_option("--iterations", o->iterations, "PBKDF2 iterations (default 600000)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{4294967295}));
  CLI::App* verify =
      app.add_subcommand("verify", "Check the password on standard input: exit 0 if it matches");
  verify->add_option("ENCODED", o->encoded, "A stored hash: pbkdf2_sha256$… or scrypt$…")
      ->required();
  return [o, verify] {
    if (verify->parsed()) {
      o->action = PasswdOptions::Action::verify;
      o->name = "passwd verify";
    } else {
      o->name = "passwd hash";
    }
    return run_passwd(*o);
  };
}

}  // namespace kit::cli
