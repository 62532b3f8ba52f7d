// pki_test.cpp — the county CA against OpenSSL's own verifier and a real TLS handshake: what matters is that the
// files init and issue_kiosk write are accepted by X509_verify_cert and by an SSL_CTX exactly as the server and
// the kiosk will load them, and that a certificate from any other CA is not.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "county/pki.hpp"
#include "support/temp_dir.hpp"
#include "base/canonical_json.hpp"

namespace fs = std::filesystem;
namespace pki = yimen::county::pki;

namespace {

struct TempDir : yimen::test::TempDir {
    TempDir() : yimen::test::TempDir("yimen-pki") {}
};

template <auto Free>
struct Deleter {
    template <class T>
    void operator()(T* p) const { Free(p); }
};
using Cert = std::unique_ptr<X509, Deleter<X509_free>>;
using Crl = std::unique_ptr<X509_CRL, Deleter<X509_CRL_free>>;
using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using Store = std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>>;
using StoreCtx = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX_free>>;
using SslCtx = std::unique_ptr<SSL_CTX, Deleter<SSL_CTX_free>>;

Cert read_cert(const fs::path& path) {
    FILE* f = std::fopen(path.c_str(), "r");
    REQUIRE(f != nullptr);
    Cert cert(PEM_read_X509(f, nullptr, nullptr, nullptr));
    std::fclose(f);
    REQUIRE(cert);
    return cert;
}

Crl read_crl(const fs::path& path) {
    FILE* f = std::fopen(path.c_str(), "r");
    REQUIRE(f != nullptr);
    Crl crl(PEM_read_X509_CRL(f, nullptr, nullptr, nullptr));
    std::fclose(f);
    REQUIRE(crl);
    return crl;
}

PKey read_key(const fs::path& path) {
    FILE* f = std::fopen(path.c_str(), "r");
    REQUIRE(f != nullptr);
    PKey key(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr));
    std::fclose(f);
    REQUIRE(key);
    return key;
}

