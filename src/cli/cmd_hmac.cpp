// kit hmac — HMAC signatures of a file or standard input, and webhook-style verification.
//
// The key comes from -k, a file or an environment variable, and never appears in a message.
// Docs: docs/commands/hmac.md.
//
// usage: kit hmac [-a ALGO] (-k KEY | --key-file F | --key-env VAR) [FILE|-]
//        kit hmac verify [-a ALGO] (-k … | --key-file … | --key-env …) --signature SIG [FILE|-]
#include <cstdlib>
#include <optional>
#include <string>

#include <fmt/core.h>

#include "command.hpp"
#include "kit/binary.hpp"
#include "kit/core/file.hpp"
#include "kit/core/output.hpp"
#include "kit/core/text.hpp"
#include "kit/hash.hpp"

namespace kit::cli {

namespace {

struct HmacOptions {
  std::string name = "hmac";
  std::optional<std::string> algorithm;
  std::optional<std::string> key, key_file, key_env, signature;
  std::string file = "-";
  bool verify = false;
};

Error usage(std::string message) {
  return make_error(ErrorKind::invalid_argument, "hmac.usage", std::move(message));
}

Result<std::string> read_key(const HmacOptions& o) {
  const int sources = (o.key ? 1 : 0) + (o.key_file ? 1 : 0) + (o.key_env ? 1 : 0);
  if (sources != 1)
    return tl::unexpected(usage("give the key once: -k KEY, --key-file FILE or --key-env VAR"));
  std::string key;
  if (o.key) {
    key = *o.key;
  } else if (o.key_file) {
    auto text = core::read_file(*o.key_file);
    if (!text) return tl::unexpected(text.error());
    key = std::move(*text);
    // A key file written by `echo` ends with a newline that is not part of the key.
    if (key.ends_with("\r\n"))
      key.resize(key.size() - 2);
    else if (key.ends_with('\n'))
      key.pop_back();
  } else {
    const char* value = std::getenv(o.key_env->c_str());
    if (value == nullptr)
      return tl::unexpected(usage(fmt::format("environment variable {} is not set", *o.key_env)));
    key = value;
  }
  if (key.empty()) return tl::unexpected(usage("the key is empty"));
  return key;
}

int run_hmac(HmacOptions& o) {
  // A signature may name its algorithm, as GitHub's X-Hub-Signature-256 does: "sha256=HEX".
  std::string expected;
  if (o.verify) {
    if (!o.signature) return core::report_error(o.name, usage("--signature is required"));
    std::string_view sig = core::trim(*o.signature);
    if (auto eq = sig.find('='); eq != std::string_view::npos) {
      std::string named = core::ascii_lower(sig.substr(0, eq));
      if (o.algorithm && core::ascii_lower(*o.algorithm) != named)
        return core::report_error(
            o.name, usage(fmt::format("the signature is {} but -a says {}", named, *o.algorithm)));
      o.algorithm = named;
      sig.remove_prefix(eq + 1);
    }
    auto bytes = binary::from_hex(sig);
    if (!bytes || sig.empty())
      return core::report_error(o.name, usage("the signature is not hex digits"));
    expected = std::move(*bytes);
  }
  auto key = read_key(o);
  if (!key) return core::report_error(o.name, key.error());
  auto mac = hash::Hmac::create(o.algorithm.value_or("sha256"), *key);
  if (!mac) return core::report_error(o.name, mac.error());
  auto input = core::InputFile::load(o.file);
  if (!input) return core::report_error(o.name, input.error());
  mac->update(input->bytes());
  core::Output out({.command = o.name});
  if (!o.verify) {
    out.text(mac->hexdigest() + "\n");
    return out.finish();
  }
  const bool ok = hash::compare_digest(mac->digest(), expected);
  out.text(ok ? "OK\n" : "FAILED\n");
  const int written = out.finish();
  return written != core::exit_ok ? written : ok ? core::exit_ok : core::exit_failed;
}

void add_key_options(CLI::App& app, HmacOptions& o) {
  app.add_option("-a,--algorithm", o.algorithm,
                 "Digest: sha256 (default), sha1, sha512, sha3_256, blake2b, …");
  app.add_option("-k,--key", o.key, "The key (visible to other users in ps: prefer the others)");
  app.add_option("--key-file", o.key_file,
                 "Read the key from a file (one trailing newline dropped)");
  app.add_option("--key-env", o.key_env, "Read the key from an environment variable");
  app.add_option("FILE", o.file, "The message (- or nothing: standard input)");
}

}  // namespace

Runner register_hmac(CLI::App& app) {
  auto o = std::make_shared<HmacOptions>();
  add_key_options(app, *o);
  CLI::App* verify =
      app.add_subcommand("verify", "Check a signature: exit 0 when it matches, 1 when not");
  add_key_options(*verify, *o);
  verify->add_option("-s,--signature", o->signature,
                     "HEX, or ALGO=HEX as webhooks send it (sha256=…)");
  return [o, verify] {
    o->verify = verify->parsed();
    if (o->verify) o->name = "hmac verify";
    return run_hmac(*o);
  };
}

}  // namespace kit::cli
