// pki.cpp — the county CA with the OpenSSL 3 C API: the same certificates as the openssl-CLI recipe in RECIPES.md §6,
// made without shelling out, and written so that a crash never leaves a key readable by others or a half PKI behind.
#include "county/pki.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <tuple>
#include <utility>

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "base/openssl_ptr.hpp"
#include "base/seal.hpp"
#include "county/pki_files.hpp"
#include <openssl/rand.h>
#include <openssl/x509v3.h>

namespace yimen::county::pki {
namespace {

namespace fs = std::filesystem;
using namespace files;

using ossl::Deleter;
using ossl::PKey;
using ossl::Bio;
using Cert = std::unique_ptr<X509, Deleter<X509_free>>;
using Crl = std::unique_ptr<X509_CRL, Deleter<X509_CRL_free>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using Asn1Int = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER_free>>;
using Asn1Time = std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME_free>>;
using Ext = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using Names = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;
using Revoked = std::unique_ptr<X509_REVOKED, Deleter<X509_REVOKED_free>>;

constexpr int kKioskCertDaysMax = 3650;
// Kiosk and server clocks drift; a certificate that starts "now" would be refused by a peer a few minutes behind.
constexpr long kBackdateSeconds = 3600;

Error err(std::string code, std::string message) { return Error{std::move(code), std::move(message)}; }

// Drains OpenSSL's per-thread error queue: a stale entry would confuse the next SSL_get_error on this thread.
Error crypto_err(const std::string& what) {
    ERR_clear_error();
    return err("crypto_error", what + "时加密库出错。请确认系统的 OpenSSL 完好后重试；仍不行请联系技术支持。");
}

std::string bio_to_string(BIO* bio) {
    std::string out;
    char buf[4096];
    int n;
    while ((n = BIO_read(bio, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    return out;
}

Result<std::string> private_key_pem(EVP_PKEY* key) {
    Bio bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return crypto_err("写出私钥");
    return bio_to_string(bio.get());
}

Result<std::string> public_key_pem(EVP_PKEY* key) {
    Bio bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) return crypto_err("写出公钥");
    return bio_to_string(bio.get());
}

Result<std::string> cert_pem(X509* cert) {
    Bio bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return crypto_err("写出证书");
    return bio_to_string(bio.get());
}

Result<std::string> crl_pem(X509_CRL* crl) {
    Bio bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509_CRL(bio.get(), crl) != 1) return crypto_err("写出吊销列表");
    return bio_to_string(bio.get());
}

PKey new_p256() { return PKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); }

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// A 128-bit serial from the CSPRNG with its top two bits fixed to 01: positive (DER integers are signed and RFC 5280
// wants serials positive, ≤ 20 bytes) and never short, so serial_hex is always 32 digits.
bool set_random_serial(X509* cert) {
    unsigned char raw[16];
    if (RAND_bytes(raw, sizeof raw) != 1) return false;
    raw[0] = static_cast<unsigned char>((raw[0] & 0x3f) | 0x40);
    Bignum bn(BN_bin2bn(raw, sizeof raw, nullptr));
    if (!bn) return false;
    Asn1Int serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    return serial && X509_set_serialNumber(cert, serial.get()) == 1;
}

std::string asn1_int_hex(const ASN1_INTEGER* value) {
    Bignum bn(ASN1_INTEGER_to_BN(value, nullptr));
    if (!bn) return {};
    char* hex = BN_bn2hex(bn.get());
    if (!hex) return {};
    std::string out = lower(hex);
    OPENSSL_free(hex);
    return out;
}

bool add_ext(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    Ext ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

bool add_name(X509_NAME* name, const char* field, const std::string& value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()),
                                      -1, -1, 0) == 1;
}

struct CertSpec {
    std::vector<std::pair<const char*, std::string>> subject;
    int days = 825;
    std::vector<std::pair<int, const char*>> extensions;  // nid, config value
    const Names* alt_names = nullptr;
};

// issuer == nullptr makes a self-signed certificate (the CA).
Result<Cert> make_cert(const CertSpec& spec, EVP_PKEY* subject_key, X509* issuer, EVP_PKEY* issuer_key) {
    Cert cert(X509_new());
    if (!cert || X509_set_version(cert.get(), 2) != 1 || !set_random_serial(cert.get())) return crypto_err("生成证书");
    X509_NAME* name = X509_get_subject_name(cert.get());
    for (const auto& [field, value] : spec.subject)
        if (!add_name(name, field, value)) return crypto_err("写入证书主题");
    if (X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name) != 1 ||
        !X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kBackdateSeconds) ||
        !X509_time_adj_ex(X509_getm_notAfter(cert.get()), spec.days, 0, nullptr) ||
        X509_set_pubkey(cert.get(), subject_key) != 1)
        return crypto_err("设置证书有效期和公钥");
    X509* issuer_cert = issuer ? issuer : cert.get();
    for (const auto& [nid, value] : spec.extensions)
        if (!add_ext(cert.get(), issuer_cert, nid, value)) return crypto_err("写入证书扩展");
    if (spec.alt_names &&
        X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, spec.alt_names->get(), 0, X509V3_ADD_DEFAULT) != 1)
        return crypto_err("写入证书的备用名称");
    if (X509_sign(cert.get(), issuer_key, EVP_sha256()) <= 0) return crypto_err("签发证书");
    return cert;
}