mode_t mode_of(const fs::path& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

// X509_V_OK or the verifier's error code; purpose is X509_PURPOSE_SSL_SERVER / _CLIENT, crl adds a CRL check.
int verify(X509* cert, X509* ca, int purpose, X509_CRL* crl = nullptr) {
    Store store(X509_STORE_new());
    REQUIRE(X509_STORE_add_cert(store.get(), ca) == 1);
    if (crl) {
        REQUIRE(X509_STORE_add_crl(store.get(), crl) == 1);
        X509_STORE_set_flags(store.get(), X509_V_FLAG_CRL_CHECK);
    }
    StoreCtx ctx(X509_STORE_CTX_new());
    REQUIRE(X509_STORE_CTX_init(ctx.get(), store.get(), cert, nullptr) == 1);
    REQUIRE(X509_STORE_CTX_set_purpose(ctx.get(), purpose) == 1);
    const int ok = X509_verify_cert(ctx.get());
    const int error = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return ok == 1 ? X509_V_OK : (error == X509_V_OK ? -1 : error);
}

std::string der_sha256(X509* cert) {
    unsigned char* der = nullptr;
    const int n = i2d_X509(cert, &der);
    REQUIRE(n > 0);
    std::string bytes(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
    OPENSSL_free(der);
    return yimen::sha256_hex(bytes);
}

std::string name_field(X509* cert, int nid) {
    char buf[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), nid, buf, sizeof buf);
    return buf;
}

pki::InitOptions options() {
    pki::InitOptions opt;
    opt.hosts = {"county.example.cn", "10.20.30.40", "fd00::7"};
    return opt;
}

// A real handshake over a socketpair: the server loads its files the way county-server will, the client the way
// the kiosk's uploader will (the kiosk folder's ca.crt, hostname checked against the SAN).
struct Handshake {
    bool server_ok = false;
    bool client_ok = false;
    std::string server_saw_cn;
};

Handshake handshake(const fs::path& county, const fs::path& kiosk, const char* host) {
    std::signal(SIGPIPE, SIG_IGN);  // the side that fails closes its end while the other may still write
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    timeval timeout{5, 0};
    for (int fd : fds) {
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    }

    SslCtx sctx(SSL_CTX_new(TLS_server_method()));
    REQUIRE(SSL_CTX_set_min_proto_version(sctx.get(), TLS1_2_VERSION) == 1);
    REQUIRE(SSL_CTX_use_certificate_chain_file(sctx.get(), (county / "server.crt").c_str()) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey_file(sctx.get(), (county / "server.key").c_str(), SSL_FILETYPE_PEM) == 1);
    REQUIRE(SSL_CTX_load_verify_locations(sctx.get(), (county / "ca.crt").c_str(), nullptr) == 1);
    SSL_CTX_set_verify(sctx.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);

    SslCtx cctx(SSL_CTX_new(TLS_client_method()));
    REQUIRE(SSL_CTX_use_certificate_chain_file(cctx.get(), (kiosk / "client.crt").c_str()) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey_file(cctx.get(), (kiosk / "client.key").c_str(), SSL_FILETYPE_PEM) == 1);
    REQUIRE(SSL_CTX_load_verify_locations(cctx.get(), (kiosk / "ca.crt").c_str(), nullptr) == 1);
    SSL_CTX_set_verify(cctx.get(), SSL_VERIFY_PEER, nullptr);

    Handshake result;
    std::thread server([&] {
        SSL* ssl = SSL_new(sctx.get());
        SSL_set_fd(ssl, fds[0]);
        if (SSL_accept(ssl) == 1 && SSL_get_verify_result(ssl) == X509_V_OK) {
            X509* peer = SSL_get0_peer_certificate(ssl);
            if (peer) {
                result.server_ok = true;
                result.server_saw_cn = pki::subject_of(peer).common_name;
                SSL_write(ssl, "ok", 2);
            }
        }
        SSL_shutdown(ssl);
        SSL_free(ssl);
        ::shutdown(fds[0], SHUT_RDWR);
        ERR_clear_error();
    });
    SSL* ssl = SSL_new(cctx.get());
    SSL_set_fd(ssl, fds[1]);
    SSL_set1_host(ssl, host);
    char buf[2] = {};
    // Under TLS 1.3 the server judges the client certificate after the client's SSL_connect returned; only the
    // server's first bytes prove it accepted us.
    if (SSL_connect(ssl) == 1 && SSL_get_verify_result(ssl) == X509_V_OK && SSL_read(ssl, buf, 2) == 2)
        result.client_ok = std::string(buf, 2) == "ok";
    SSL_free(ssl);
    ::shutdown(fds[1], SHUT_RDWR);
    server.join();
    ::close(fds[0]);
    ::close(fds[1]);
    ERR_clear_error();
    return result;
}

}  // namespace

TEST_CASE("pki init writes the CA, server and signing keys with private modes", "[pki]") {
    TempDir tmp;
    const fs::path dir = tmp.path / "pki";
    auto st = pki::init(dir.string(), options());
    REQUIRE(st.ok());
    CHECK(mode_of(dir) == 0700);
    CHECK(mode_of(dir / "ca.key") == 0600);
    CHECK(mode_of(dir / "server.key") == 0600);
    CHECK(mode_of(dir / "bundle-signing.key") == 0600);
    CHECK(mode_of(dir / "ca.crt") == 0644);
    CHECK(mode_of(dir / "server.crt") == 0644);
    CHECK(mode_of(dir / "bundle-signing.pub") == 0644);
    CHECK(mode_of(dir / "crl.pem") == 0644);
    // No temporaries left behind.
    int entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
    CHECK(entries == 9);  // with sealing.pub and sealing-keys/

    PKey signing = read_key(dir / "bundle-signing.key");
    CHECK(EVP_PKEY_is_a(signing.get(), "ED25519") == 1);
    PKey ca_key = read_key(dir / "ca.key");
    CHECK(EVP_PKEY_is_a(ca_key.get(), "EC") == 1);
    char group[64] = {};
    size_t group_len = 0;
    REQUIRE(EVP_PKEY_get_utf8_string_param(ca_key.get(), "group", group, sizeof group, &group_len) == 1);
    CHECK(std::string(group) == "prime256v1");

    FILE* f = std::fopen((dir / "bundle-signing.pub").c_str(), "r");
    REQUIRE(f != nullptr);
    PKey pub(PEM_read_PUBKEY(f, nullptr, nullptr, nullptr));
    std::fclose(f);
    REQUIRE(pub);
    CHECK(EVP_PKEY_eq(pub.get(), signing.get()) == 1);

    Cert ca = read_cert(dir / "ca.crt");
    CHECK(X509_check_ca(ca.get()) != 0);
    CHECK(X509_check_private_key(ca.get(), ca_key.get()) == 1);

    // The initial CRL is a real, CA-signed, empty CRL.
    Crl crl = read_crl(dir / "crl.pem");
    PKey ca_pub(X509_get_pubkey(ca.get()));
    CHECK(X509_CRL_verify(crl.get(), ca_pub.get()) == 1);
    CHECK(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl.get())) <= 0);
}

