// seal.cpp — X25519 + HKDF-SHA256 + AES-256-GCM with the OpenSSL 3 EVP API (format in seal.hpp).
#include "base/seal.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "base/openssl_ptr.hpp"
#include "base/secrets.hpp"

namespace yimen::seal {
namespace {

using ossl::Bio;
using ossl::PKey;
using PKeyCtx = ossl::Ptr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using CipherCtx = ossl::Ptr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;
using Kdf = ossl::Ptr<EVP_KDF, EVP_KDF_free>;
using KdfCtx = ossl::Ptr<EVP_KDF_CTX, EVP_KDF_CTX_free>;

constexpr char kInfoLabel[] = "yimen-seal";
// Far above any personal field; keeps every length inside OpenSSL's int.
constexpr std::size_t kMaxPlaintext = 64u << 20;

// Drains OpenSSL's per-thread error queue so a stale entry cannot confuse a later TLS call on this thread.
Error crypto_err(const std::string& what) {
    ERR_clear_error();
    return Error{"crypto_error", what + "时加密库出错。请确认系统的 OpenSSL 完好后重试；仍不行请联系技术支持。",
                 ErrorCategory::security};
}
Error bad_envelope(const std::string& why) {
    return Error{"bad_envelope", "密封数据格式不对（" + why + "），无法打开。", ErrorCategory::invalid_input};
}
Error bad_key(const std::string& where) {
    ERR_clear_error();
    return Error{"bad_key", where + " 不是有效的 X25519 密封密钥（PEM）。请重新复制该密钥文件。", ErrorCategory::security};
}

// A 32-byte wipe for the temporaries that held secret bytes.
struct Wiped {
    unsigned char* p;
    std::size_t n;
    ~Wiped() { OPENSSL_cleanse(p, n); }
};

PKey private_pkey(const RawKey& priv) {
    return PKey(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, priv.data(), priv.size()));
}
PKey public_pkey(const RawKey& pub) {
    return PKey(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, pub.data(), pub.size()));
}

bool raw_public(EVP_PKEY* key, RawKey& out) {
    std::size_t n = out.size();
    return EVP_PKEY_get_raw_public_key(key, out.data(), &n) == 1 && n == out.size();
}
bool raw_private(EVP_PKEY* key, RawKey& out) {
    std::size_t n = out.size();
    return EVP_PKEY_get_raw_private_key(key, out.data(), &n) == 1 && n == out.size();
}

Result<SealingKeyPair> pair_of(EVP_PKEY* key) {
    SealingKeyPair pair;
    if (!raw_private(key, pair.priv) || !raw_public(key, pair.pub.raw)) return crypto_err("读取密封密钥");
    pair.pub.id = key_id_of(pair.pub.raw);
    return pair;
}

std::array<unsigned char, kKeyIdBytes> key_id_bytes(const RawKey& pub) {
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(pub.data(), pub.size(), md);
    std::array<unsigned char, kKeyIdBytes> id{};
    std::copy(md, md + kKeyIdBytes, id.begin());
    return id;
}

std::string hex(const unsigned char* p, std::size_t n) {
    static constexpr char d[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(d[p[i] >> 4]);
        out.push_back(d[p[i] & 15]);
    }
    return out;
}

// X25519(priv, peer) then HKDF-SHA256 into the AES key.
bool derive_key(EVP_PKEY* priv, EVP_PKEY* peer, const unsigned char* header, const RawKey& eph_pub,
                const RawKey& recipient_pub, unsigned char out[32]) {
    PKeyCtx ctx(EVP_PKEY_CTX_new(priv, nullptr));
    unsigned char shared[32];
    Wiped wipe{shared, sizeof shared};
    std::size_t shared_len = sizeof shared;
    // OpenSSL refuses an all-zero X25519 result (a small-order peer key), so derive fails rather than yield it.
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), peer) != 1 ||
        EVP_PKEY_derive(ctx.get(), shared, &shared_len) != 1 || shared_len != sizeof shared)
        return false;

    unsigned char salt[2 * kKeyBytes];
    std::copy(eph_pub.begin(), eph_pub.end(), salt);
    std::copy(recipient_pub.begin(), recipient_pub.end(), salt + kKeyBytes);
    std::vector<unsigned char> info(kInfoLabel, kInfoLabel + sizeof kInfoLabel - 1);
    info.insert(info.end(), header, header + 1 + kKeyIdBytes);  // version ‖ key id

    Kdf kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
    if (!kdf) return false;
    KdfCtx kctx(EVP_KDF_CTX_new(kdf.get()));
    if (!kctx) return false;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, shared, sizeof shared),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt, sizeof salt),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(), info.size()),
        OSSL_PARAM_construct_end()};
    return EVP_KDF_derive(kctx.get(), out, 32, params) == 1;
}

