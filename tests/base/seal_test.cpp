// seal_test.cpp — sealing to the county (base/seal.hpp): a fixture computed independently pins the format, and every
// changed byte, a wrong key ring and a retired key are tried.
#include "base/seal.hpp"
#include "support/temp_dir.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "base/openssl_ptr.hpp"
#include "base/secrets.hpp"

using namespace yimen;
namespace fs = std::filesystem;

namespace {

struct TempDir : yimen::test::TempDir {
    TempDir() : yimen::test::TempDir("yimen-seal") {}
};

seal::RawKey bytes_from(unsigned char first) {
    seal::RawKey k{};
    for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<unsigned char>(first + i);
    return k;
}

std::string to_hex(const seal::RawKey& k) {
    static const char* d = "0123456789abcdef";
    std::string out;
    for (auto c : k) {
        out.push_back(d[c >> 4]);
        out.push_back(d[c & 15]);
    }
    return out;
}

seal::SealingKeyPair fresh() {
    auto k = seal::generate_key_pair();
    REQUIRE(k.ok());
    return *k;
}

seal::KeyRing ring_of(std::initializer_list<const seal::SealingKeyPair*> keys) {
    seal::KeyRing ring;
    for (auto* k : keys) ring.add(*k);
    return ring;
}

// Computed with python3-cryptography, independently of this code (X25519, HKDF-SHA256, AESGCM), from:
// recipient private key = bytes 0x01..0x20, ephemeral private key = bytes 0x41..0x60, nonce = bytes 0xa0..0xab,
// header = 01 ‖ SHA-256(recipient pub)[0..8] ‖ ephemeral pub ‖ nonce, HKDF salt = ephemeral pub ‖ recipient pub,
// info = "yimen-seal" ‖ header[0..9], AAD = header.
const char* kFixturePlain = "{\"name\":\"张三\",\"phone\":\"13800000000\"}";
const char* kFixturePub = "07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c";
const char* kFixtureKeyId = "aaa8fff703b50b22";
const char* kFixtureEnvelope =
    "Aaqo//cDtQsiZLEBsdC+WocEvQePmJUAH8A+jp+VIvGI3RKNmEbUhGagoaKjpKWmp6ipqqsyg1q0AaxZrBnVyy5S0O94zK9fh8mqV4S/LNOjH8Z/"
    "pg9lOLmSppK2COrWfkNDyMWGKwjAgYEb";

}  // namespace

TEST_CASE("sealed values open with the county's key and never repeat", "[seal]") {
    auto county = fresh();
    const auto ring = ring_of({&county});
    std::string kb(1024, 'x');
    for (const std::string& plain : {std::string(), std::string("a"), std::string("张三 230523199001011234"), kb,
                                     std::string("nul\0inside", 10)}) {
        auto env = seal::seal(plain, county.pub);
        REQUIRE(env.ok());
        auto bin = secrets::base64_decode(*env);
        REQUIRE(bin.ok());
        if (plain.size() >= 8) CHECK(bin->find(plain) == std::string::npos);
        CHECK(bin->size() == seal::kHeaderBytes + plain.size() + seal::kTagBytes);
        CHECK(*seal::envelope_key_id(*env) == county.pub.id);
        auto opened = seal::open_sealed(*env, ring);
        REQUIRE(opened.ok());
        CHECK(*opened == plain);
        // A fresh ephemeral key and nonce each time: the same value never seals to the same text.
        CHECK(*seal::seal(plain, county.pub) != *env);
    }
    CHECK(county.pub.id.size() == 16);
    CHECK(county.pub.id == seal::key_id_of(county.pub.raw));
}

TEST_CASE("the envelope format matches an independently computed fixture", "[seal]") {
    auto recipient = seal::key_pair_from_raw(bytes_from(0x01));
    REQUIRE(recipient.ok());
    CHECK(to_hex(recipient->pub.raw) == kFixturePub);
    CHECK(recipient->pub.id == kFixtureKeyId);
    seal::Nonce nonce{};
    for (std::size_t i = 0; i < nonce.size(); ++i) nonce[i] = static_cast<unsigned char>(0xa0 + i);
    auto env = seal::testing::seal_with(kFixturePlain, recipient->pub, bytes_from(0x41), nonce);
    REQUIRE(env.ok());
    CHECK(*env == kFixtureEnvelope);
    auto opened = seal::open_sealed(kFixtureEnvelope, ring_of({&*recipient}));
    REQUIRE(opened.ok());
    CHECK(*opened == kFixturePlain);
}

