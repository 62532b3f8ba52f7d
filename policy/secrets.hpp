// secrets.hpp — PINs and passwords hashed with scrypt (OpenSSL EVP_KDF, N = 2^15, r = 8, p = 1, 16-byte salt) in one
// "$scrypt$" format that the kiosk and the county server both verify; random API tokens stored as SHA-256.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "base/result.hpp"

namespace yimen::secrets {

// Passwords (checked only on the server) use N = 2^15. Staff PIN hashes travel to every kiosk of the township, so
// their cost must hold against an offline search of all 6-digit PINs: N = 2^17 (128 MiB, ≥ 0.25 s a guess on the
// county's 2-core machine; tests/bench/county_load_bench prints the measured time).
inline constexpr std::uint64_t kPasswordScryptN = 1u << 15;
inline constexpr std::uint64_t kPinScryptN = 1u << 17;

struct ScryptParams {
    std::uint64_t n = 0;
    std::uint32_t r = 0, p = 0;
};
// The parameters stored in a "$scrypt$" hash (the cost of one guess comes from these, never from a delay).
std::optional<ScryptParams> scrypt_params(const std::string& encoded);

// "$scrypt$N=32768,r=8,p=1$<salt base64>$<hash base64>" (other parameters only for tests and demo accounts).
Result<std::string> hash_pin(const std::string& pin, std::uint64_t n = 32768, std::uint32_t r = 8, std::uint32_t p = 1);
// False for a wrong PIN and for a malformed hash; constant-time comparison.
bool verify_pin(const std::string& pin, const std::string& encoded);
// 32 random bytes as lower hex (an API token is shown once; only its SHA-256 is stored).
std::string random_token();
std::string random_hex(int bytes);
std::string base64_encode(const std::string& bytes);
Result<std::string> base64_decode(const std::string& text);

}  // namespace yimen::secrets
