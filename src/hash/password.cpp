// Key derivation (PBKDF2, scrypt) and stored password hashes in Django's formats.
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <charconv>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "evp.hpp"
#include "kit/core/text.hpp"
#include "kit/hash.hpp"

namespace kit::hash {

namespace {

constexpr std::size_t pbkdf2_length = 32;  // Django's: the SHA-256 size
constexpr std::size_t scrypt_length = 64;  // Django's dklen

Error bad_encoded(std::string why) {
  return make_error(ErrorKind::invalid_argument, "hash.bad_encoded",
                    "not a password hash kit can read: " + std::move(why));
}

// random_salt(): 22 characters of [A-Za-z0-9] (about 131 bits), as Django's salts are.
Result<std::string> random_salt() {
  static constexpr std::string_view alphabet =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string salt;
  while (salt.size() < 22) {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
      return fail(ErrorKind::failed, "hash.random", "the system's random source failed");
    for (unsigned char b : bytes)
      if (b < 248 && salt.size() < 22) salt += alphabet[b % 62];  // 248 = 4 * 62: no bias
  }
  return salt;
}

std::optional<std::uint64_t> number(std::string_view s) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::vector<std::string_view> split_dollar(std::string_view s) {
  std::vector<std::string_view> parts;
  while (true) {
    std::size_t at = s.find('$');
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

// What an encoded hash holds.
struct Encoded {
  PasswordScheme scheme;
  std::uint64_t iterations = 0;  // pbkdf2
  ScryptParams scrypt{};
  std::string_view salt, hash;
};

Result<Encoded> decode(std::string_view encoded) {
  auto parts = split_dollar(encoded);
  Encoded e{};
  if (parts[0] == "pbkdf2_sha256") {
    if (parts.size() != 4) return tl::unexpected(bad_encoded("pbkdf2_sha256 needs 4 fields"));
    auto iterations = number(parts[1]);
    if (!iterations || *iterations == 0) return tl::unexpected(bad_encoded("bad iteration count"));
    e.scheme = PasswordScheme::pbkdf2_sha256;
    e.iterations = *iterations;
    e.salt = parts[2];
    e.hash = parts[3];
  } else if (parts[0] == "scrypt") {
    if (parts.size() != 6) return tl::unexpected(bad_encoded("scrypt needs 6 fields"));
    auto n = number(parts[1]), r = number(parts[3]), p = number(parts[4]);
    if (!n || !r || !p) return tl::unexpected(bad_encoded("bad scrypt parameters"));
    e.scheme = PasswordScheme::scrypt;
    e.scrypt = ScryptParams{*n, *r, *p, 0};
    e.salt = parts[2];
    e.hash = parts[5];
  } else {
    return tl::unexpected(bad_encoded("unknown scheme (expected pbkdf2_sha256 or scrypt)"));
  }
  if (e.salt.empty() || e.salt.find('$') != std::string_view::npos)
    return tl::unexpected(bad_encoded("empty salt"));
  return e;
}

// scrypt's memory (128 * r * (n + p) bytes) with room to spare, so that costs above
// OpenSSL's 32 MiB default work.
std::uint64_t scrypt_maxmem(const ScryptParams& p) {
  return 2 * 128 * p.r * (p.n + p.p) + (1u << 20);
}

Result<std::string> derive(const Encoded& e, std::string_view password) {
  if (e.scheme == PasswordScheme::pbkdf2_sha256)
    return pbkdf2_hmac("sha256", password, e.salt, e.iterations, pbkdf2_length);
  ScryptParams p = e.scrypt;
  p.maxmem = scrypt_maxmem(p);
  return scrypt(password, e.salt, p, scrypt_length);
}

std::string encode(const Encoded& e, std::string_view hash) {
  if (e.scheme == PasswordScheme::pbkdf2_sha256)
    return fmt::format("pbkdf2_sha256${}${}${}", e.iterations, e.salt, core::base64_encode(hash));
  return fmt::format("scrypt${}${}${}${}${}", e.scrypt.n, e.salt, e.scrypt.r, e.scrypt.p,
                     core::base64_encode(hash));
}

}  // namespace

Result<std::string> pbkdf2_hmac(std::string_view digest_name, std::string_view password,
                                std::string_view salt, std::uint64_t iterations,
                                std::size_t length) {
  auto evp = detail::evp_name(digest_name);
  if (!evp)
    return fail(ErrorKind::invalid_argument, "hash.unknown_algorithm",
                fmt::format("'{}' cannot be used for PBKDF2", digest_name));
  if (iterations == 0 || iterations > 0xFFFFFFFFu)
    return fail(ErrorKind::invalid_argument, "hash.bad_parameter",
                "iterations must be 1 to 4294967295");
  if (length == 0)
    return fail(ErrorKind::invalid_argument, "hash.bad_parameter", "the key length must be > 0");
  EVP_MD* md = EVP_MD_fetch(nullptr, evp->c_str(), nullptr);
  std::string out(length, '\0');
  const int ok =
      md != nullptr &&
      PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), static_cast<int>(iterations), md,
                        static_cast<int>(length), reinterpret_cast<unsigned char*>(out.data()));
  EVP_MD_free(md);
  if (ok != 1) return fail(ErrorKind::failed, "hash.kdf", "PBKDF2 failed");
  return out;
}

Result<std::string> scrypt(std::string_view password, std::string_view salt,
                           const ScryptParams& params, std::size_t length) {
  if (params.n < 2 || (params.n & (params.n - 1)) != 0)
    return fail(ErrorKind::invalid_argument, "hash.bad_parameter",
                "scrypt's n must be a power of 2 greater than 1");
  if (params.r == 0 || params.p == 0 || length == 0)
    return fail(ErrorKind::invalid_argument, "hash.bad_parameter",
                "scrypt's r, p and key length must be > 0");
  std::string out(length, '\0');
  if (EVP_PBE_scrypt(password.data(), password.size(),
                     reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), params.n,
                     params.r, params.p, params.maxmem,
                     reinterpret_cast<unsigned char*>(out.data()), length) != 1)
    return fail(ErrorKind::invalid_argument, "hash.bad_parameter",
                "invalid parameter combination for n, r, p, maxmem (too much memory?)");
  return out;
}

Result<std::string> hash_password(std::string_view password, const PasswordPolicy& policy) {
  auto salt = random_salt();
  if (!salt) return tl::unexpected(salt.error());
  Encoded e{};
  e.scheme = policy.scheme;
  e.iterations = policy.pbkdf2_iterations;
  e.scrypt = policy.scrypt;
  e.salt = *salt;
  auto hash = derive(e, password);
  if (!hash) return tl::unexpected(hash.error());
  return encode(e, *hash);
}

Result<bool> verify_password(std::string_view password, std::string_view encoded) {
  auto e = decode(encoded);
  if (!e) return tl::unexpected(e.error());
  auto hash = derive(*e, password);
  if (!hash) return tl::unexpected(hash.error());
  return compare_digest(core::base64_encode(*hash), e->hash);
}

Result<bool> needs_rehash(std::string_view encoded, const PasswordPolicy& policy) {
  auto e = decode(encoded);
  if (!e) return tl::unexpected(e.error());
  if (e->scheme != policy.scheme) return true;
  if (e->scheme == PasswordScheme::pbkdf2_sha256) return e->iterations < policy.pbkdf2_iterations;
  return e->scrypt.n < policy.scrypt.n || e->scrypt.r < policy.scrypt.r ||
         e->scrypt.p < policy.scrypt.p;
}

}  // namespace kit::hash