TEST_CASE("pki init refuses to run twice and keeps the first CA", "[pki]") {
    TempDir tmp;
    REQUIRE(pki::init(tmp.str(), options()).ok());
    const std::string fp_before = *pki::fingerprint_of_pem_file((tmp.path / "ca.crt").string());
    auto again = pki::init(tmp.str(), options());
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == "pki_exists");
    CHECK_FALSE(again.error().message.empty());
    CHECK(*pki::fingerprint_of_pem_file((tmp.path / "ca.crt").string()) == fp_before);
}

TEST_CASE("pki init refuses a malformed host name", "[pki]") {
    TempDir tmp;
    for (const char* bad : {"", "bad host", "a,b", "-x.example", "x..y", "http://x"}) {
        pki::InitOptions opt;
        opt.hosts = {bad};
        auto st = pki::init(tmp.str(), opt);
        REQUIRE_FALSE(st.ok());
        CHECK(st.error().code == "bad_host");
    }
    CHECK_FALSE(fs::exists(tmp.path / "ca.key"));
}

TEST_CASE("pki server certificate verifies against ca.crt and names every host", "[pki]") {
    TempDir tmp;
    REQUIRE(pki::init(tmp.str(), options()).ok());
    Cert ca = read_cert(tmp.path / "ca.crt");
    Cert server = read_cert(tmp.path / "server.crt");
    CHECK(verify(server.get(), ca.get(), X509_PURPOSE_SSL_SERVER) == X509_V_OK);
    CHECK((X509_get_extended_key_usage(server.get()) & XKU_SSL_SERVER) != 0);
    CHECK(X509_check_ca(server.get()) == 0);

    CHECK(X509_check_host(server.get(), "localhost", 0, 0, nullptr) == 1);
    CHECK(X509_check_host(server.get(), "county.example.cn", 0, 0, nullptr) == 1);
    CHECK(X509_check_ip_asc(server.get(), "127.0.0.1", 0) == 1);
    CHECK(X509_check_ip_asc(server.get(), "::1", 0) == 1);
    CHECK(X509_check_ip_asc(server.get(), "10.20.30.40", 0) == 1);
    CHECK(X509_check_ip_asc(server.get(), "fd00::7", 0) == 1);
    CHECK(X509_check_host(server.get(), "other.example.cn", 0, 0, nullptr) != 1);
    CHECK(X509_check_ip_asc(server.get(), "10.20.30.41", 0) != 1);

    PKey key = read_key(tmp.path / "server.key");
    CHECK(X509_check_private_key(server.get(), key.get()) == 1);
    CHECK(pki::serial_hex(server.get()).size() == 32);
    CHECK(pki::serial_hex(server.get()) != pki::serial_hex(ca.get()));
}

