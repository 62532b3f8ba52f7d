// protocol.hpp — the sync wire protocol v1, shared by the kiosk's uploader and the county server (sync/PROTOCOL.md).
// JSON over HTTPS with mutual TLS; push bodies are gzip-compressed by the client.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.hpp"

namespace yimen::sync::protocol {

inline constexpr const char* kPushPath = "/api/v1/sync/push";
inline constexpr const char* kPullPath = "/api/v1/sync/pull";
inline constexpr const char* kStatusPrefix = "/api/v1/status/";

// Limits both ends agree on.
inline constexpr int kMaxEventsPerPush = 500;
inline constexpr std::size_t kMaxPushBytes = 2u << 20;         // compressed body (Content-Length)
inline constexpr std::size_t kMaxInflatedBytes = 16u << 20;    // after gzip inflation
inline constexpr int kMaxChangesPerPull = 500;
inline constexpr int kMaxJsonDepth = 64;                      // nesting of arrays and objects in any body

// Reason codes for per-event rejections in a push answer.
namespace reason {
inline constexpr const char* bad_envelope = "bad_envelope";      // not an envelope (shape, types)
inline constexpr const char* chain_broken = "chain_broken";      // hash does not match the bytes, or prev_hash does not link
inline constexpr const char* not_canonical = "not_canonical";    // holds a float or invalid UTF-8: no canonical form, no hash
inline constexpr const char* implausible_time = "implausible_time";  // corrected time before the earliest date or > 1 day ahead
inline constexpr const char* unknown_staff = "unknown_staff";    // names a staff member who is not active staff of this township
inline constexpr const char* seq_conflict = "seq_conflict";      // this (kiosk, seq) is stored with another hash
inline constexpr const char* gap = "gap";                        // an earlier sequence number is missing
inline constexpr const char* wrong_kiosk = "wrong_kiosk";        // kiosk_id differs from the certificate's
inline constexpr const char* wrong_township = "wrong_township";  // a record for another township
inline constexpr const char* already_rated = "already_rated";    // the case already has an earlier rating
inline constexpr const char* unknown_case = "unknown_case";      // acceptance for a receipt the county does not know
inline constexpr const char* wrong_programme = "wrong_programme";  // acceptance names another programme than the application
inline constexpr const char* duplicate_receipt = "duplicate_receipt";  // the receipt number is already used
// …plus the workflow codes of policy/workflow.hpp for an acceptance the rules refuse (documents_missing, …).
// …plus the payload codes of records::validate_payload (bad_payload, unknown_type, material_not_allowed, …).
}  // namespace reason

// The kiosk's signature over the chain head this push ends at (sync/PROTOCOL.md "Chain-head signature"): the last
// event of `events`, signed with the private key of the kiosk's TLS client certificate.
struct ChainHeadSignature {
    std::string alg;                       // "ecdsa-p256-sha256"
    std::int64_t seq = 0;                  // the seq of the last event in `events`
    std::string hash;                      // that event's hash, 64 lower hex
    std::string value;                     // base64 of the DER ECDSA signature
};

struct PushRequest {
    std::string kiosk_id;
    std::string boot_id;
    std::int64_t uptime_ms = 0;
    std::string sent_at;                   // kiosk wall clock at sending, RFC 3339 UTC
    std::vector<std::string> events;       // canonical envelope JSON, in sequence order
    std::optional<ChainHeadSignature> signature = std::nullopt;  // absent from old kiosks and pushes without events
};

// Optional fleet facts a kiosk may add to a push (a push without them is accepted as before): events still queued
// on the kiosk, the printer's last state (ok | paper_empty | …), the kiosk software's version. A field of the wrong
// type is ignored, never a reason to refuse the events.
struct PushFleetFacts {
    std::optional<std::int64_t> queue_depth;
    std::string printer;
    std::string software_version;
};
PushFleetFacts push_fleet_facts_from_json(const nlohmann::json& push);

struct Rejection {
    std::int64_t seq = 0;
    std::string code;
    std::string message;
};

struct PushResponse {
    std::int64_t contiguous_through = 0;   // every seq ≤ this is stored (accepted or rejected) on the server
    std::string checkpoint_hash;           // hash of the event at contiguous_through ("" when 0)
    std::vector<Rejection> rejections;     // rejected payloads: stored, but the kiosk quarantines them
    std::string server_time;
    bool stopped = false;                  // processing stopped at a tampered or out-of-order event
};

// One item of the pull feed.
struct Change {
    std::int64_t id = 0;                   // the cursor position of this change
    std::string kind;                      // status | staff | bundle | config
    std::string key;                       // receipt number, staff id, bundle version, config name
    nlohmann::json body;
};

struct PullResponse {
    std::int64_t cursor = 0;               // pass back as ?cursor= to continue
    bool more = false;
    std::vector<Change> changes;
    std::int64_t checkpoint = 0;           // the server's contiguous_through for this kiosk
    std::string checkpoint_hash;
    std::string receipt_day;               // the latest civil day with receipts from this kiosk (YYYY-MM-DD)
    int receipt_high_water = 0;            // the highest receipt sequence the server has seen on that day
    std::string server_time;
};

nlohmann::json to_json(const PushRequest& r);
// A push with its optional fleet facts (members left out when unknown).
nlohmann::json to_json(const PushRequest& r, const PushFleetFacts& fleet);
Result<PushRequest> push_request_from_json(const nlohmann::json& j);
nlohmann::json to_json(const PushResponse& r);
Result<PushResponse> push_response_from_json(const nlohmann::json& j);
nlohmann::json to_json(const PullResponse& r);
Result<PullResponse> pull_response_from_json(const nlohmann::json& j);

// Parses JSON only after a non-recursive scan has checked that arrays and objects nest no deeper than max_depth
// (nlohmann's parser, copy and dump recurse: 100,000 '[' would exhaust the stack). Errors: too_deep, bad_request.
Result<nlohmann::json> parse_json_bounded(std::string_view text, int max_depth = kMaxJsonDepth);
// The deepest nesting of arrays and objects in text (strings are skipped), stopping early past `stop_after`.
int json_nesting_depth(std::string_view text, int stop_after);

// gzip (RFC 1952) with zlib.
std::string gzip_compress(const std::string& data);
// Refuses ("too_large") to inflate beyond max_out bytes, and ("bad_gzip") anything that is not complete gzip data.
// Several members one after another (RFC 1952 §2.2, what `cat a.gz b.gz` makes) are one body; bytes after the last
// member that are not a gzip member are refused.
Result<std::string> gzip_decompress(const std::string& data, std::size_t max_out);

// The 4-digit check of a status query is stored as HMAC-SHA256(key = receipt number, message = last four) so that
// status records carry no ID digits in clear. (Four digits are guessable offline; the rate limits protect them.)
std::string id_last4_tag(const std::string& receipt_number, const std::string& last4);

}  // namespace yimen::sync::protocol