TEST_CASE("one changed byte anywhere in an envelope refuses to open", "[seal]") {
    auto county = fresh();
    const auto ring = ring_of({&county});
    const std::string env = *seal::seal(std::string(100, 'p'), county.pub);
    const std::string bin = *secrets::base64_decode(env);
    for (std::size_t i = 0; i < bin.size(); ++i) {
        for (unsigned char flip : {0x01, 0x80}) {
            std::string bad = bin;
            bad[i] = static_cast<char>(bad[i] ^ flip);
            auto r = seal::open_sealed(secrets::base64_encode(bad), ring);
            INFO("byte " << i << " xor " << int(flip));
            REQUIRE_FALSE(r.ok());
            const char* want = i == 0 ? "bad_envelope" : i < 1 + seal::kKeyIdBytes ? "unknown_key" : "open_failed";
            CHECK(r.error().code == want);
        }
    }
    // The text itself: every character replaced by another base64 character (also the last one's unused bits).
    for (std::size_t i = 0; i < env.size(); ++i) {
        if (env[i] == '=') continue;
        std::string bad = env;
        bad[i] = env[i] == 'A' ? 'B' : 'A';
        INFO("character " << i);
        CHECK_FALSE(seal::open_sealed(bad, ring).ok());
    }
    // Cut short, extended, wrapped, or not base64 at all.
    CHECK(seal::open_sealed(env.substr(0, env.size() - 4), ring).error().code == "open_failed");
    CHECK(seal::open_sealed(secrets::base64_encode(bin + "x"), ring).error().code == "open_failed");
    CHECK(seal::open_sealed(secrets::base64_encode(bin.substr(0, seal::kHeaderBytes + 15)), ring).error().code ==
          "bad_envelope");
    CHECK(seal::open_sealed(env + "\n", ring).error().code == "bad_envelope");
    CHECK(seal::open_sealed("", ring).error().code == "bad_envelope");
    CHECK(seal::open_sealed("not base64 !", ring).error().code == "bad_envelope");
    CHECK(seal::open_sealed(env, ring).ok());
}

TEST_CASE("the key id and version are bound: a header naming another key of the ring fails", "[seal]") {
    auto a = fresh(), b = fresh();
    const auto ring = ring_of({&a, &b});
    std::string bin = *secrets::base64_decode(*seal::seal("secret", a.pub));
    auto b_id = *secrets::base64_decode(*seal::seal("", b.pub));
    std::copy(b_id.begin() + 1, b_id.begin() + 1 + seal::kKeyIdBytes, bin.begin() + 1);
    auto r = seal::open_sealed(secrets::base64_encode(bin), ring);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "open_failed");
    CHECK(r.error().category == ErrorCategory::security);
}

TEST_CASE("a ring without the envelope's key answers unknown_key", "[seal]") {
    auto county = fresh(), other = fresh();
    auto env = seal::seal("13800000000", county.pub);
    REQUIRE(env.ok());
    auto r = seal::open_sealed(*env, ring_of({&other}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "unknown_key");
    CHECK(r.error().message.find("13800000000") == std::string::npos);
    CHECK(seal::open_sealed(*env, seal::KeyRing{}).error().code == "unknown_key");
}

TEST_CASE("after a rotation envelopes sealed to the old and the new key both open", "[seal]") {
    auto old_key = fresh();
    auto before = seal::seal("before", old_key.pub);
    auto new_key = fresh();
    auto after = seal::seal("after", new_key.pub);
    REQUIRE((before.ok() && after.ok()));
    const auto ring = ring_of({&old_key, &new_key});
    CHECK(*seal::open_sealed(*before, ring) == "before");
    CHECK(*seal::open_sealed(*after, ring) == "after");
    CHECK(seal::open_sealed(*before, ring_of({&new_key})).error().code == "unknown_key");
}

TEST_CASE("sealing keys go through PEM files and a key directory", "[seal]") {
    TempDir tmp;
    auto k1 = fresh(), k2 = fresh();
    for (auto* k : {&k1, &k2}) {
        std::ofstream(tmp.path / seal::private_key_file_name(k->pub)) << *seal::private_key_pem(*k);
    }
    std::ofstream(tmp.path / "sealing.pub") << *seal::public_key_pem(k2.pub);
    std::ofstream(tmp.path / "notes.txt") << "not a key";

    auto pub = seal::load_public_key((tmp.path / "sealing.pub").string());
    REQUIRE(pub.ok());
    CHECK(pub->id == k2.pub.id);
    CHECK(pub->raw == k2.pub.raw);
    CHECK(seal::private_key_pem(k1)->rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
    CHECK(seal::public_key_pem(k1.pub)->rfind("-----BEGIN PUBLIC KEY-----", 0) == 0);
    auto ring = seal::load_key_ring(tmp.path.string());
    REQUIRE(ring.ok());
    CHECK(ring->size() == 2);
    CHECK(*seal::open_sealed(*seal::seal("x", *pub), *ring) == "x");
    CHECK(*seal::open_sealed(*seal::seal("y", k1.pub), *ring) == "y");

    // Another kind of key is refused, and so is a directory without keys.
    ossl::PKey ed(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    ossl::Bio bio(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio_PUBKEY(bio.get(), ed.get()) == 1);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    CHECK(seal::public_key_from_pem(std::string(data, static_cast<std::size_t>(n))).error().code == "bad_key");
    CHECK(seal::key_pair_from_pem("garbage").error().code == "bad_key");
    CHECK(seal::load_public_key((tmp.path / "missing.pub").string()).error().code == "key_missing");
    CHECK(seal::load_key_ring((tmp.path / "nowhere").string()).error().code == "key_missing");
}