TEST_CASE("pki issue_kiosk writes a client certificate the CA vouches for", "[pki]") {
    TempDir tmp;
    REQUIRE(pki::init(tmp.str(), options()).ok());
    auto issued = pki::issue_kiosk(tmp.str(), "kiosk-001", "360123101");
    REQUIRE(issued.ok());
    const fs::path kdir = tmp.path / "kiosks" / "kiosk-001";
    CHECK(issued->dir == kdir.string());
    CHECK(issued->kiosk_id == "kiosk-001");
    CHECK(issued->township == "360123101");
    CHECK(mode_of(kdir / "client.key") == 0600);
    CHECK(mode_of(kdir / "client.crt") == 0644);
    CHECK(mode_of(kdir) == 0700);
    CHECK(fs::exists(kdir / "ca.crt"));
    CHECK(fs::exists(kdir / "bundle-signing.pub"));
    int entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(tmp.path / "kiosks")) ++entries;
    CHECK(entries == 1);  // no staging folder left behind

    Cert ca = read_cert(tmp.path / "ca.crt");
    Cert client = read_cert(kdir / "client.crt");
    CHECK(verify(client.get(), ca.get(), X509_PURPOSE_SSL_CLIENT) == X509_V_OK);
    CHECK(verify(client.get(), read_cert(kdir / "ca.crt").get(), X509_PURPOSE_SSL_CLIENT) == X509_V_OK);
    CHECK((X509_get_extended_key_usage(client.get()) & XKU_SSL_CLIENT) != 0);
    CHECK((X509_get_extended_key_usage(client.get()) & XKU_SSL_SERVER) == 0);
    CHECK(X509_check_ca(client.get()) == 0);
    CHECK(X509_check_private_key(client.get(), read_key(kdir / "client.key").get()) == 1);

    CHECK(name_field(client.get(), NID_commonName) == "kiosk-001");
    CHECK(name_field(client.get(), NID_organizationName) == "360123101");
    CHECK(name_field(client.get(), NID_organizationalUnitName) == "yimen-kiosk");
    const auto subject = pki::subject_of(client.get());
    CHECK(subject.common_name == "kiosk-001");
    CHECK(subject.organization == "360123101");

    CHECK(issued->fingerprint == der_sha256(client.get()));
    CHECK(issued->fingerprint.size() == 64);
    CHECK(pki::fingerprint_sha256(client.get()) == issued->fingerprint);
    CHECK(*pki::fingerprint_of_pem_file((kdir / "client.crt").string()) == issued->fingerprint);
    CHECK(issued->serial_hex == pki::serial_hex(client.get()));

    // The kiosk gets the same bundle-signing public key the county signs with.
    std::ifstream a(tmp.path / "bundle-signing.pub"), b(kdir / "bundle-signing.pub");
    std::stringstream sa, sb;
    sa << a.rdbuf();
    sb << b.rdbuf();
    CHECK(sa.str() == sb.str());

    auto second = pki::issue_kiosk(tmp.str(), "kiosk-002", "360123101");
    REQUIRE(second.ok());
    CHECK(second->serial_hex != issued->serial_hex);
    CHECK(second->fingerprint != issued->fingerprint);

    auto again = pki::issue_kiosk(tmp.str(), "kiosk-001", "360123101");
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == "kiosk_exists");
    CHECK(*pki::fingerprint_of_pem_file((kdir / "client.crt").string()) == issued->fingerprint);
}

TEST_CASE("pki issue_kiosk refuses bad kiosk ids and a missing PKI", "[pki]") {
    TempDir tmp;
    REQUIRE(pki::init(tmp.str(), options()).ok());
    for (const std::string& bad : {std::string(""), std::string("a/b"), std::string("../x"), std::string("kiosk 1"),
                                  std::string(65, 'k'), std::string("一体机"), std::string("k\n1")}) {
        auto r = pki::issue_kiosk(tmp.str(), bad, "360123101");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == "bad_kiosk_id");
    }
    CHECK(pki::issue_kiosk(tmp.str(), std::string(64, 'k'), "360123101").ok());
    CHECK(pki::issue_kiosk(tmp.str(), "K_1.a-b", "360123101").ok());
    CHECK_FALSE(pki::issue_kiosk(tmp.str(), "kiosk-9", "36012310A").ok());  // a township code is 9 digits
    auto bad_town = pki::issue_kiosk(tmp.str(), "kiosk-9", "36/0");
    REQUIRE_FALSE(bad_town.ok());
    CHECK(bad_town.error().code == "bad_township");

    TempDir empty;
    auto missing = pki::issue_kiosk(empty.str(), "kiosk-1", "360123101");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == "pki_missing");
}

TEST_CASE("pki a certificate from another county CA does not verify", "[pki]") {
    TempDir first, second;
    REQUIRE(pki::init(first.str(), options()).ok());
    REQUIRE(pki::init(second.str(), options()).ok());
    REQUIRE(pki::issue_kiosk(second.str(), "kiosk-001", "360123101").ok());
    Cert ca1 = read_cert(first.path / "ca.crt");
    Cert rogue = read_cert(second.path / "kiosks" / "kiosk-001" / "client.crt");
    CHECK(verify(rogue.get(), ca1.get(), X509_PURPOSE_SSL_CLIENT) != X509_V_OK);
    Cert rogue_server = read_cert(second.path / "server.crt");
    CHECK(verify(rogue_server.get(), ca1.get(), X509_PURPOSE_SSL_SERVER) != X509_V_OK);
}