bool is_dns_name(const std::string& host) {
    if (host.empty() || host.size() > 253) return false;
    std::size_t start = 0;
    // A leading "*." is the one wildcard form TLS clients accept.
    if (host.rfind("*.", 0) == 0) start = 2;
    std::size_t label = 0;
    for (std::size_t i = start; i <= host.size(); ++i) {
        if (i == host.size() || host[i] == '.') {
            if (label == 0 || label > 63 || host[i - 1] == '-' || host[i - label] == '-') return false;
            label = 0;
            continue;
        }
        const char c = host[i];
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return false;
        ++label;
    }
    return true;
}

bool is_ip_literal(const std::string& host) {
    unsigned char buf[16];
    return ::inet_pton(AF_INET, host.c_str(), buf) == 1 || ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

bool push_name(GENERAL_NAMES* names, const std::string& host) {
    GENERAL_NAME* gn = GENERAL_NAME_new();
    if (!gn) return false;
    if (is_ip_literal(host)) {
        ASN1_OCTET_STRING* ip = a2i_IPADDRESS(host.c_str());
        if (!ip) {
            GENERAL_NAME_free(gn);
            return false;
        }
        GENERAL_NAME_set0_value(gn, GEN_IPADD, ip);
    } else {
        ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
        if (!dns || ASN1_STRING_set(dns, host.data(), static_cast<int>(host.size())) != 1) {
            ASN1_IA5STRING_free(dns);
            GENERAL_NAME_free(gn);
            return false;
        }
        GENERAL_NAME_set0_value(gn, GEN_DNS, dns);
    }
    if (sk_GENERAL_NAME_push(names, gn) <= 0) {
        GENERAL_NAME_free(gn);
        return false;
    }
    return true;
}

bool valid_id(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    return std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '.' || c == '_' || c == '-';
    });
}

Result<PKey> load_private_key(const std::string& path) {
    Bio bio(BIO_new_file(path.c_str(), "r"));
    if (!bio) {
        ERR_clear_error();
        return err("pki_missing", "找不到 " + path + "。请先运行 pki init 建立县级证书机构，或检查 --pki 目录是否正确。");
    }
    PKey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key) return crypto_err("读取 " + path);
    return key;
}

Result<Cert> load_cert(const std::string& path, const char* missing_code) {
    Bio bio(BIO_new_file(path.c_str(), "r"));
    if (!bio) {
        ERR_clear_error();
        return err(missing_code, "找不到证书 " + path + "。请检查路径是否正确。");
    }
    Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) {
        ERR_clear_error();
        return err("bad_certificate", "文件 " + path + " 不是有效的 PEM 证书。请重新复制该证书文件。");
    }
    return cert;
}

struct CaPair {
    Cert cert;
    PKey key;
};

Result<CaPair> load_ca(const std::string& dir) {
    auto key = load_private_key(dir + "/ca.key");
    if (!key) return key.error();
    auto cert = load_cert(dir + "/ca.crt", "pki_missing");
    if (!cert) return cert.error();
    if (X509_check_private_key(cert->get(), key->get()) != 1) {
        ERR_clear_error();
        return err("pki_missing", "目录 " + dir + " 里的 ca.crt 和 ca.key 不是一对。请恢复该目录的备份，不要混用两套证书。");
    }
    return CaPair{std::move(cert).value(), std::move(key).value()};
}

