// chain_signature.hpp — a kiosk's signature over its chain head (issue 11, sync/PROTOCOL.md §5.7): evidence that the
// kiosk holding the certificate's private key sent this chain, which the county can keep and re-check offline long
// after the TLS session that carried it is gone.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "base/openssl_ptr.hpp"
#include "base/result.hpp"

namespace yimen::sync::chain_signature {

inline constexpr const char* kAlgorithm = "ecdsa-p256-sha256";

// The exact bytes signed: "yimen-chain-head-v1\n" + kiosk_id + "\n" + decimal seq + "\n" + hash (64 lower hex), with
// no trailing newline. The version line keeps a signature over a chain head from ever reading as anything else.
std::string make_statement(const std::string& kiosk_id, std::int64_t seq, const std::string& hash);

// A P-256 private key from a PEM file (the kiosk's TLS client key). Code: "bad_key" (unreadable, or not P-256).
Result<ossl::PKey> load_private_key(const std::string& pem_path);
// The public key of a PEM certificate. Code: "bad_certificate" (not a PEM certificate, or its key is not P-256).
Result<ossl::PKey> public_key_of_certificate(const std::string& cert_pem);

// ECDSA with SHA-256 over the statement; the DER signature as standard base64 (with padding).
Result<std::string> sign(EVP_PKEY* private_key, std::string_view statement);
// Code: "bad_signature" (not canonical base64, not DER, or made with another key or over other bytes).
Status verify(EVP_PKEY* public_key, std::string_view statement, const std::string& value_base64);
// The same against the key of a PEM certificate (the one the kiosk presented, or the one stored with the signature).
Status verify_with_certificate(const std::string& cert_pem, std::string_view statement, const std::string& value_base64);

}  // namespace yimen::sync::chain_signature
