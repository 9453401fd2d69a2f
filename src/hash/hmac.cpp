// HMAC through OpenSSL 3's EVP_MAC, and the constant-time comparison.
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <fmt/core.h>

#include "evp.hpp"
#include "kit/core/text.hpp"
#include "kit/hash.hpp"

namespace kit::hash {

struct Hmac::State {
  EVP_MAC_CTX* ctx = nullptr;
  ~State() { EVP_MAC_CTX_free(ctx); }
};

Hmac::Hmac(std::unique_ptr<State> state) : state_(std::move(state)) {}
Hmac::Hmac(Hmac&&) noexcept = default;
Hmac& Hmac::operator=(Hmac&&) noexcept = default;
Hmac::~Hmac() = default;

Result<Hmac> Hmac::create(std::string_view digest_name, std::string_view key) {
  auto evp = detail::evp_name(digest_name);
  if (!evp)
    return fail(ErrorKind::invalid_argument, "hash.unknown_algorithm",
                fmt::format("'{}' cannot be used for HMAC (use md5, sha1, sha224, sha256, sha384, "
                            "sha512, sha3_*, sha512_*, blake2b or blake2s)",
                            digest_name));
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);  // once per process
  auto state = std::make_unique<State>();
  state->ctx = mac != nullptr ? EVP_MAC_CTX_new(mac) : nullptr;
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, evp->data(), 0),
                         OSSL_PARAM_construct_end()};
  // A zero-length key is legal HMAC; OpenSSL wants a non-null pointer for it.
  static const unsigned char no_key = 0;
  const auto* key_bytes =
      key.empty() ? &no_key : reinterpret_cast<const unsigned char*>(key.data());
  if (state->ctx == nullptr || EVP_MAC_init(state->ctx, key_bytes, key.size(), params) != 1)
    return fail(ErrorKind::failed, "hash.unavailable",
                fmt::format("HMAC-{} is not available from this OpenSSL", digest_name));
  return Hmac(std::move(state));
}

void Hmac::update(std::string_view data) {
  EVP_MAC_update(state_->ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size());
}

std::string Hmac::digest() const {
  EVP_MAC_CTX* copy = EVP_MAC_CTX_dup(state_->ctx);  // finish a copy: the MAC can go on
  std::string out(EVP_MAC_CTX_get_mac_size(copy), '\0');
  std::size_t written = 0;
  EVP_MAC_final(copy, reinterpret_cast<unsigned char*>(out.data()), &written, out.size());
  EVP_MAC_CTX_free(copy);
  out.resize(written);
  return out;
}

std::string Hmac::hexdigest() const {
  return core::to_hex(digest());
}

Result<std::string> hmac(std::string_view digest_name, std::string_view key,
                         std::string_view message) {
  auto h = Hmac::create(digest_name, key);
  if (!h) return tl::unexpected(h.error());
  h->update(message);
  return h->digest();
}

bool compare_digest(std::string_view a, std::string_view b) {
  // Lengths are not secret (hmac.compare_digest says as much); the bytes are.
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace kit::hash