bool parse_serial(const std::string& hex, Bignum& out) {
    if (hex.empty() || hex.size() > 40) return false;
    if (!std::all_of(hex.begin(), hex.end(), [](unsigned char c) { return std::isxdigit(c) != 0; })) return false;
    BIGNUM* bn = nullptr;
    if (BN_hex2bn(&bn, hex.c_str()) != static_cast<int>(hex.size())) {
        BN_free(bn);
        return false;
    }
    out.reset(bn);
    return true;
}

// The previous CRL, when readable, supplies the CRL number to continue from and the original revocation dates
// (tools show them to auditors; resetting them to "now" on every rewrite would falsify the record).
struct PreviousCrl {
    long number = 0;
    std::vector<std::pair<std::string, Asn1Time>> dates;  // serial hex → revocation date
};

PreviousCrl read_previous_crl(const std::string& path) {
    PreviousCrl prev;
    Bio bio(BIO_new_file(path.c_str(), "r"));
    if (!bio) {
        ERR_clear_error();
        return prev;
    }
    Crl crl(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
    if (!crl) {
        ERR_clear_error();
        return prev;
    }
    if (auto* num = static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl.get(), NID_crl_number, nullptr, nullptr))) {
        prev.number = std::max(0L, ASN1_INTEGER_get(num));
        ASN1_INTEGER_free(num);
    }
    STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.get());
    for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
        const X509_REVOKED* r = sk_X509_REVOKED_value(revoked, i);
        prev.dates.emplace_back(asn1_int_hex(X509_REVOKED_get0_serialNumber(r)),
                                Asn1Time(ASN1_TIME_dup(X509_REVOKED_get0_revocationDate(r))));
    }
    ERR_clear_error();
    return prev;
}

Result<std::string> make_crl(X509* ca, EVP_PKEY* ca_key, const std::vector<Bignum>& serials, const PreviousCrl& prev) {
    Crl crl(X509_CRL_new());
    Asn1Time now(X509_gmtime_adj(nullptr, 0));
    if (!crl || !now || X509_CRL_set_version(crl.get(), 1) != 1 ||
        X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca)) != 1 ||
        X509_CRL_set1_lastUpdate(crl.get(), now.get()) != 1 ||
        // A CRL past its nextUpdate makes strict verifiers refuse every client; nothing revoked changes unless the
        // county rewrites the CRL anyway, so it stays valid as long as the CA itself.
        X509_CRL_set1_nextUpdate(crl.get(), X509_get0_notAfter(ca)) != 1)
        return crypto_err("生成吊销列表");
    Asn1Int number(ASN1_INTEGER_new());
    if (!number || ASN1_INTEGER_set(number.get(), prev.number + 1) != 1 ||
        X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, X509V3_ADD_DEFAULT) != 1)
        return crypto_err("写入吊销列表编号");
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, ca, nullptr, nullptr, crl.get(), 0);
    Ext aki(X509V3_EXT_nconf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
    if (!aki || X509_CRL_add_ext(crl.get(), aki.get(), -1) != 1) return crypto_err("写入吊销列表扩展");
    for (const auto& bn : serials) {
        Revoked r(X509_REVOKED_new());
        Asn1Int serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
        if (!r || !serial || X509_REVOKED_set_serialNumber(r.get(), serial.get()) != 1) return crypto_err("写入吊销条目");
        const ASN1_TIME* when = now.get();
        const std::string hex = asn1_int_hex(serial.get());
        for (const auto& [old_hex, old_time] : prev.dates)
            if (old_hex == hex && old_time) when = old_time.get();
        if (X509_REVOKED_set_revocationDate(r.get(), const_cast<ASN1_TIME*>(when)) != 1 ||
            X509_CRL_add0_revoked(crl.get(), r.get()) != 1)
            return crypto_err("写入吊销条目");
        r.release();
    }
    if (X509_CRL_sort(crl.get()) != 1 || X509_CRL_sign(crl.get(), ca_key, EVP_sha256()) <= 0)
        return crypto_err("签署吊销列表");
    return crl_pem(crl.get());
}

std::string hex_of(const unsigned char* data, unsigned int n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (unsigned int i = 0; i < n; ++i) {
        out.push_back(digits[data[i] >> 4]);
        out.push_back(digits[data[i] & 0x0f]);
    }
    return out;
}

std::string name_entry(X509_NAME* name, int nid) {
    if (!name) return {};
    int idx = X509_NAME_get_index_by_NID(name, nid, -1);
    if (idx < 0) return {};
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, data);
    if (n < 0) {
        ERR_clear_error();
        return {};
    }
    std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
    return out;
}

