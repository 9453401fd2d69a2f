// What hasher.cpp knows about algorithms that the HMAC code needs too.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kit::hash::detail {

// evp_name(name): OpenSSL's name of a fixed-size digest that HMAC can use ("SHA256",
// "BLAKE2B-512"); nullopt for unknown names, XOFs (shake) and xxh3.
std::optional<std::string> evp_name(std::string_view name);

}  // namespace kit::hash::detail
