// Hasher: one streaming interface over OpenSSL's EVP digests, libb2's BLAKE2 and libxxhash's xxh3.
#include <blake2.h>
#include <openssl/evp.h>
#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t by value
#include <xxhash.h>
// libxxhash's runtime dispatch: the AVX2/AVX-512 kernels where the CPU has them (as xxhsum).
#include <xxh_x86dispatch.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <variant>

#include <fmt/core.h>
#include <fmt/format.h>

#include "evp.hpp"
#include "kit/core/text.hpp"
#include "kit/hash.hpp"

namespace kit::hash {

namespace {

enum class Engine { evp, blake2b, blake2s, xxh3_64, xxh128 };

struct Algorithm {
  std::string_view name;     // hashlib's
  std::string_view openssl;  // EVP name, for Engine::evp
  std::string_view tag;      // coreutils' --tag name (where coreutils has the algorithm)
  Engine engine;
  std::size_t size;      // default digest size in bytes; 0: a length is required (XOF)
  std::size_t max_size;  // the largest digest_size accepted
};

constexpr std::array<Algorithm, 18> algorithms{{
    {"blake2b", "BLAKE2B-512", "BLAKE2b", Engine::blake2b, 64, 64},
    {"blake2s", "BLAKE2S-256", "BLAKE2s", Engine::blake2s, 32, 32},
    {"md5", "MD5", "MD5", Engine::evp, 16, 16},
    {"sha1", "SHA1", "SHA1", Engine::evp, 20, 20},
    {"sha224", "SHA224", "SHA224", Engine::evp, 28, 28},
    {"sha256", "SHA256", "SHA256", Engine::evp, 32, 32},
    {"sha384", "SHA384", "SHA384", Engine::evp, 48, 48},
    {"sha3_224", "SHA3-224", "SHA3-224", Engine::evp, 28, 28},
    {"sha3_256", "SHA3-256", "SHA3-256", Engine::evp, 32, 32},
    {"sha3_384", "SHA3-384", "SHA3-384", Engine::evp, 48, 48},
    {"sha3_512", "SHA3-512", "SHA3-512", Engine::evp, 64, 64},
    {"sha512", "SHA512", "SHA512", Engine::evp, 64, 64},
    {"sha512_224", "SHA512-224", "SHA512-224", Engine::evp, 28, 28},
    {"sha512_256", "SHA512-256", "SHA512-256", Engine::evp, 32, 32},
    {"shake_128", "SHAKE128", "SHAKE128", Engine::evp, 0, std::size_t{1} << 24},
    {"shake_256", "SHAKE256", "SHAKE256", Engine::evp, 0, std::size_t{1} << 24},
    {"xxh128", "", "XXH128", Engine::xxh128, 16, 16},
    {"xxh3_64", "", "XXH3", Engine::xxh3_64, 8, 8},
}};

// canonical(name): "SHA-256", "sha256", "SHA3-256", "shake128" -> hashlib's spelling.
std::string canonical(std::string_view name) {
  std::string s = core::ascii_lower(name);
  std::replace(s.begin(), s.end(), '-', '_');
  if (s == "sha_1" || s == "sha_224" || s == "sha_256" || s == "sha_384" || s == "sha_512")
    s.erase(3, 1);  // sha_256 -> sha256
  if (s == "shake128" || s == "shake256") s.insert(5, "_");
  if (s == "xxh3" || s == "xxh64") s = "xxh3_64";
  return s;
}

// fetched(algorithm): the EVP_MD, fetched once per process (fetching is costly in OpenSSL 3).
const EVP_MD* fetched(const Algorithm& a) {
  static std::array<const EVP_MD*, algorithms.size()> cache{};
  static std::mutex mutex;
  const auto index = static_cast<std::size_t>(&a - algorithms.data());
  std::lock_guard lock(mutex);
  if (cache[index] == nullptr)
    cache[index] = EVP_MD_fetch(nullptr, std::string(a.openssl).c_str(), nullptr);
  return cache[index];
}

struct EvpContext {
  EVP_MD_CTX* ctx = nullptr;
  const EVP_MD* md = nullptr;
};

}  // namespace

struct Hasher::State {
  const Algorithm* algorithm;
  std::size_t size;
  std::variant<EvpContext, blake2b_state, blake2s_state, XXH3_state_t> ctx;
  std::string name;

