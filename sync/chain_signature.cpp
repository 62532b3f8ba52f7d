// chain_signature.cpp — ECDSA P-256 with SHA-256 through OpenSSL 3's EVP interface. Only P-256 keys are taken, so
// that "ecdsa-p256-sha256" on the wire always names what was actually done.
#include "sync/chain_signature.hpp"

#include <cstring>
#include <fstream>
#include <sstream>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "base/secrets.hpp"

namespace yimen::sync::chain_signature {
namespace {

using X509Ptr = ossl::Ptr<X509, X509_free>;

bool is_p256(EVP_PKEY* key) {
    if (!key || EVP_PKEY_is_a(key, "EC") != 1) return false;
    char group[64] = {0};
    std::size_t len = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof group, &len) != 1) return false;
    return std::strcmp(group, "prime256v1") == 0 || std::strcmp(group, "P-256") == 0;
}

ossl::Bio memory_bio(const std::string& text) {
    return ossl::Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

}  // namespace

std::string make_statement(const std::string& kiosk_id, std::int64_t seq, const std::string& hash) {
    return "yimen-chain-head-v1\n" + kiosk_id + "\n" + std::to_string(seq) + "\n" + hash;
}

Result<ossl::PKey> load_private_key(const std::string& pem_path) {
    std::ifstream in(pem_path, std::ios::binary);
    if (!in) return Error{"bad_key", "无法读取终端私钥 " + pem_path + "。"};
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string pem = ss.str();
    auto bio = memory_bio(pem);
    ossl::PKey key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    ERR_clear_error();
    if (!is_p256(key.get())) return Error{"bad_key", "终端私钥 " + pem_path + " 不是 PEM 格式的 P-256 私钥。"};
    return key;
}

Result<ossl::PKey> public_key_of_certificate(const std::string& cert_pem) {
    auto bio = memory_bio(cert_pem);
    X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    ERR_clear_error();
    if (!cert) return Error{"bad_certificate", "终端证书不是有效的 PEM 证书。"};
    ossl::PKey key(X509_get_pubkey(cert.get()));
    if (!is_p256(key.get())) return Error{"bad_certificate", "终端证书的公钥不是 P-256。"};
    return key;
}

Result<std::string> sign(EVP_PKEY* private_key, std::string_view statement) {
    ossl::MdCtx ctx(EVP_MD_CTX_new());
    std::size_t len = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, private_key) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(statement.data()),
                       statement.size()) != 1) {
        ERR_clear_error();
        return Error{"sign_failed", "无法用终端私钥签名。"};
    }
    std::string der(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &len,
                       reinterpret_cast<const unsigned char*>(statement.data()), statement.size()) != 1) {
        ERR_clear_error();
        return Error{"sign_failed", "无法用终端私钥签名。"};
    }
    der.resize(len);  // a DER ECDSA signature's length varies with its integers
    return secrets::base64_encode(der);
}

Status verify(EVP_PKEY* public_key, std::string_view statement, const std::string& value_base64) {
    const Error bad{"bad_signature", "终端签名不符：签名不是用本终端证书的私钥对这段记录链末端做的。"};
    auto der = secrets::base64_decode(value_base64);
    // One spelling only: the stored text is the evidence, so it must be the one that re-encodes to itself.
    if (!der || der->empty() || secrets::base64_encode(*der) != value_base64) return bad;
    ossl::MdCtx ctx(EVP_MD_CTX_new());
    const bool ok = ctx && public_key &&
                    EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, public_key) == 1 &&
                    EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der->data()), der->size(),
                                     reinterpret_cast<const unsigned char*>(statement.data()), statement.size()) == 1;
    ERR_clear_error();
    if (!ok) return bad;
    return Ok{};
}

Status verify_with_certificate(const std::string& cert_pem, std::string_view statement, const std::string& value_base64) {
    auto key = public_key_of_certificate(cert_pem);
    if (!key) return key.error();
    return verify(key->get(), statement, value_base64);
}

}  // namespace yimen::sync::chain_signature