Result<std::string> seal_impl(std::string_view plaintext, const SealingPublicKey& to, EVP_PKEY* eph,
                              const Nonce& nonce) {
    if (plaintext.size() > kMaxPlaintext)
        return Error{"too_large", "要密封的内容过大。", ErrorCategory::invalid_input};
    RawKey eph_pub;
    PKey peer = public_pkey(to.raw);
    if (!peer || !raw_public(eph, eph_pub)) return crypto_err("准备密封");

    std::string out(kHeaderBytes + plaintext.size() + kTagBytes, '\0');
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    o[0] = kVersion;
    const auto id = key_id_bytes(to.raw);
    std::copy(id.begin(), id.end(), o + 1);
    std::copy(eph_pub.begin(), eph_pub.end(), o + 1 + kKeyIdBytes);
    std::copy(nonce.begin(), nonce.end(), o + 1 + kKeyIdBytes + kKeyBytes);

    unsigned char key[32];
    Wiped wipe{key, sizeof key};
    if (!derive_key(eph, peer.get(), o, eph_pub, to.raw, key)) return crypto_err("密封");

    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) != 1 ||
        EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key, nonce.data()) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &len, o, static_cast<int>(kHeaderBytes)) != 1)
        return crypto_err("密封");
    unsigned char* ct = o + kHeaderBytes;
    if (!plaintext.empty() &&
        EVP_EncryptUpdate(ctx.get(), ct, &len, reinterpret_cast<const unsigned char*>(plaintext.data()),
                          static_cast<int>(plaintext.size())) != 1)
        return crypto_err("密封");
    int fin = 0;
    if (EVP_EncryptFinal_ex(ctx.get(), ct + plaintext.size(), &fin) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes), ct + plaintext.size()) != 1)
        return crypto_err("密封");
    return secrets::base64_encode(out);
}

Result<std::string> decode(std::string_view envelope) {
    auto bin = secrets::base64_decode(std::string(envelope));
    // Only the canonical spelling: otherwise the unused low bits of the last character could change without
    // changing the bytes, and two different texts would open to the same value.
    if (!bin || secrets::base64_encode(*bin) != envelope) return bad_envelope("不是规范的 Base64");
    if (bin->size() < kHeaderBytes + kTagBytes) return bad_envelope("长度不足");
    if (static_cast<unsigned char>((*bin)[0]) != kVersion) return bad_envelope("版本未知");
    return bin;
}

Result<std::string> read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error{"key_missing", "无法读取密封密钥文件 " + path + "。请检查路径和权限。", ErrorCategory::not_found};
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

SealingKeyPair::~SealingKeyPair() { OPENSSL_cleanse(priv.data(), priv.size()); }

const SealingKeyPair* KeyRing::find(const std::string& key_id) const {
    auto it = keys_.find(key_id);
    return it == keys_.end() ? nullptr : &it->second;
}

std::string key_id_of(const RawKey& public_raw) {
    const auto id = key_id_bytes(public_raw);
    return hex(id.data(), id.size());
}

Result<SealingKeyPair> generate_key_pair() {
    PKey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
    if (!key) return crypto_err("生成密封密钥");
    return pair_of(key.get());
}

Result<SealingKeyPair> key_pair_from_raw(const RawKey& priv) {
    PKey key = private_pkey(priv);
    if (!key) return crypto_err("读取密封密钥");
    return pair_of(key.get());
}