TEST_CASE("pki write_crl lists the revoked serials and verifiers honour it", "[pki]") {
    TempDir tmp;
    REQUIRE(pki::init(tmp.str(), options()).ok());
    auto k1 = pki::issue_kiosk(tmp.str(), "kiosk-001", "360123101");
    auto k2 = pki::issue_kiosk(tmp.str(), "kiosk-002", "360123101");
    REQUIRE(k1.ok());
    REQUIRE(k2.ok());
    Cert ca = read_cert(tmp.path / "ca.crt");
    PKey ca_pub(X509_get_pubkey(ca.get()));
    const auto crl_number = [](X509_CRL* crl) {
        auto* n = static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl, NID_crl_number, nullptr, nullptr));
        REQUIRE(n != nullptr);
        long v = ASN1_INTEGER_get(n);
        ASN1_INTEGER_free(n);
        return v;
    };
    const long first_number = crl_number(read_crl(tmp.path / "crl.pem").get());

    // Upper case in, to show the hex is parsed as a number.
    std::string upper = k1->serial_hex;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    REQUIRE(pki::write_crl(tmp.str(), {upper}).ok());
    CHECK(mode_of(tmp.path / "crl.pem") == 0644);

    Crl crl = read_crl(tmp.path / "crl.pem");
    CHECK(X509_CRL_verify(crl.get(), ca_pub.get()) == 1);
    CHECK(X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(ca.get())) == 0);
    CHECK(crl_number(crl.get()) == first_number + 1);
    STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.get());
    REQUIRE(sk_X509_REVOKED_num(revoked) == 1);
    Cert c1 = read_cert(tmp.path / "kiosks" / "kiosk-001" / "client.crt");
    Cert c2 = read_cert(tmp.path / "kiosks" / "kiosk-002" / "client.crt");
    CHECK(ASN1_INTEGER_cmp(X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, 0)),
                           X509_get0_serialNumber(c1.get())) == 0);
    X509_REVOKED* entry = nullptr;
    CHECK(X509_CRL_get0_by_cert(crl.get(), &entry, c1.get()) == 1);
    CHECK(X509_CRL_get0_by_cert(crl.get(), &entry, c2.get()) == 0);

    CHECK(verify(c1.get(), ca.get(), X509_PURPOSE_SSL_CLIENT, crl.get()) == X509_V_ERR_CERT_REVOKED);
    CHECK(verify(c2.get(), ca.get(), X509_PURPOSE_SSL_CLIENT, crl.get()) == X509_V_OK);

    // Revoking a second one keeps the first and moves the CRL number on.
    REQUIRE(pki::write_crl(tmp.str(), {k1->serial_hex, k2->serial_hex}).ok());
    Crl crl2 = read_crl(tmp.path / "crl.pem");
    CHECK(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl2.get())) == 2);
    CHECK(crl_number(crl2.get()) == first_number + 2);
    CHECK(verify(c2.get(), ca.get(), X509_PURPOSE_SSL_CLIENT, crl2.get()) == X509_V_ERR_CERT_REVOKED);

    auto bad = pki::write_crl(tmp.str(), {"not-hex"});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == "bad_serial");
}

TEST_CASE("pki files complete a mutual TLS handshake and refuse a foreign kiosk", "[pki]") {
    TempDir county, other;
    REQUIRE(pki::init(county.str(), options()).ok());
    REQUIRE(pki::issue_kiosk(county.str(), "kiosk-007", "360123101").ok());
    REQUIRE(pki::init(other.str(), options()).ok());
    REQUIRE(pki::issue_kiosk(other.str(), "kiosk-007", "360123101").ok());

    const auto ok = handshake(county.path, county.path / "kiosks" / "kiosk-007", "localhost");
    CHECK(ok.server_ok);
    CHECK(ok.client_ok);
    CHECK(ok.server_saw_cn == "kiosk-007");

    // A kiosk certificate from another CA: the server must refuse it.
    const auto foreign = handshake(county.path, other.path / "kiosks" / "kiosk-007", "localhost");
    CHECK_FALSE(foreign.server_ok);
    CHECK_FALSE(foreign.client_ok);

    // The kiosk must refuse a server whose name is not in the certificate.
    const auto wrong_name = handshake(county.path, county.path / "kiosks" / "kiosk-007", "evil.example.cn");
    CHECK_FALSE(wrong_name.client_ok);
}
