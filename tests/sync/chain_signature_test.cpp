// chain_signature_test.cpp — the kiosk's chain-head signature primitive (sync/chain_signature.*): the exact signed
// bytes, a round trip, and every way a signature must fail (another key, other bytes, a re-spelled value, a key that
// is not P-256); and the push request's optional "signature" member, parsed strictly.
#include <catch2/catch.hpp>

#include <fstream>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "base/secrets.hpp"
#include "support/temp_dir.hpp"
#include "sync/chain_signature.hpp"
#include "sync/protocol.hpp"

using namespace yimen;
namespace sig = yimen::sync::chain_signature;
namespace proto = yimen::sync::protocol;
using nlohmann::json;

namespace {

const std::string kHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

ossl::PKey new_key(const char* curve) { return ossl::PKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve)); }

std::string write_private_pem(const test::TempDir& dir, const char* name, EVP_PKEY* key) {
    const std::string path = dir.file(name);
    FILE* f = std::fopen(path.c_str(), "w");
    REQUIRE(f != nullptr);
    REQUIRE(PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1);
    std::fclose(f);
    return path;
}

// A self-signed certificate for the key: only its public key matters to the primitive.
std::string certificate_pem(EVP_PKEY* key) {
    ossl::Ptr<X509, X509_free> cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("230523104-01"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
    X509_set_pubkey(cert.get(), key);
    REQUIRE(X509_sign(cert.get(), key, EVP_sha256()) > 0);
    ossl::Bio bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), cert.get());
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace

TEST_CASE("chain signature: the statement is the exact documented text", "[sync][signature]") {
    CHECK(sig::make_statement("230523104-01", 42, kHash) ==
          "yimen-chain-head-v1\n230523104-01\n42\n" + kHash);  // no trailing newline
    CHECK(std::string(sig::kAlgorithm) == "ecdsa-p256-sha256");
}

TEST_CASE("chain signature: signed with the key file, checked against the certificate", "[sync][signature]") {
    test::TempDir dir;
    auto mine = new_key("P-256");
    auto other = new_key("P-256");
    auto loaded = sig::load_private_key(write_private_pem(dir, "client.key", mine.get()));
    REQUIRE(loaded.ok());
    const std::string statement = sig::make_statement("230523104-01", 7, kHash);
    auto value = sig::sign(loaded->get(), statement);
    REQUIRE(value.ok());
    const std::string my_cert = certificate_pem(mine.get());
    CHECK(sig::verify_with_certificate(my_cert, statement, *value).ok());
    CHECK(sig::verify(mine.get(), statement, *value).ok());

    // Another kiosk's key, another seq or hash or kiosk, a re-spelled or damaged value: all bad_signature.
    CHECK(sig::verify_with_certificate(certificate_pem(other.get()), statement, *value).error().code == "bad_signature");
    CHECK_FALSE(sig::verify_with_certificate(my_cert, sig::make_statement("230523104-01", 8, kHash), *value).ok());
    CHECK_FALSE(sig::verify_with_certificate(my_cert, sig::make_statement("230523104-02", 7, kHash), *value).ok());
    std::string other_hash = kHash;
    other_hash[0] = 'a';
    CHECK_FALSE(sig::verify_with_certificate(my_cert, sig::make_statement("230523104-01", 7, other_hash), *value).ok());
    CHECK_FALSE(sig::verify(mine.get(), statement, " " + *value).ok());
    CHECK_FALSE(sig::verify(mine.get(), statement, "").ok());
    auto der = secrets::base64_decode(*value);
    REQUIRE(der.ok());
    std::string flipped = *der;
    flipped[flipped.size() - 1] = static_cast<char>(flipped.back() ^ 1);
    CHECK_FALSE(sig::verify(mine.get(), statement, secrets::base64_encode(flipped)).ok());
    CHECK(sig::verify_with_certificate("not a certificate", statement, *value).error().code == "bad_certificate");
}