Result<std::string> private_key_pem(const SealingKeyPair& key) {
    PKey pkey = private_pkey(key.priv);
    Bio bio(BIO_new(BIO_s_mem()));
    if (!pkey || !bio || PEM_write_bio_PrivateKey(bio.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return crypto_err("写出密封私钥");
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

Result<std::string> public_key_pem(const SealingPublicKey& key) {
    PKey pkey = public_pkey(key.raw);
    Bio bio(BIO_new(BIO_s_mem()));
    if (!pkey || !bio || PEM_write_bio_PUBKEY(bio.get(), pkey.get()) != 1) return crypto_err("写出密封公钥");
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

Result<SealingKeyPair> key_pair_from_pem(std::string_view pem) {
    Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    PKey key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key || EVP_PKEY_is_a(key.get(), "X25519") != 1) return bad_key("该私钥");
    return pair_of(key.get());
}

Result<SealingPublicKey> public_key_from_pem(std::string_view pem) {
    Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    PKey key(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    SealingPublicKey pub;
    if (!key || EVP_PKEY_is_a(key.get(), "X25519") != 1 || !raw_public(key.get(), pub.raw)) return bad_key("该公钥");
    pub.id = key_id_of(pub.raw);
    return pub;
}

Result<SealingPublicKey> load_public_key(const std::string& path) {
    auto text = read_text(path);
    if (!text) return text.error();
    auto key = public_key_from_pem(*text);
    if (!key) return bad_key(path);
    return key;
}

Result<SealingKeyPair> load_key_pair(const std::string& path) {
    auto text = read_text(path);
    if (!text) return text.error();
    auto key = key_pair_from_pem(*text);
    OPENSSL_cleanse(text.value().data(), text.value().size());
    if (!key) return bad_key(path);
    return key;
}

Result<KeyRing> load_key_ring(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    KeyRing ring;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind("sealing-", 0) != 0 || it->path().extension() != ".key") continue;
        auto key = load_key_pair(it->path().string());
        if (!key) return key.error();
        ring.add(*key);
    }
    if (ring.size() == 0)
        return Error{"key_missing", "目录 " + dir + " 里没有密封私钥（sealing-*.key）。请检查密钥目录的位置。",
                     ErrorCategory::not_found};
    return ring;
}

std::string private_key_file_name(const SealingPublicKey& key) { return "sealing-" + key.id + ".key"; }

Result<std::string> seal(std::string_view plaintext, const SealingPublicKey& to) {
    PKey eph(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
    Nonce nonce;
    if (!eph || RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1) return crypto_err("准备密封");
    return seal_impl(plaintext, to, eph.get(), nonce);
}

Result<std::string> envelope_key_id(std::string_view envelope) {
    auto bin = decode(envelope);
    if (!bin) return bin.error();
    return hex(reinterpret_cast<const unsigned char*>(bin->data()) + 1, kKeyIdBytes);
}

Result<std::string> open_sealed(std::string_view envelope, const KeyRing& private_keys) {
    auto decoded = decode(envelope);
    if (!decoded) return decoded.error();
    const std::string& bin = *decoded;
    const auto* b = reinterpret_cast<const unsigned char*>(bin.data());
    const std::string id = hex(b + 1, kKeyIdBytes);
    const SealingKeyPair* key = private_keys.find(id);
    if (!key)
        return Error{"unknown_key", "没有能打开该密封数据的私钥（密钥编号 " + id + "）。请确认县级密封密钥目录完整。",
                     ErrorCategory::not_found};
    RawKey eph_pub;
    std::copy(b + 1 + kKeyIdBytes, b + 1 + kKeyIdBytes + kKeyBytes, eph_pub.begin());
    PKey priv = private_pkey(key->priv);
    PKey peer = public_pkey(eph_pub);
    if (!priv || !peer) return crypto_err("打开密封数据");

    const auto open_failed = [] {
        ERR_clear_error();
        return Error{"open_failed", "密封数据已被改动或不完整，无法打开。", ErrorCategory::security};
    };
    unsigned char aes[32];
    Wiped wipe{aes, sizeof aes};
    // A bad ephemeral key (small order) fails here: the same answer as a changed byte.
    if (!derive_key(priv.get(), peer.get(), b, eph_pub, key->pub.raw, aes)) return open_failed();

    const std::size_t n = bin.size() - kHeaderBytes - kTagBytes;
    std::string plain(n, '\0');
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    const unsigned char* nonce = b + 1 + kKeyIdBytes + kKeyBytes;
    const unsigned char* ct = b + kHeaderBytes;
    if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) != 1 ||
        EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, aes, nonce) != 1 ||
        EVP_DecryptUpdate(ctx.get(), nullptr, &len, b, static_cast<int>(kHeaderBytes)) != 1)
        return crypto_err("打开密封数据");
    if (n > 0 && EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len, ct,
                                   static_cast<int>(n)) != 1)
        return crypto_err("打开密封数据");
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                            const_cast<unsigned char*>(ct + n)) != 1)
        return crypto_err("打开密封数据");
    unsigned char scratch[16];
    int fin = 0;
    if (EVP_DecryptFinal_ex(ctx.get(), scratch, &fin) != 1) {
        OPENSSL_cleanse(plain.data(), plain.size());
        return open_failed();
    }
    return plain;
}

namespace testing {
Result<std::string> seal_with(std::string_view plaintext, const SealingPublicKey& to, const RawKey& ephemeral_priv,
                              const Nonce& nonce) {
    PKey eph = private_pkey(ephemeral_priv);
    if (!eph) return crypto_err("准备密封");
    return seal_impl(plaintext, to, eph.get(), nonce);
}
}  // namespace testing

}  // namespace yimen::seal