  State(const Algorithm* a, std::size_t digest_size)
      : algorithm(a), size(digest_size), name(a->name) {}
  ~State() {
    if (auto* evp = std::get_if<EvpContext>(&ctx)) EVP_MD_CTX_free(evp->ctx);
  }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  bool init() {
    // BLAKE2 of its full length is OpenSSL's (about twice libb2's speed here); libb2 does the
    // other lengths, which OpenSSL 3.0 cannot.
    const bool full_blake2 =
        (algorithm->engine == Engine::blake2b || algorithm->engine == Engine::blake2s) &&
        size == algorithm->size;
    switch (full_blake2 ? Engine::evp : algorithm->engine) {
      case Engine::evp: {
        EvpContext evp{EVP_MD_CTX_new(), fetched(*algorithm)};
        ctx = evp;
        return evp.ctx != nullptr && evp.md != nullptr &&
               EVP_DigestInit_ex2(evp.ctx, evp.md, nullptr) == 1;
      }
      case Engine::blake2b:
        return blake2b_init(&ctx.emplace<blake2b_state>(), size) == 0;
      case Engine::blake2s:
        return blake2s_init(&ctx.emplace<blake2s_state>(), size) == 0;
      case Engine::xxh3_64:
        return XXH3_64bits_reset(&ctx.emplace<XXH3_state_t>()) == XXH_OK;
      case Engine::xxh128:
        return XXH3_128bits_reset(&ctx.emplace<XXH3_state_t>()) == XXH_OK;
    }
    return false;
  }
};

Hasher::Hasher(std::unique_ptr<State> state) : state_(std::move(state)) {}
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;
Hasher::~Hasher() = default;

std::vector<std::string> algorithms_available() {
  std::vector<std::string> names;
  for (const Algorithm& a : algorithms) names.emplace_back(a.name);
  return names;
}

Result<std::string> canonical_algorithm(std::string_view name) {
  const std::string wanted = canonical(name);
  for (const Algorithm& a : algorithms)
    if (a.name == wanted) return wanted;
  return fail(ErrorKind::invalid_argument, "hash.unknown_algorithm",
              fmt::format("unknown algorithm '{}' (known: {})", name,
                          fmt::join(algorithms_available(), ", ")));
}

Result<AlgorithmInfo> algorithm_info(std::string_view name) {
  auto known = canonical_algorithm(name);
  if (!known) return tl::unexpected(known.error());
  const auto* a = std::find_if(algorithms.begin(), algorithms.end(),
                               [&](const Algorithm& x) { return x.name == *known; });
  const bool variable =
      a->size == 0 || a->engine == Engine::blake2b || a->engine == Engine::blake2s;
  return AlgorithmInfo{std::string(a->name), std::string(a->tag), a->size, variable,
                       8 * a->max_size};
}

Result<Hasher> Hasher::create(std::string_view name, std::size_t digest_size) {
  auto known = canonical_algorithm(name);
  if (!known) return tl::unexpected(known.error());
  const auto* a = std::find_if(algorithms.begin(), algorithms.end(),
                               [&](const Algorithm& x) { return x.name == *known; });
  std::size_t size = digest_size != 0 ? digest_size : a->size;
  if (size == 0)
    return fail(ErrorKind::invalid_argument, "hash.bad_length",
                fmt::format("{} needs a digest length in bytes", a->name));
  bool sizable = a->size == 0 || a->engine == Engine::blake2b || a->engine == Engine::blake2s;
  if (size > a->max_size || (!sizable && size != a->size))
    return fail(ErrorKind::invalid_argument, "hash.bad_length",
                sizable ? fmt::format("{} digest length must be 1 to {} bytes (got {})", a->name,
                                      a->max_size, size)
                        : fmt::format("{} has a fixed digest length of {} bytes (got {})", a->name,
                                      a->size, size));
  auto state = std::make_unique<State>(&*a, size);
  if (!state->init())
    return fail(ErrorKind::failed, "hash.unavailable",
                fmt::format("{} is not available from this OpenSSL", a->name));
  return Hasher(std::move(state));
}

void Hasher::update(std::string_view data) {
  State& s = *state_;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(data.data());
  std::visit(
      [&](auto& ctx) {
        using T = std::decay_t<decltype(ctx)>;
        if constexpr (std::is_same_v<T, EvpContext>)
          EVP_DigestUpdate(ctx.ctx, data.data(), data.size());
        else if constexpr (std::is_same_v<T, blake2b_state>)
          blake2b_update(&ctx, bytes, data.size());
        else if constexpr (std::is_same_v<T, blake2s_state>)
          blake2s_update(&ctx, bytes, data.size());
        else if (s.algorithm->engine == Engine::xxh3_64)
          XXH3_64bits_update(&ctx, data.data(), data.size());
        else
          XXH3_128bits_update(&ctx, data.data(), data.size());
      },
      s.ctx);
}

std::string Hasher::digest() const {
  const State& s = *state_;
  std::string out(s.size, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  std::visit(
      [&](const auto& ctx) {
        using T = std::decay_t<decltype(ctx)>;
        if constexpr (std::is_same_v<T, EvpContext>) {
          // Finish a copy, so that the hasher can go on.
          EVP_MD_CTX* copy = EVP_MD_CTX_new();
          EVP_MD_CTX_copy_ex(copy, ctx.ctx);
          if (s.algorithm->size == 0)
            EVP_DigestFinalXOF(copy, bytes, out.size());
          else
            EVP_DigestFinal_ex(copy, bytes, nullptr);
          EVP_MD_CTX_free(copy);
        } else if constexpr (std::is_same_v<T, blake2b_state>) {
          blake2b_state copy = ctx;
          blake2b_final(&copy, bytes, out.size());
        } else if constexpr (std::is_same_v<T, blake2s_state>) {
          blake2s_state copy = ctx;
          blake2s_final(&copy, bytes, out.size());
        } else if (s.algorithm->engine == Engine::xxh3_64) {
          XXH64_canonical_t c;  // big-endian, as xxhsum prints it
          XXH64_canonicalFromHash(&c, XXH3_64bits_digest(&ctx));
          std::copy_n(c.digest, sizeof c.digest, bytes);
        } else {
          XXH128_canonical_t c;
          XXH128_canonicalFromHash(&c, XXH3_128bits_digest(&ctx));
          std::copy_n(c.digest, sizeof c.digest, bytes);
        }
      },
      s.ctx);
  return out;
}

std::string Hasher::hexdigest() const {
  return core::to_hex(digest());
}

void Hasher::reset() {
  if (auto* evp = std::get_if<EvpContext>(&state_->ctx)) {
    EVP_DigestInit_ex2(evp->ctx, evp->md, nullptr);
    return;
  }
  state_->init();
}

std::size_t Hasher::digest_size() const {
  return state_->size;
}
const std::string& Hasher::name() const {
  return state_->name;
}

std::optional<std::string> detail::evp_name(std::string_view name) {
  const std::string wanted = canonical(name);
  if (wanted == "blake2b") return "BLAKE2B-512";
  if (wanted == "blake2s") return "BLAKE2S-256";
  for (const Algorithm& a : algorithms)
    if (a.name == wanted && a.engine == Engine::evp && a.size != 0) return std::string(a.openssl);
  return std::nullopt;
}

Result<std::string> digest(std::string_view name, std::string_view data) {
  auto h = Hasher::create(name);
  if (!h) return tl::unexpected(h.error());
  h->update(data);
  return h->digest();
}

}  // namespace kit::hash