struct SealingFiles {
    std::string key_id;
    std::string private_pem;
    std::string public_pem;
};

Result<SealingFiles> new_sealing_pair() {
    auto pair = seal::generate_key_pair();
    if (!pair) return pair.error();
    auto priv = seal::private_key_pem(*pair);
    if (!priv) return priv.error();
    auto pub = seal::public_key_pem(pair->pub);
    if (!pub) return pub.error();
    return SealingFiles{pair->pub.id, std::move(priv).value(), std::move(pub).value()};
}

}  // namespace

std::string default_sealing_key_dir(const std::string& dir) { return dir + "/sealing-keys"; }

Status init(const std::string& dir, const InitOptions& opt) {
    if (opt.ca_days < 1 || opt.cert_days < 1 || opt.cert_days > opt.ca_days)
        return err("bad_option", "证书有效天数不合理（须为正数，且服务器证书不长于根证书）。请改正天数后重试。");
    std::vector<std::string> hosts{"localhost", "127.0.0.1", "::1"};
    for (const auto& raw : opt.hosts) {
        std::string host = is_ip_literal(raw) ? raw : lower(raw);
        if (!is_ip_literal(host) && !is_dns_name(host))
            return err("bad_host", "“" + raw + "”既不是 IP 地址也不是有效的域名。请检查服务器地址的拼写。");
        if (std::find(hosts.begin(), hosts.end(), host) == hosts.end()) hosts.push_back(host);
    }
    const std::string ca_key_path = dir + "/ca.key";
    std::error_code ec;
    if (fs::exists(ca_key_path, ec))
        return err("pki_exists", "目录 " + dir + " 里已经有县级证书机构（ca.key）。重建会让所有已发的一体机证书失效，"
                                 "因此没有执行；确需重建时，请先备份并移走该目录。");

    PKey ca_key = new_p256(), server_key = new_p256();
    PKey signing_key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    if (!ca_key || !server_key || !signing_key) return crypto_err("生成密钥");

    CertSpec ca_spec;
    ca_spec.subject = {{"O", "Yimen"}, {"CN", "Yimen County CA"}};
    ca_spec.days = opt.ca_days;
    ca_spec.extensions = {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                          {NID_key_usage, "critical,keyCertSign,cRLSign"},
                          {NID_subject_key_identifier, "hash"},
                          {NID_authority_key_identifier, "keyid:always"}};
    auto ca = make_cert(ca_spec, ca_key.get(), nullptr, ca_key.get());
    if (!ca) return ca.error();

    Names alt(GENERAL_NAMES_new());
    if (!alt) return crypto_err("生成服务器证书");
    for (const auto& host : hosts)
        if (!push_name(alt.get(), host)) return crypto_err("写入服务器地址 " + host);
    CertSpec server_spec;
    server_spec.subject = {{"O", "Yimen"}, {"CN", hosts.size() > 3 ? hosts[3] : std::string("localhost")}};
    server_spec.days = opt.cert_days;
    server_spec.extensions = {{NID_basic_constraints, "critical,CA:FALSE"},
                              {NID_key_usage, "critical,digitalSignature"},
                              {NID_ext_key_usage, "serverAuth"},
                              {NID_subject_key_identifier, "hash"},
                              {NID_authority_key_identifier, "keyid:always"}};
    server_spec.alt_names = &alt;
    auto server = make_cert(server_spec, server_key.get(), ca->get(), ca_key.get());
    if (!server) return server.error();

    auto ca_key_pem = private_key_pem(ca_key.get());
    auto ca_pem = cert_pem(ca->get());
    auto server_key_pem = private_key_pem(server_key.get());
    auto server_pem = cert_pem(server->get());
    auto signing_pem = private_key_pem(signing_key.get());
    auto signing_pub = public_key_pem(signing_key.get());
    auto crl = make_crl(ca->get(), ca_key.get(), {}, PreviousCrl{});
    for (const auto* r : {&ca_key_pem, &ca_pem, &server_key_pem, &server_pem, &signing_pem, &signing_pub, &crl})
        if (!*r) return r->error();
    auto sealing = new_sealing_pair();
    if (!sealing) return sealing.error();
    const std::string sealing_dir = opt.sealing_key_dir.empty() ? default_sealing_key_dir(dir) : opt.sealing_key_dir;

    if (auto st = make_private_dir(dir); !st) return st;
    if (auto st = write_file(ca_key_path, *ca_key_pem, 0600, Place::exclusive); !st) {
        if (fs::exists(ca_key_path, ec))
            return err("pki_exists", "另一个进程刚刚在 " + dir + " 建立了县级证书机构。请勿同时运行两次初始化。");
        return st;
    }
    const std::vector<std::tuple<std::string, const std::string*, mode_t>> rest{
        {"ca.crt", &*ca_pem, 0644},
        {"server.key", &*server_key_pem, 0600},
        {"server.crt", &*server_pem, 0644},
        {"bundle-signing.key", &*signing_pem, 0600},
        {"bundle-signing.pub", &*signing_pub, 0644},
        {"crl.pem", &*crl, 0644},
        // The private half first: sealing.pub never names a key that is not on disk.
        {sealing_dir + "/" + "sealing-" + sealing->key_id + ".key", &sealing->private_pem, 0600},
        {"sealing.pub", &sealing->public_pem, 0644}};
    std::vector<std::string> written{ca_key_path};
    if (auto st = make_private_dir(sealing_dir); !st) {
        ::unlink(ca_key_path.c_str());
        return st;
    }
    for (const auto& [file, data, mode] : rest) {
        const std::string path = file.find('/') == std::string::npos ? dir + "/" + file : file;
        if (auto st = write_file(path, *data, mode); !st) {
            // Without ca.key the next init may run again; a half PKI with a CA key would refuse it forever.
            for (const auto& w : written) ::unlink(w.c_str());
            return st;
        }
        written.push_back(path);
    }
    return Ok{};
}

