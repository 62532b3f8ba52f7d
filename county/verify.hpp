// verify.hpp — `county-server verify`: re-checks one kiosk's stored chain and every chain-head signature stored with
// it, offline, from the county directory alone (issue 11). The TLS session that carried the events is long gone; what
// is checked here is the evidence that outlives it: each event's bytes against its hash, each link to the one before,
// and each signature against the kiosk certificate stored with it, which must be one the county CA issued to that
// kiosk.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "county/store.hpp"

namespace yimen::county {

struct BadSignature {
    std::int64_t seq = 0;
    std::string why;             // plain Chinese
};

struct ChainVerifyReport {
    std::string kiosk_id;
    std::int64_t events_checked = 0;
    std::int64_t last_seq = 0;               // 0 when the county holds no events of the kiosk
    bool chain_ok = true;
    std::int64_t broken_at = 0;              // the first seq that does not check out (chain_ok false)
    std::string broken_why;
    std::int64_t signatures_checked = 0;
    std::vector<BadSignature> bad_signatures;
    std::int64_t signed_through = 0;         // highest seq with a good signature (it covers every seq up to it)
    // Events after signed_through: pushed unsigned (kiosks before signatures) or not yet signed. 0–0 when none.
    std::int64_t unsigned_from = 0, unsigned_to = 0;
    bool ca_checked = false;                 // the signers' certificates were checked against D/ca.crt
    bool ok() const { return chain_ok && bad_signatures.empty(); }
};

// ca_pem: the county CA certificate (D/ca.crt), "" to skip the issuer check. Errors: "unknown_kiosk" (neither
// registered nor holding events), store errors.
Result<ChainVerifyReport> verify_kiosk_chain(Store& store, const std::string& kiosk_id, const std::string& ca_pem);
// The plain report `county-server verify` prints.
std::string format_verify_report(const ChainVerifyReport& r);

// `county-server verify --dir D --kiosk ID`, opening D/county.db read-only (or, with `store_url` from county.toml's
// [store], that store): 0 when the chain and every signature check out (unsigned events are reported, not a
// failure), 1 on a broken link, a modified event or a bad signature, 2 when there is nothing to check (no store,
// unknown kiosk).
int run_verify(const std::string& dir, const std::string& kiosk_id, std::string& out, std::string& err,
               const std::string& store_url = "");

}  // namespace yimen::county
