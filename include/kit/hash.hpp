// kit/hash.hpp — message digests by hashlib's names, HMAC, timing-safe comparison and password
// hashing done right.
//
// Digests go through OpenSSL 3 (so the CPU's SHA extensions are used), BLAKE2 of any length
// through libb2 (as b2sum -l and hashlib.blake2b(digest_size=) need), xxh3 through libxxhash.
// Errors are values: an unknown algorithm or an unreadable file is an Error (hash.*).
//
// Example:
//   auto h = kit::hash::Hasher::create("sha256");              // Result<Hasher>
//   h->update("hello ");
//   h->update("world");
//   h->hexdigest();   // "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
//   auto mac = kit::hash::hmac("sha256", key, body);           // Result<std::string>, raw
//   kit::hash::compare_digest(*mac, expected);                  // constant time
//   auto stored = kit::hash::hash_password(password);          // "pbkdf2_sha256$600000$…$…"
//   kit::hash::verify_password(password, *stored);             // Result<bool>
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kit/core/error.hpp"

namespace kit::hash {

// algorithms_available(): every name Hasher::create accepts, sorted: hashlib's md5, sha1,
// sha224, sha256, sha384, sha512, sha3_224 … sha3_512, blake2b, blake2s, shake_128, shake_256,
// and xxh3_64, xxh128.
[[nodiscard]] std::vector<std::string> algorithms_available();

// canonical_algorithm(name): hashlib's spelling of name ("SHA-256" -> "sha256"), or an Error
// (hash.unknown_algorithm) that lists the known ones.
[[nodiscard]] Result<std::string> canonical_algorithm(std::string_view name);

// AlgorithmInfo: what a checksum tool needs to know of an algorithm before hashing with it.
struct AlgorithmInfo {
  std::string name;              // hashlib's: "sha256", "blake2b", "shake_128"
  std::string tag;               // coreutils' --tag name: "SHA256", "BLAKE2b", "SHA3-256", "XXH3"
  std::size_t digest_size = 0;   // default digest size in bytes; 0 for shake (a length is needed)
  bool variable_length = false;  // another digest size may be chosen (blake2b, blake2s, shake)
  std::size_t max_bits = 0;      // the longest digest in bits: b2sum -l's limit, 512 for blake2b
};

// algorithm_info(name): the AlgorithmInfo of any name Hasher::create accepts ("SHA-256" too),
// or canonical_algorithm's Error.
//   algorithm_info("sha3-256")->tag == "SHA3-256"; algorithm_info("blake2s")->max_bits == 256
[[nodiscard]] Result<AlgorithmInfo> algorithm_info(std::string_view name);

class Hasher {
 public:
  // create(name, digest_size): digest_size in bytes is required for shake_128/shake_256,
  // optional for blake2b (1–64) and blake2s (1–32) and 0 (the default size) for the rest.
  // Names are hashlib's, case-insensitive, and "sha-256" or "SHA256" are accepted too.
  [[nodiscard]] static Result<Hasher> create(std::string_view name, std::size_t digest_size = 0);

  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  ~Hasher();

  void update(std::string_view data);
  // digest(): the digest of everything so far; the Hasher may go on being updated.
  [[nodiscard]] std::string digest() const;
  [[nodiscard]] std::string hexdigest() const;
  // reset(): back to the state after create().
  void reset();

  [[nodiscard]] std::size_t digest_size() const;
  [[nodiscard]] const std::string& name() const;  // the canonical name: "sha256"

 private:
  struct State;
  explicit Hasher(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// digest(name, data): the digest of data in one call (raw bytes).
[[nodiscard]] Result<std::string> digest(std::string_view name, std::string_view data);

// hash_file(hasher, path): reads the file ("-": standard input) through hasher in large blocks.
// Errors carry the system's reason alone ("Is a directory", "Permission denied"): the caller
// names the file. A missing file is ErrorKind::not_found, other failures ErrorKind::io.
[[nodiscard]] Result<void> hash_file(Hasher& hasher, const std::string& path);
// hash_fd(hasher, fd): the same for an open file descriptor, read to its end.
[[nodiscard]] Result<void> hash_fd(Hasher& hasher, int fd);

// ---- HMAC and comparison -------------------------------------------------------------------

// An HMAC (RFC 2104) over any digest above except shake and xxh3, fed in pieces.
class Hmac {
 public:
  [[nodiscard]] static Result<Hmac> create(std::string_view digest_name, std::string_view key);
  Hmac(Hmac&&) noexcept;
  Hmac& operator=(Hmac&&) noexcept;
  ~Hmac();
  void update(std::string_view data);
  [[nodiscard]] std::string digest() const;  // the MAC so far (raw bytes)
  [[nodiscard]] std::string hexdigest() const;

 private:
  struct State;
  explicit Hmac(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// hmac(name, key, message): hmac.new(key, message, name).digest().
[[nodiscard]] Result<std::string> hmac(std::string_view digest_name, std::string_view key,
                                       std::string_view message);

// compare_digest(a, b): a == b in time that depends only on the lengths (hmac.compare_digest).
[[nodiscard]] bool compare_digest(std::string_view a, std::string_view b);

// ---- Key derivation and passwords ----------------------------------------------------------

// pbkdf2_hmac(name, password, salt, iterations, length): hashlib.pbkdf2_hmac's bytes.
[[nodiscard]] Result<std::string> pbkdf2_hmac(std::string_view digest_name,
                                              std::string_view password, std::string_view salt,
                                              std::uint64_t iterations, std::size_t length);

struct ScryptParams {
  std::uint64_t n = 1 << 14;  // CPU/memory cost, a power of 2 > 1 (16 MiB with r = 8)
  std::uint64_t r = 8;        // block size
  std::uint64_t p = 1;        // parallelism
  std::uint64_t maxmem = 0;   // bytes; 0: OpenSSL's default (32 MiB), as hashlib
};
// scrypt(password, salt, params, length): hashlib.scrypt's bytes.
[[nodiscard]] Result<std::string> scrypt(std::string_view password, std::string_view salt,
                                         const ScryptParams& params, std::size_t length);

// Stored password hashes are self-describing strings, so the cost can rise over time. Both are
// Django's formats (a 22-character alphanumeric salt, used as its ASCII bytes), so either side
// verifies the other's:
//   pbkdf2_sha256$<iterations>$<salt>$<base64 of 32 bytes>
//   scrypt$<n>$<salt>$<r>$<p>$<base64 of 64 bytes>
enum class PasswordScheme { pbkdf2_sha256, scrypt };
struct PasswordPolicy {
  PasswordScheme scheme = PasswordScheme::pbkdf2_sha256;
  std::uint64_t pbkdf2_iterations = 600'000;  // OWASP's 2023 figure for PBKDF2-HMAC-SHA256
  ScryptParams scrypt{};
};

// hash_password(password, policy): a fresh 16-byte random salt; the encoded string.
[[nodiscard]] Result<std::string> hash_password(std::string_view password,
                                                const PasswordPolicy& policy = {});
// verify_password(password, encoded): whether it matches (compared in constant time); an
// Error (hash.bad_encoded) when encoded is not a string hash_password writes.
[[nodiscard]] Result<bool> verify_password(std::string_view password, std::string_view encoded);
// needs_rehash(encoded, policy): whether encoded uses another scheme or a lower cost than policy.
[[nodiscard]] Result<bool> needs_rehash(std::string_view encoded,
                                        const PasswordPolicy& policy = {});

}  // namespace kit::hash
