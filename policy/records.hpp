// records.hpp — the records (schema v1) every part exchanges: the event envelope and one payload type per event.
// Defined once here; the kiosk, the sync codec and the county server use these and invent none of their own.
// Canonical form and hashing: canonical_json.hpp; the wire rules: sync/PROTOCOL.md.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "policy/programmes.hpp"
#include "base/result.hpp"

namespace yimen::records {

inline constexpr int kSchemaVersion = 1;
// Schema 2: the same payloads with their personal members sealed to the county (sync/sealed_payload.hpp); the
// validation and projection below see the opened (schema-1) form.
inline constexpr int kSchemaSealedVersion = 2;
inline const std::string kZeroHash(64, '0');

// Event types (the `type` field of the envelope).
namespace type {
inline constexpr const char* application_submitted = "application.submitted";
inline constexpr const char* application_accepted = "application.accepted";
inline constexpr const char* referral_issued = "referral.issued";
inline constexpr const char* stage_changed = "stage.changed";
inline constexpr const char* rating_given = "rating.given";
inline constexpr const char* quiz_answered = "quiz.answered";
inline constexpr const char* complaint_filed = "complaint.filed";
inline constexpr const char* status_queried = "status.queried";
inline constexpr const char* receipt_printed = "receipt.printed";
inline constexpr const char* staff_login = "staff.login";
inline constexpr const char* staff_logout = "staff.logout";
inline constexpr const char* journal_rebased = "journal.rebased";
}  // namespace type
const std::vector<std::string>& all_types();

struct Actor {
    std::string kind;  // resident | staff | county_user | system
    std::string id;    // staff/county user id; empty for an anonymous resident
};

struct Envelope {
    std::string kiosk_id;       // "230523100-01"; "county" for server-side records
    std::int64_t seq = 0;       // gap-free per kiosk, from 1
    std::string type;
    int schema = kSchemaVersion;
    std::string wall_time;      // RFC 3339 UTC with Z (the kiosk's clock)
    std::string boot_id;        // random per boot; with uptime it corrects clock skew
    std::int64_t uptime_ms = 0;
    Actor actor;
    nlohmann::json payload = nlohmann::json::object();
    std::string prev_hash = kZeroHash;
    std::string hash;           // sha256 of the canonical JSON of everything else
};

nlohmann::json to_json_value(const Envelope& e, bool with_hash = true);
// Shape check of an envelope (types, hash format). Payload checks are validate_payload's.
Result<Envelope> envelope_from_json(const nlohmann::json& j);
// The hash over the canonical JSON of the envelope without its "hash" member.
Result<std::string> compute_hash(const nlohmann::json& envelope_json);
// Fills prev_hash/hash.
Result<Envelope> seal(Envelope e, const std::string& prev_hash);
// The hash matches the bytes (a tampered event does not).
bool hash_matches(const nlohmann::json& envelope_json);

// ---- Payloads -------------------------------------------------------------------------------------------------

struct Person {
    std::string name;
    std::string id_number;      // normalised 18 characters
    std::string relation;       // self | spouse | child | parent | sibling | grandchild | grandparent | other
    std::string phone;
    std::string address;
    std::string health;         // healthy | chronic_illness | serious_illness | disabled
    std::string disability;     // e.g. "肢体二级"; empty if none
    std::string work_ability;   // full | partial | none
    bool student = false;
};

// The four legal income categories (S1 art. 13), monthly, in fen.
struct Income {
    std::int64_t wages_fen = 0;
    std::int64_t business_fen = 0;
    std::int64_t property_fen = 0;
    std::int64_t transfer_fen = 0;
    std::int64_t total() const { return wages_fen + business_fen + property_fen + transfer_fen; }
};

struct Assets {
    std::int64_t deposits_fen = 0;
    std::int64_t securities_fen = 0;
    int vehicles = 0;
    int houses = 0;
    std::string other;
};

struct ApplicationSubmitted {
    std::string receipt_number;
    std::string programme;
    std::string township;             // 9-digit code
    std::string channel;              // self | assisted
    std::string operator_id;          // staff id when assisted
    Person applicant;
    std::string applicant_key;        // HMAC-SHA256(county secret, normalised ID), computed by the county at ingest
    std::vector<Person> members;      // other household members
    Income income;
    Assets assets;
    std::string hardship_statement;
    bool close_relative = false;      // 近亲属备案
    std::string close_relative_relation;
    std::string commitment_at;        // RFC 3339: when the resident tapped 承诺
    std::string authorisation_at;     // RFC 3339: when the resident tapped 授权核对
    std::vector<std::string> materials_received;
    std::vector<std::string> materials_missing;
    std::int64_t estimate_fen = -1;   // the benefit estimate shown, -1 when none
};

struct ApplicationAccepted {
    std::string receipt_number;
    std::string programme;
    std::string accepted_date;        // civil date YYYY-MM-DD (+08:00)
    std::vector<std::string> materials_checked;
    std::string operator_id;
};

struct ReferralIssued {
    std::string receipt_number;
    std::string programme;            // ref_*
    std::string department;
    std::string need;                 // what the resident asked for, in their words
    std::string applicant_key;        // optional
    std::string channel;
    std::string operator_id;
};

struct StageChanged {
    std::string receipt_number;
    std::string programme;
    std::string stage;
    std::string date;                 // civil date
    std::string reason;
    nlohmann::json fields = nlohmann::json::object();
    std::vector<std::string> documents;
};

struct RatingGiven {
    std::string receipt_number;       // empty when not bound to a case
    int level = 0;                    // 1–5
    std::map<std::string, int> sub_indicators;
    std::vector<std::string> reason_codes;
    std::string callback_phone;
    std::string channel;              // kiosk | assisted | hotline
    std::string served_by;            // staff id of who served, if known
};

struct QuizAnswer {
    std::string question_id;
    int choice = -1;
    bool correct = false;
};

struct QuizAnswered {
    std::string quiz_version;
    std::vector<QuizAnswer> answers;
};

struct ComplaintFiled {
    std::string receipt_number;
    std::string category;
    std::string text;
    bool anonymous = true;
    std::string contact;
    std::string query_code_hash;      // sha256 hex of the 4-digit query code with the receipt number
};

struct StatusQueried {
    std::string receipt_number;
    std::string source;               // online | offline | scan (a scanned receipt: the kiosk's synced copy)
    bool found = false;
};

struct ReceiptPrinted {
    std::string receipt_number;
    std::string template_name;
    std::string outcome;              // printed | paper_empty | paper_near_end | cover_open | offline | timed_out
};

struct StaffSession {
    std::string staff_id;
    std::string reason;               // logout: manual | timeout
};

struct JournalRebased {
    std::int64_t server_checkpoint = 0;
    std::int64_t local_last_seq = 0;
    std::string reason;
};


// JSON codecs: every field is written; missing fields read as their defaults (validate_payload checks them).
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Person, name, id_number, relation, phone, address, health,
                                                disability, work_ability, student)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Income, wages_fen, business_fen, property_fen, transfer_fen)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Assets, deposits_fen, securities_fen, vehicles, houses, other)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ApplicationSubmitted, receipt_number, programme, township, channel,
                                                operator_id, applicant, applicant_key, members, income, assets,
                                                hardship_statement, close_relative, close_relative_relation,
                                                commitment_at, authorisation_at, materials_received,
                                                materials_missing, estimate_fen)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ApplicationAccepted, receipt_number, programme, accepted_date,
                                                materials_checked, operator_id)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ReferralIssued, receipt_number, programme, department, need,
                                                applicant_key, channel, operator_id)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(StageChanged, receipt_number, programme, stage, date, reason, fields,
                                                documents)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RatingGiven, receipt_number, level, sub_indicators, reason_codes,
                                                callback_phone, channel, served_by)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(QuizAnswer, question_id, choice, correct)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(QuizAnswered, quiz_version, answers)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ComplaintFiled, receipt_number, category, text, anonymous, contact,
                                                query_code_hash)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(StatusQueried, receipt_number, source, found)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ReceiptPrinted, receipt_number, template_name, outcome)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(StaffSession, staff_id, reason)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(JournalRebased, server_checkpoint, local_last_seq, reason)

// Checks a payload against its type and the rules: required fields, known programme, materials only from the
// programme's legal list (不得超范围要求材料), both taps present, valid ID numbers, levels 1–5, no staff ratings …
// Reason codes: unknown_type, bad_payload, unknown_programme, material_not_allowed, consent_missing, bad_id_number,
// bad_level, staff_cannot_rate, bad_receipt_number.
Status validate_payload(const Envelope& e, const Rules& rules);

}  // namespace yimen::records
