// pki.hpp — the county's small certificate authority: the CA, the server's TLS certificate, one client certificate per
// kiosk (mutual TLS, DESIGN.md "Sync protocol"), the CRL for outside tools, and the Ed25519 key that signs policy
// bundles, and the X25519 key pairs that kiosks seal personal fields to (base/seal.hpp). Everything is files, so an
// operator can inspect it with the openssl CLI:
//
//   <dir>/ca.crt ca.key server.crt server.key bundle-signing.key bundle-signing.pub crl.pem sealing.pub
//   <dir>/kiosks/<kiosk id>/client.crt client.key ca.crt bundle-signing.pub sealing.pub   (what goes onto that kiosk)
//   <sealing key dir>/sealing-<key id>.key   (every sealing private key ever made; default <dir>/sealing-keys, 0700)
//
// sealing.pub is the current sealing public key; the key directory keeps the retired private keys too, so values
// sealed before a rotation still open. It may lie outside <dir> (another disk, later an HSM-like store).
//
// Private keys are created 0600 from the first byte on; a key never exists on disk with wider permissions.
#pragma once
#include <string>
#include <vector>

#include <openssl/x509.h>

#include "base/result.hpp"

namespace yimen::county::pki {

struct InitOptions {
    std::vector<std::string> hosts;  // extra names for the server certificate: IPv4/IPv6 literals or DNS names
    int ca_days = 3650;
    int cert_days = 825;
    std::string sealing_key_dir;     // empty: default_sealing_key_dir(dir)
};

// <dir>/sealing-keys
std::string default_sealing_key_dir(const std::string& dir);

// Creates the PKI in dir (made 0700 when missing), with the first sealing key pair: the public key in
// dir/sealing.pub, the private key in the sealing key directory (made 0700 when missing). Codes: "pki_exists" (ca.key already there), "bad_host",
// "io_error", "crypto_error". crl.pem starts as a CA-signed CRL with no entries (tools refuse an empty file).
Status init(const std::string& dir, const InitOptions& opt);

struct IssuedKiosk {
    std::string kiosk_id;
    std::string township;
    std::string fingerprint;  // lower-hex SHA-256 of the DER certificate
    std::string serial_hex;   // lower hex, no leading zeros
    std::string dir;          // <dir>/kiosks/<kiosk_id>
};

// Writes dir/kiosks/<kiosk_id>/{client.crt, client.key (0600), ca.crt, bundle-signing.pub, sealing.pub} all at once
// (the folder appears complete or not at all). A PKI made before sealing existed has no sealing.pub: "pki_missing"
// until rotate_sealing_key made the first pair. Codes: "bad_kiosk_id" (not [A-Za-z0-9._-]{1,64}), "bad_township" (same alphabet),
// "kiosk_exists" (already issued: revoke and pick a new id, or delete the folder deliberately), "pki_missing",
// "io_error", "crypto_error".
Result<IssuedKiosk> issue_kiosk(const std::string& dir, const std::string& kiosk_id, const std::string& township,
                                int cert_days = 825);

struct SealingKeyInfo {
    std::string key_id;            // 16 lower-hex digits
    std::string private_key_path;  // <sealing key dir>/sealing-<key id>.key (0600)
    std::size_t ring_size = 0;     // private keys in the directory afterwards, this one included
};
// A new sealing key pair: the private key is added to sealing_key_dir (empty: the default), the older ones stay, and
// dir/sealing.pub is replaced by the new public key. Kiosks issued afterwards seal to it; those already installed keep
// the old one until they receive the new one. Codes: "pki_missing" (no ca.crt in dir), "io_error", "crypto_error",
// and those of seal::load_key_ring when a key in the directory cannot be read.
Result<SealingKeyInfo> rotate_sealing_key(const std::string& dir, const std::string& sealing_key_dir = {});

// Rewrites dir/crl.pem, signed by the CA, listing these serials (hex, any case) as revoked. The CRL number goes up
// by one each time. Codes: "bad_serial", "pki_missing", "io_error", "crypto_error".
Status write_crl(const std::string& dir, const std::vector<std::string>& revoked_serials_hex);

std::string fingerprint_sha256(X509* cert);  // lower hex of SHA-256(DER); "" for nullptr
Result<std::string> fingerprint_of_pem_file(const std::string& path);  // codes: "io_error", "bad_certificate"
std::string serial_hex(X509* cert);          // lower hex, as in IssuedKiosk::serial_hex; "" for nullptr

// For the server's pre-routing check; empty fields when absent.
struct Subject {
    std::string common_name;
    std::string organization;
};
Subject subject_of(X509* cert);

}  // namespace yimen::county::pki
