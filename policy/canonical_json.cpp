// canonical_json.cpp — nlohmann's compact dump already sorts keys (std::map) and escapes minimally;
// the only extra rules are "no floats" and "valid UTF-8", which are checked here.
#include "base/canonical_json.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace yimen {
namespace {

bool has_float(const nlohmann::json& v) {
    if (v.is_number_float()) return true;
    if (v.is_structured())
        for (auto& e : v)
            if (has_float(e)) return true;
    return false;
}

std::string to_hex(const unsigned char* p, unsigned n) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (unsigned i = 0; i < n; ++i) {
        out.push_back(digits[p[i] >> 4]);
        out.push_back(digits[p[i] & 15]);
    }
    return out;
}

}  // namespace

Result<std::string> canonical_json(const nlohmann::json& value) {
    if (has_float(value)) return Error{"not_canonical", "记录中含有小数；金额须以分为单位的整数表示。"};
    try {
        return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
    } catch (const nlohmann::json::exception&) {
        return Error{"not_canonical", "记录中含有无效的 UTF-8 文字。"};
    }
}

std::string sha256_hex(const std::string& bytes) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    EVP_Digest(bytes.data(), bytes.size(), md, &n, EVP_sha256(), nullptr);
    return to_hex(md, n);
}

std::string hmac_sha256_hex(const std::string& key, const std::string& message) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
         message.size(), md, &n);
    return to_hex(md, n);
}

}  // namespace yimen
