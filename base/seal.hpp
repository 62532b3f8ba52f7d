// seal.hpp — personal fields sealed to the county's public key (issue 11): anyone holding the county's sealing public
// key can seal, only the county's private keys open. Kiosks seal; the county opens at ingest.
//
// Primitive: X25519 + HKDF-SHA256 + AES-256-GCM through OpenSSL 3, not libsodium's sealed boxes. OpenSSL is already
// linked into every module (TLS, the PKI, bundle signing), so this adds no dependency; its key files are the same
// PEM (PKCS#8 / SubjectPublicKeyInfo) as the rest of the county's PKI, inspectable with the openssl CLI; and a
// 国密 option (SM2/SM4) would later come through the same library. A sealed box (crypto_box_seal) would also need a
// wrapper of our own anyway: it has no associated data, so it cannot bind a version and a key id for rotation.
//
// Envelope (binary, then standard base64 with padding, the only accepted spelling, for JSON):
//
//   offset  size  field
//   0       1     version = 0x01
//   1       8     key id: the first 8 bytes of SHA-256(the recipient's raw 32-byte X25519 public key)
//   9       32    the sender's ephemeral X25519 public key (a fresh key pair for every envelope)
//   41      12    nonce (random)
//   53      n     AES-256-GCM ciphertext (n = plaintext length)
//   53+n    16    GCM tag
//
//   shared = X25519(ephemeral private, recipient public)          (an all-zero result is refused)
//   key    = HKDF-SHA256(ikm = shared, salt = ephemeral pub ‖ recipient pub,
//                        info = "yimen-seal" ‖ version ‖ key id, 32 bytes)
//   AAD    = the 53 header bytes (version ‖ key id ‖ ephemeral pub ‖ nonce)
//
// so a changed version, key id, ephemeral key or nonce fails to open (the tag does not verify). The key id is printed
// as 16 lower-hex digits. Rotation: the county keeps every private key it ever made; open_sealed picks by key id.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace yimen::seal {

inline constexpr std::uint8_t kVersion = 1;
inline constexpr std::size_t kKeyIdBytes = 8;
inline constexpr std::size_t kKeyBytes = 32;
inline constexpr std::size_t kNonceBytes = 12;
inline constexpr std::size_t kTagBytes = 16;
inline constexpr std::size_t kHeaderBytes = 1 + kKeyIdBytes + kKeyBytes + kNonceBytes;  // 53

using RawKey = std::array<unsigned char, kKeyBytes>;
using Nonce = std::array<unsigned char, kNonceBytes>;

struct SealingPublicKey {
    RawKey raw{};
    std::string id;  // 16 lower-hex digits (key_id_of(raw))
};

// A private key with its public half. The private bytes are wiped when the object goes.
struct SealingKeyPair {
    SealingPublicKey pub;
    RawKey priv{};
    SealingKeyPair() = default;
    SealingKeyPair(const SealingKeyPair&) = default;
    SealingKeyPair& operator=(const SealingKeyPair&) = default;
    ~SealingKeyPair();
};

// The county's private keys, current and retired, by key id.
class KeyRing {
public:
    void add(const SealingKeyPair& key) { keys_[key.pub.id] = key; }
    const SealingKeyPair* find(const std::string& key_id) const;
    std::size_t size() const { return keys_.size(); }

private:
    std::map<std::string, SealingKeyPair> keys_;
};

std::string key_id_of(const RawKey& public_raw);

// Codes: "crypto_error".
Result<SealingKeyPair> generate_key_pair();
// From the raw 32 private bytes (tests, fixtures). Codes: "crypto_error".
Result<SealingKeyPair> key_pair_from_raw(const RawKey& priv);

// PEM text: "-----BEGIN PRIVATE KEY-----" (PKCS#8) and "-----BEGIN PUBLIC KEY-----" (SubjectPublicKeyInfo), X25519.
Result<std::string> private_key_pem(const SealingKeyPair& key);
Result<std::string> public_key_pem(const SealingPublicKey& key);
// Codes: "bad_key" (not PEM, or not an X25519 key).
Result<SealingKeyPair> key_pair_from_pem(std::string_view pem);
Result<SealingPublicKey> public_key_from_pem(std::string_view pem);
// Files. Codes: "key_missing" (cannot be read), "bad_key".
Result<SealingPublicKey> load_public_key(const std::string& path);
Result<SealingKeyPair> load_key_pair(const std::string& path);
// Every "sealing-*.key" file in dir. Codes: "key_missing" (no such directory, or no key in it), "bad_key".
Result<KeyRing> load_key_ring(const std::string& dir);
// The file name a key pair is kept under in the county's key directory: "sealing-<key id>.key".
std::string private_key_file_name(const SealingPublicKey& key);

// Codes: "crypto_error".
Result<std::string> seal(std::string_view plaintext, const SealingPublicKey& to);
// Codes: "bad_envelope" (not canonical base64, too short, unknown version), "unknown_key" (no private key in the
// ring for the envelope's key id), "open_failed" (the tag does not verify: changed, truncated or forged).
Result<std::string> open_sealed(std::string_view envelope, const KeyRing& private_keys);
// The key id an envelope names, without opening it. Codes: "bad_envelope".
Result<std::string> envelope_key_id(std::string_view envelope);

namespace testing {
// seal() with a given ephemeral private key and nonce, for fixtures that pin the format. Never for real data: a
// repeated ephemeral key and nonce would reuse a GCM key stream.
Result<std::string> seal_with(std::string_view plaintext, const SealingPublicKey& to, const RawKey& ephemeral_priv,
                              const Nonce& nonce);
}  // namespace testing

}  // namespace yimen::seal