Result<IssuedKiosk> issue_kiosk(const std::string& dir, const std::string& kiosk_id, const std::string& township,
                                int cert_days) {
    if (!valid_id(kiosk_id))
        return err("bad_kiosk_id", "一体机编号“" + kiosk_id + "”不合规：只能用 1 到 64 个英文字母、数字、点、下划线或连字符。"
                                   "请换一个编号。");
    if (township.size() != 9 || township.find_first_not_of("0123456789") != std::string::npos)
        return err("bad_township", "乡镇代码“" + township + "”不合规：须为9位数字的乡镇（街道）代码，例如 230523104。请核对乡镇代码。");
    if (cert_days < 1 || cert_days > kKioskCertDaysMax)
        return err("bad_option", "证书有效天数须在 1 到 3650 之间。请改正天数后重试。");
    auto ca = load_ca(dir);
    if (!ca) return ca.error();

    const std::string kiosks = dir + "/kiosks";
    const std::string final_dir = kiosks + "/" + kiosk_id;
    std::error_code ec;
    const auto exists_err = [&] {
        return err("kiosk_exists", "一体机 " + kiosk_id + " 已经发过证书（" + final_dir + "）。如要换证，请先吊销旧证书，"
                                   "再用新的编号签发。");
    };
    if (fs::exists(final_dir, ec)) return exists_err();
    auto ca_pem = read_file(dir + "/ca.crt");
    if (!ca_pem) return ca_pem.error();
    auto signing_pub = read_file(dir + "/bundle-signing.pub");
    if (!signing_pub)
        return err("pki_missing", "找不到 " + dir + "/bundle-signing.pub。请恢复县级证书目录的备份后重试。");
    auto sealing_pub = read_file(dir + "/sealing.pub");
    if (!sealing_pub || !seal::public_key_from_pem(*sealing_pub))
        return err("pki_missing", "找不到有效的密封公钥 " + dir + "/sealing.pub。较早建立的证书目录请先运行 "
                                  "pki rotate-sealing-key 生成密封密钥，再签发一体机证书。");

    PKey key = new_p256();
    if (!key) return crypto_err("生成一体机密钥");
    CertSpec spec;
    spec.subject = {{"O", township}, {"OU", "yimen-kiosk"}, {"CN", kiosk_id}};
    spec.days = cert_days;
    spec.extensions = {{NID_basic_constraints, "critical,CA:FALSE"},
                       {NID_key_usage, "critical,digitalSignature"},
                       {NID_ext_key_usage, "clientAuth"},
                       {NID_subject_key_identifier, "hash"},
                       {NID_authority_key_identifier, "keyid:always"}};
    auto cert = make_cert(spec, key.get(), ca->cert.get(), ca->key.get());
    if (!cert) return cert.error();
    auto key_pem = private_key_pem(key.get());
    if (!key_pem) return key_pem.error();
    auto crt_pem = cert_pem(cert->get());
    if (!crt_pem) return crt_pem.error();

    if (auto st = make_private_dir(kiosks); !st) return st.error();
    // Built aside and renamed in, so a crash never leaves a kiosk folder with a certificate but no key.
    const std::string staging = kiosks + "/.tmp-" + kiosk_id + "-" + std::to_string(::getpid());
    fs::remove_all(staging, ec);
    if (::mkdir(staging.c_str(), 0700) != 0) return io_err(staging, errno);
    const std::vector<std::tuple<const char*, const std::string*, mode_t>> files{
        {"client.key", &*key_pem, 0600},
        {"client.crt", &*crt_pem, 0644},
        {"ca.crt", &*ca_pem, 0644},
        {"bundle-signing.pub", &*signing_pub, 0644},
        {"sealing.pub", &*sealing_pub, 0644}};
    for (const auto& [file, data, mode] : files) {
        if (auto st = write_file(staging + "/" + file, *data, mode); !st) {
            fs::remove_all(staging, ec);
            return st.error();
        }
    }
    if (::rename(staging.c_str(), final_dir.c_str()) != 0) {
        int e = errno;
        fs::remove_all(staging, ec);
        if (e == EEXIST || e == ENOTEMPTY) return exists_err();
        return io_err(final_dir, e);
    }
    if (auto st = fsync_dir(kiosks); !st) return st.error();

    IssuedKiosk issued;
    issued.kiosk_id = kiosk_id;
    issued.township = township;
    issued.fingerprint = fingerprint_sha256(cert->get());
    issued.serial_hex = serial_hex(cert->get());
    issued.dir = final_dir;
    return issued;
}

