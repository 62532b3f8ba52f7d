// ingest.hpp — receiving kiosk events: chain verification over envelopes, idempotency by (kiosk, seq), clock-offset
// correction, payload validation, and projection into the county's tables — all in one transaction per push.
#pragma once
#include <atomic>
#include <optional>
#include <string>
#include <nlohmann/json.hpp>

#include "base/seal.hpp"
#include "county/store.hpp"
#include "policy/calendar.hpp"
#include "policy/programmes.hpp"
#include "policy/records.hpp"
#include "sync/protocol.hpp"

namespace yimen::county {

struct IngestConfig {
    std::int64_t clock_skew_limit_ms = 120'000;
    // Events whose corrected time lies before this instant or more than future_tolerance_ms after their receipt are
    // quarantined (stored, not projected). Default: 2020-01-01 00:00 in the county (+08:00).
    UtcMillis earliest_event_ms = 1'577'808'000'000;
    std::int64_t future_tolerance_ms = 24LL * 3600 * 1000;
    // A counted rating at this level or below (rating.json low_grade_max) opens a 差评 follow-up (county/stats.hpp).
    int follow_up_max_level = 2;
    // The county's private sealing keys, current and retired (D/sealing-keys): schema-2 events open with them.
    seal::KeyRing sealing_keys;
};

// The county's secret for applicant_key, made once per store (county_secrets) and never sent to a kiosk.
Result<std::string> applicant_key_secret(Store& store);
// HMAC-SHA256(secret, normalised ID number), lower hex: one resident's applications linked without the ID.
std::string applicant_key_of(const std::string& secret, const std::string& id_number);

// Builds the status record a kiosk may show for a case: no names or ID numbers (DESIGN.md, Personal data).
nlohmann::json status_record(Store& store, const Rules& rules, const WorkCalendar& cal, const std::string& receipt,
                             CivilDate today);
// Appends the case's current status record to the pull feed of its township.
Status publish_status(Store& store, const Rules& rules, const WorkCalendar& cal, const std::string& receipt,
                      CivilDate today);

// A push's chain-head signature that the server has checked against the kiosk's TLS client certificate; stored with
// the push's events when the event it names is stored (county-server verify re-checks it offline).
struct VerifiedHeadSignature {
    sync::protocol::ChainHeadSignature signature;
    std::string signer_certificate_pem;
};

class Ingestor {
public:
    Ingestor(Store& store, const Rules& rules, const WorkCalendar& cal, IngestConfig cfg = {})
        : store_(store), rules_(rules), cal_(cal), cfg_(cfg) {}

    // `kiosk` is the one the verified client certificate maps to. Errors: wrong_kiosk (the batch names another
    // kiosk; nothing is stored), bad_request, db errors (nothing is acknowledged).
    // fleet: the push's optional fleet facts (kept per kiosk for the fleet figures). head: its verified signature.
    Result<sync::protocol::PushResponse> push(const KioskRecord& kiosk, const sync::protocol::PushRequest& req,
                                              UtcMillis received_ms, const sync::protocol::PushFleetFacts& fleet = {},
                                              const std::optional<VerifiedHeadSignature>& head = std::nullopt);
    // Committed events so far (the fault-injection hook of the server counts these).
    std::int64_t committed_events() const { return committed_.load(); }

private:
    // time_trusted: the event's boot has a known clock offset (its corrected time may rank it against others).
    Status project(const KioskRecord& kiosk, const records::Envelope& e, UtcMillis corrected_ms, bool time_trusted,
                   std::string& reject_code, std::string& reject_message, std::vector<std::string>& touched_cases);
    // Opens a schema-2 payload and puts in the county's applicant_key. Codes: those of sync::open_payload,
    // "no_secret" (the store lacks county_secrets: the push fails as a whole, nothing is stored).
    // `opened`: the payload already opened (push() opens seals before the transaction), else opened here.
    Result<nlohmann::json> readable_payload(const records::Envelope& e, std::optional<Result<nlohmann::json>> opened);
    // The staff member a kiosk record names must exist, be active, and work in the kiosk's township.
    bool is_township_staff(const std::string& user_id, const std::string& township);
    Status link_complaint_to_cases(const nlohmann::json& payload, std::vector<std::string>& touched_cases);
    // The supervision projections (issue 9): sub-indicator scores and a follow-up for a bad rating, quiz answers per
    // question, a complaint's lifecycle row.
    Status project_rating(const KioskRecord& kiosk, std::int64_t seq, const records::RatingGiven& r, UtcMillis corrected_ms);
    Status project_quiz(const KioskRecord& kiosk, std::int64_t seq, const nlohmann::json& payload, UtcMillis corrected_ms);
    Status project_complaint(const KioskRecord& kiosk, const nlohmann::json& payload, UtcMillis corrected_ms);
    Status record_fleet(const KioskRecord& kiosk, const sync::protocol::PushRequest& req,
                        const sync::protocol::PushFleetFacts& fleet, std::int64_t offset_ms, UtcMillis received_ms);

    Store& store_;
    const Rules& rules_;
    const WorkCalendar& cal_;
    IngestConfig cfg_;
    std::atomic<std::int64_t> committed_{0};  // read by other request threads (the fault-injection check)
    std::string applicant_secret_;            // read once, inside the first push's transaction
};

}  // namespace yimen::county
