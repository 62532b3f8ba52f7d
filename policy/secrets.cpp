// secrets.cpp — scrypt through EVP_KDF (OpenSSL 3.0 has no Argon2: RECIPES.md §10 7c).
#include "base/secrets.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <cstdio>
#include <vector>

namespace yimen::secrets {
namespace {

constexpr std::size_t kSaltBytes = 16, kHashBytes = 32;

Result<std::string> scrypt(const std::string& pin, const std::string& salt, std::uint64_t n, std::uint32_t r,
                           std::uint32_t p) {
    EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "SCRYPT", nullptr);
    if (!kdf) return Error{"no_scrypt", "系统缺少 scrypt 算法。"};
    EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
    EVP_KDF_free(kdf);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, const_cast<char*>(pin.data()), pin.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()), salt.size()),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
        OSSL_PARAM_construct_end()};
    std::string out(kHashBytes, '\0');
    const int ok = EVP_KDF_derive(ctx, reinterpret_cast<unsigned char*>(out.data()), out.size(), params);
    EVP_KDF_CTX_free(ctx);
    if (ok != 1) return Error{"scrypt_failed", "密码计算失败。"};
    return out;
}

}  // namespace

std::string base64_encode(const std::string& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

Result<std::string> base64_decode(const std::string& text) {
    if (text.size() % 4 != 0) return Error{"bad_base64", "Base64 数据长度不正确。"};
    std::string out(text.size() / 4 * 3 + 1, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (n < 0) return Error{"bad_base64", "Base64 数据无效。"};
    std::size_t len = static_cast<std::size_t>(n);
    // EVP_DecodeBlock counts padding as zero bytes.
    if (!text.empty() && text.back() == '=') --len;
    if (text.size() > 1 && text[text.size() - 2] == '=') --len;
    out.resize(len);
    return out;
}

std::string random_hex(int bytes) {
    std::vector<unsigned char> buf(static_cast<std::size_t>(bytes));
    RAND_bytes(buf.data(), bytes);
    static const char* d = "0123456789abcdef";
    std::string out;
    for (auto c : buf) {
        out.push_back(d[c >> 4]);
        out.push_back(d[c & 15]);
    }
    return out;
}

std::string random_token() { return random_hex(32); }

Result<std::string> hash_pin(const std::string& pin, std::uint64_t n, std::uint32_t r, std::uint32_t p) {
    std::string salt(kSaltBytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size())) != 1)
        return Error{"no_random", "系统随机数不可用。"};
    auto h = scrypt(pin, salt, n, r, p);
    if (!h) return h.error();
    char params[64];
    std::snprintf(params, sizeof params, "$scrypt$N=%llu,r=%u,p=%u$", static_cast<unsigned long long>(n), r, p);
    return std::string(params) + base64_encode(salt) + "$" + base64_encode(*h);
}

std::optional<ScryptParams> scrypt_params(const std::string& encoded) {
    unsigned long long n = 0;
    unsigned r = 0, p = 0;
    int consumed = 0;
    if (std::sscanf(encoded.c_str(), "$scrypt$N=%llu,r=%u,p=%u$%n", &n, &r, &p, &consumed) != 3 || consumed == 0)
        return std::nullopt;
    return ScryptParams{n, r, p};
}

bool verify_pin(const std::string& pin, const std::string& encoded) {
    unsigned long long n = 0;
    unsigned r = 0, p = 0;
    int consumed = 0;
    if (std::sscanf(encoded.c_str(), "$scrypt$N=%llu,r=%u,p=%u$%n", &n, &r, &p, &consumed) != 3 || consumed == 0)
        return false;
    // Bound the work and memory a forged hash could demand of the kiosk (at most 256 MiB).
    if (n < 2 || n > (1u << 20) || (n & (n - 1)) != 0 || r == 0 || r > 32 || p == 0 || p > 16) return false;
    if (128ull * n * r > (256ull << 20)) return false;
    const std::string rest = encoded.substr(static_cast<std::size_t>(consumed));
    const auto dollar = rest.find('$');
    if (dollar == std::string::npos) return false;
    auto salt = base64_decode(rest.substr(0, dollar));
    auto want = base64_decode(rest.substr(dollar + 1));
    if (!salt || !want || want->empty()) return false;
    auto got = scrypt(pin, *salt, n, r, p);
    if (!got || got->size() < want->size()) return false;
    return CRYPTO_memcmp(got->data(), want->data(), want->size()) == 0;
}

}  // namespace yimen::secrets
