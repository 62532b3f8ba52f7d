// pin.cpp — scrypt PIN hashing and verification (see pin.hpp).
#include "kiosk/model/pin.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace yimen::kiosk {
namespace {

const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string b64encode(const std::vector<unsigned char>& in) {
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
        out += kB64[(v >> 18) & 63]; out += kB64[(v >> 12) & 63]; out += kB64[(v >> 6) & 63]; out += kB64[v & 63];
    }
    if (i + 1 == in.size()) {
        std::uint32_t v = std::uint32_t{in[i]} << 16;
        out += kB64[(v >> 18) & 63]; out += kB64[(v >> 12) & 63]; out += "==";
    } else if (i + 2 == in.size()) {
        std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8);
        out += kB64[(v >> 18) & 63]; out += kB64[(v >> 12) & 63]; out += kB64[(v >> 6) & 63]; out += '=';
    }
    return out;
}

std::optional<std::vector<unsigned char>> b64decode(const std::string& in) {
    std::vector<unsigned char> out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        if (c == '=') break;
        const char* p = nullptr;
        for (const char* q = kB64; *q; ++q)
            if (*q == c) { p = q; break; }
        if (!p) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(p - kB64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<unsigned char>((acc >> bits) & 0xFF));
        }
    }
    return out;
}

bool scrypt(const std::string& pin, const std::vector<unsigned char>& salt, std::uint64_t n, std::uint32_t r,
            std::uint32_t p, std::vector<unsigned char>& out) {
    EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "SCRYPT", nullptr);
    if (!kdf) return false;
    EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
    EVP_KDF_free(kdf);
    if (!ctx) return false;
    std::string pw = pin;
    std::vector<unsigned char> s = salt;
    std::uint64_t maxmem = 256ull * 1024 * 1024;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, pw.data(), pw.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, s.data(), s.size()),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
        OSSL_PARAM_construct_end()};
    bool ok = EVP_KDF_derive(ctx, out.data(), out.size(), params) == 1;
    EVP_KDF_CTX_free(ctx);
    OPENSSL_cleanse(pw.data(), pw.size());
    return ok;
}

}  // namespace

bool verify_pin(const std::string& encoded, const std::string& pin) {
    // $scrypt$N=32768,r=8,p=1$salt$hash
    const std::string prefix = "$scrypt$";
    if (encoded.rfind(prefix, 0) != 0) return false;
    auto rest = encoded.substr(prefix.size());
    auto d1 = rest.find('$');
    if (d1 == std::string::npos) return false;
    auto d2 = rest.find('$', d1 + 1);
    if (d2 == std::string::npos) return false;
    std::string params = rest.substr(0, d1);
    auto salt = b64decode(rest.substr(d1 + 1, d2 - d1 - 1));
    auto want = b64decode(rest.substr(d2 + 1));
    if (!salt || !want || want->empty() || want->size() > 128) return false;
    std::uint64_t n = 0;
    std::uint32_t r = 0, p = 0;
    std::size_t pos = 0;
    while (pos < params.size()) {
        auto comma = params.find(',', pos);
        std::string kv = params.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        pos = comma == std::string::npos ? params.size() : comma + 1;
        auto eq = kv.find('=');
        if (eq == std::string::npos) return false;
        std::string k = kv.substr(0, eq), v = kv.substr(eq + 1);
        if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos) return false;
        auto num = std::stoull(v);
        if (k == "N") n = num;
        else if (k == "r") r = static_cast<std::uint32_t>(num);
        else if (k == "p") p = static_cast<std::uint32_t>(num);
        else return false;
    }
    // Bounds keep a malicious hash from making the kiosk allocate gigabytes.
    if (n < 2 || n > (1u << 20) || (n & (n - 1)) != 0 || r == 0 || r > 32 || p == 0 || p > 16) return false;
    std::vector<unsigned char> got(want->size());
    if (!scrypt(pin, *salt, n, r, p, got)) return false;
    return CRYPTO_memcmp(got.data(), want->data(), got.size()) == 0;
}

std::string hash_pin(const std::string& pin, unsigned long n, unsigned r, unsigned p) {
    std::vector<unsigned char> salt(16);
    RAND_bytes(salt.data(), static_cast<int>(salt.size()));
    std::vector<unsigned char> out(32);
    if (!scrypt(pin, salt, n, r, p, out)) return "";
    return "$scrypt$N=" + std::to_string(n) + ",r=" + std::to_string(r) + ",p=" + std::to_string(p) + "$" +
           b64encode(salt) + "$" + b64encode(out);
}

}  // namespace yimen::kiosk