TEST_CASE("chain signature: only a readable P-256 key signs", "[sync][signature]") {
    test::TempDir dir;
    CHECK(sig::load_private_key(dir.file("missing.key")).error().code == "bad_key");
    auto p384 = new_key("P-384");
    CHECK(sig::load_private_key(write_private_pem(dir, "p384.key", p384.get())).error().code == "bad_key");
    CHECK(sig::public_key_of_certificate(certificate_pem(p384.get())).error().code == "bad_certificate");
    std::ofstream(dir.file("garbage.key")) << "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n";
    CHECK(sig::load_private_key(dir.file("garbage.key")).error().code == "bad_key");
}

TEST_CASE("push request: the optional signature member round-trips and is parsed strictly", "[sync][protocol][signature]") {
    const json event = {{"kiosk_id", "230523104-01"}, {"seq", 1}, {"hash", kHash}};
    json push = {{"kiosk_id", "230523104-01"}, {"boot_id", "b"}, {"uptime_ms", 1}, {"sent_at", "2026-06-15T02:00:00.000Z"},
                 {"events", json::array({event})}};
    auto unsigned_push = proto::push_request_from_json(push);
    REQUIRE(unsigned_push.ok());
    CHECK_FALSE(unsigned_push->signature.has_value());
    CHECK_FALSE(proto::to_json(*unsigned_push).contains("signature"));

    push["signature"] = {{"alg", "ecdsa-p256-sha256"}, {"seq", 1}, {"hash", kHash}, {"value", "AAAA"}};
    auto signed_push = proto::push_request_from_json(push);
    REQUIRE(signed_push.ok());
    REQUIRE(signed_push->signature.has_value());
    CHECK(signed_push->signature->seq == 1);
    CHECK(signed_push->signature->hash == kHash);
    CHECK(signed_push->signature->value == "AAAA");
    CHECK(proto::to_json(*signed_push)["signature"] == push["signature"]);

    auto refused = [&](const char* member, const json& v) {
        json p = push;
        p["signature"][member] = v;
        auto r = proto::push_request_from_json(p);
        return !r.ok() && r.error().code == "bad_request";
    };
    CHECK(refused("seq", "1"));
    CHECK(refused("seq", 0));
    CHECK(refused("seq", 1.5));
    CHECK(refused("hash", kHash.substr(1)));
    CHECK(refused("hash", "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"));  // upper case
    CHECK(refused("value", 12));
    CHECK(refused("value", ""));
    CHECK(refused("alg", nullptr));
    json not_object = push;
    not_object["signature"] = "sig";
    CHECK(proto::push_request_from_json(not_object).error().code == "bad_request");
    json no_events = push;
    no_events["events"] = json::array();
    CHECK(proto::push_request_from_json(no_events).error().code == "bad_request");  // nothing to sign
}

TEST_CASE("chain signature: the worked example of sync/PROTOCOL.md §5.7 verifies", "[sync][signature]") {
    const std::string public_pem =
        "-----BEGIN PUBLIC KEY-----\n"
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEynjR77bPnoEhBGnmH8x3LrUSmgu2\n"
        "hZGL+kTqn0IL5bml2xSKTTpXdQcWqWERMMrKSVIVLwPRpgnC2TAEBue5RA==\n"
        "-----END PUBLIC KEY-----\n";
    ossl::Bio bio(BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size())));
    ossl::PKey key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    REQUIRE(key);
    const std::string statement =
        sig::make_statement("230523104-01", 2, "942039b10f765f0e8361ab4605937ec942d10374f39eb208a0d8af3e53057984");
    CHECK(statement.size() == 99);
    const std::string value = "MEQCIGl/1mV2eGxCCeP9MBkwGcPXUv1FNdoy51L+2wAvUXP3AiBPSqLrMAelhVkdsOPpZfjLiOnuSRX4gXADHhbdJcY7Zg==";
    CHECK(sig::verify(key.get(), statement, value).ok());
    CHECK_FALSE(sig::verify(key.get(), statement + "\n", value).ok());  // a trailing newline is other bytes
}
