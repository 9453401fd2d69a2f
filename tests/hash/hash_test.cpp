#include "kit/hash.hpp"
#include "kit/core/text.hpp"

#include <string>

#include <gtest/gtest.h>

namespace h = kit::hash;

namespace {

std::string hex(std::string_view name, std::string_view data, std::size_t size = 0) {
  auto hasher = h::Hasher::create(name, size);
  EXPECT_TRUE(hasher) << name;
  if (!hasher) return {};
  hasher->update(data);
  return hasher->hexdigest();
}

using kit::core::to_hex;

}  // namespace

// Expected values are CPython 3.11 hashlib's.
TEST(Hasher, KnownDigests) {
  EXPECT_EQ(hex("md5", ""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(hex("sha256", "hello world"),
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
  EXPECT_EQ(hex("sha256", std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_EQ(hex("sha3_256", "abc"),
            "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
  EXPECT_EQ(hex("sha512_256", "abc"),
            "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23");
  EXPECT_EQ(hex("blake2s", ""), "69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9");
  EXPECT_EQ(hex("blake2b", "abc", 32),
            "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
  EXPECT_EQ(hex("shake_256", "abc", 8), "483366601360a877");
  EXPECT_EQ(hex("xxh3_64", ""), "2d06800538d394c2");
  EXPECT_EQ(hex("xxh128", ""), "99aa06d3014798d86001c324468d497f");
}

TEST(Hasher, NamesAreForgiving) {
  EXPECT_EQ(hex("SHA-256", "hello world"), hex("sha256", "hello world"));
  EXPECT_EQ(hex("SHA3-256", "abc"), hex("sha3_256", "abc"));
  auto h = h::Hasher::create("Sha256");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->name(), "sha256");
  EXPECT_EQ(h->digest_size(), 32u);
}

TEST(Hasher, BadNamesAndLengths) {
  EXPECT_EQ(h::Hasher::create("sha257").error().code, "hash.unknown_algorithm");
  EXPECT_EQ(h::Hasher::create("shake_128").error().code, "hash.bad_length");
  EXPECT_EQ(h::Hasher::create("blake2b", 65).error().code, "hash.bad_length");
  EXPECT_EQ(h::Hasher::create("sha256", 16).error().code, "hash.bad_length");
}

TEST(Hasher, DigestDoesNotEndTheStream) {
  auto h = h::Hasher::create("sha256");
  ASSERT_TRUE(h);
  h->update("hello ");
  (void)h->digest();
  h->update("world");
  EXPECT_EQ(h->hexdigest(), "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
  h->reset();
  EXPECT_EQ(h->hexdigest(), hex("sha256", ""));
}

TEST(Hasher, PiecesEqualTheWhole) {
  std::string data;
  for (int i = 0; i < 5000; ++i) data += static_cast<char>(i * 7);
  for (const std::string& name : h::algorithms_available()) {
    std::size_t size = name.rfind("shake", 0) == 0 ? 32 : 0;
    auto a = h::Hasher::create(name, size);
    ASSERT_TRUE(a) << name;
    for (std::size_t i = 0; i < data.size(); i += 129)
      a->update(std::string_view(data).substr(i, 129));
    EXPECT_EQ(a->hexdigest(), hex(name, data, size)) << name;
  }
}

TEST(Hmac, EqualsPythonsHmac) {
  auto mac = h::hmac("sha256", "key", "The quick brown fox jumps over the lazy dog");
  ASSERT_TRUE(mac);
  EXPECT_EQ(to_hex(*mac), "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  EXPECT_EQ(to_hex(*h::hmac("sha1", "", "msg")), "1df552b90836e9881b1873998715838bf13ae65e");
  EXPECT_EQ(to_hex(*h::hmac("blake2b", "k", "msg")),
            "3cc56c4284499210f233c30b5014648b24b826a5c09001f5727421aad91e311016a3b6a43683b91410d0"
            "2073e892f5823a6526145a67c56a5f3f603accfc0648");
  EXPECT_FALSE(h::hmac("shake_128", "k", "msg"));
}

TEST(CompareDigest, SameAndDifferent) {
  EXPECT_TRUE(h::compare_digest("abc", "abc"));
  EXPECT_FALSE(h::compare_digest("abc", "abd"));
  EXPECT_FALSE(h::compare_digest("abc", "abcd"));
  EXPECT_TRUE(h::compare_digest("", ""));
}

TEST(Kdf, Pbkdf2AndScryptEqualHashlib) {
  EXPECT_EQ(to_hex(*h::pbkdf2_hmac("sha256", "password", "salt", 1, 32)),
            "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
  // RFC 7914's third vector.
  EXPECT_EQ(to_hex(*h::scrypt("password", "NaCl", {1024, 8, 16, 0}, 64)),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff1"
            "09279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
  EXPECT_FALSE(h::pbkdf2_hmac("sha256", "p", "s", 0, 32));
  EXPECT_FALSE(h::scrypt("p", "s", {1000, 8, 1, 0}, 64));  // n not a power of 2
}

TEST(Passwords, VerifyDjangoHashes) {
  // Made by Python (Django's formula): both schemes, one right and one wrong password.
  const char* pbkdf2 =
      "pbkdf2_sha256$1000$abcdefghijklmnopqrstuv$1nE4fvOmiD+ZePp39y6TYTXfkn5HEwJDyz8e6UkQE1w=";
  const char* scrypt =
      "scrypt$1024$abcdefghijklmnopqrstuv$8$1$9NzwL6u6Kq9NV+cZlHBwuk6f2ma4IP/TmZ9D5q/rPjRdG5kGBx/"
      "l0U/7qLnQZMcQFR/1RrZlSD82u5GtYJDGfQ==";
  EXPECT_TRUE(*h::verify_password("secret", pbkdf2));
  EXPECT_FALSE(*h::verify_password("Secret", pbkdf2));
  EXPECT_TRUE(*h::verify_password("secret", scrypt));
  EXPECT_FALSE(*h::verify_password("secret!", scrypt));
  EXPECT_TRUE(*h::needs_rehash(pbkdf2));  // 1000 < 600000
  EXPECT_EQ(h::verify_password("x", "md5$abc$def").error().code, "hash.bad_encoded");
  EXPECT_EQ(h::verify_password("x", "pbkdf2_sha256$x$salt$hash").error().code, "hash.bad_encoded");
}

TEST(Passwords, HashThenVerify) {
  h::PasswordPolicy fast;
  fast.pbkdf2_iterations = 1000;
  auto a = h::hash_password("correct horse", fast);
  auto b = h::hash_password("correct horse", fast);
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);  // fresh salts
  EXPECT_EQ(a->rfind("pbkdf2_sha256$1000$", 0), 0u);
  EXPECT_TRUE(*h::verify_password("correct horse", *a));
  EXPECT_FALSE(*h::verify_password("correct horse ", *a));
  EXPECT_FALSE(*h::needs_rehash(*a, fast));
  h::PasswordPolicy scrypt{h::PasswordScheme::scrypt, 0, {1024, 8, 1, 0}};
  auto c = h::hash_password("pw", scrypt);
  ASSERT_TRUE(c);
  EXPECT_TRUE(*h::verify_password("pw", *c));
  EXPECT_TRUE(*h::needs_rehash(*c, fast));  // another scheme
}
