// demo_data.hpp — a realistic county year for demonstrations (`county-server demo-data`): townships of 宝清县 and its
// farms, kiosks with real certificates, staff, and thousands of cases, written through the same Ingestor (sealed kiosk
// event chains, pushed in batches) and Casework (staff stages, checked by policy/workflow) as real data. Deterministic
// for a seed: the same seed, months, scale and day give the same receipts and counts.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "county/store.hpp"
#include "policy/policy_data.hpp"

namespace yimen::county {

// full: the county's real volume (thousands of cases a year); small: a quarter of it (quick demos);
// tiny: a few dozen cases a month (tests).
enum class DemoScale { full, small, tiny };
Result<DemoScale> parse_demo_scale(const std::string& text);  // "full" | "small" | "tiny"; code "bad_scale"

struct DemoOptions {
    std::uint64_t seed = 0;
    int months = 12;                  // 1–24: the months ending today
    DemoScale scale = DemoScale::full;
};

struct DemoSummary {
    std::map<std::string, std::int64_t> counts;  // what was written, by kind (events by type, stages, users, kiosks …)
    std::vector<std::string> receipts;           // every case's receipt number, in the order the cases began
    std::string first_day, last_day;             // the period covered (YYYY-MM-DD)
    int townships = 0;
};

// The ids the demo data never uses: the live demo's kiosk and staff member (scripts/demo.sh).
inline constexpr const char* kLiveDemoKiosk = "230523104-01";
inline constexpr const char* kLiveDemoStaff = "104001";

// True when the store already holds demo data (its users or kiosks).
bool has_demo_data(Store& store);

// Fills `store` (a county directory `dir` with its PKI, right after `pki init`) with the months ending clock.today().
// Codes: "demo_exists" (already filled), "bad_months", "pki_missing"/"kiosk_exists" (from the PKI), "demo_rejected"
// (an event or stage was refused: a bug in the generator), store errors.
Result<DemoSummary> generate_demo_data(const std::string& dir, Store& store, const PolicyData& policy,
                                       const Clock& clock, const DemoOptions& options);

}  // namespace yimen::county