Result<SealingKeyInfo> rotate_sealing_key(const std::string& dir, const std::string& sealing_key_dir) {
    std::error_code ec;
    if (!fs::exists(dir + "/ca.crt", ec))
        return err("pki_missing", "目录 " + dir + " 里没有县级证书机构（ca.crt）。请先运行 pki init，或检查 --dir 是否正确。");
    const std::string key_dir = sealing_key_dir.empty() ? default_sealing_key_dir(dir) : sealing_key_dir;
    auto pair = new_sealing_pair();
    if (!pair) return pair.error();
    if (auto st = make_private_dir(key_dir); !st) return st.error();
    const std::string key_path = key_dir + "/sealing-" + pair->key_id + ".key";
    // The private key first and never over another one; only then does sealing.pub name it.
    if (auto st = write_file(key_path, pair->private_pem, 0600, Place::exclusive); !st) return st.error();
    if (auto st = write_file(dir + "/sealing.pub", pair->public_pem, 0644); !st) return st.error();
    auto ring = seal::load_key_ring(key_dir);
    if (!ring) return ring.error();
    return SealingKeyInfo{pair->key_id, key_path, ring->size()};
}

Status write_crl(const std::string& dir, const std::vector<std::string>& revoked_serials_hex) {
    std::vector<Bignum> serials;
    for (const auto& hex : revoked_serials_hex) {
        Bignum bn;
        if (!parse_serial(hex, bn))
            return err("bad_serial", "证书序列号“" + hex + "”不是十六进制数字。请从一体机列表里复制序列号。");
        serials.push_back(std::move(bn));
    }
    auto ca = load_ca(dir);
    if (!ca) return ca.error();
    const std::string path = dir + "/crl.pem";
    auto pem = make_crl(ca->cert.get(), ca->key.get(), serials, read_previous_crl(path));
    if (!pem) return pem.error();
    return write_file(path, *pem, 0644);
}

std::string fingerprint_sha256(X509* cert) {
    if (!cert) return {};
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (X509_digest(cert, EVP_sha256(), md, &n) != 1) {
        ERR_clear_error();
        return {};
    }
    return hex_of(md, n);
}

Result<std::string> fingerprint_of_pem_file(const std::string& path) {
    auto cert = load_cert(path, "io_error");
    if (!cert) return cert.error();
    return fingerprint_sha256(cert->get());
}

std::string serial_hex(X509* cert) {
    if (!cert) return {};
    return asn1_int_hex(X509_get0_serialNumber(cert));
}

Subject subject_of(X509* cert) {
    if (!cert) return {};
    X509_NAME* name = X509_get_subject_name(cert);
    return Subject{name_entry(name, NID_commonName), name_entry(name, NID_organizationName)};
}

}  // namespace yimen::county::pki
