// store.hpp — the kiosk's own database: local state (applications, complaints, ratings, the status of cases recorded
// here, demo staff accounts, PIN failure counters), the print journal, and the sync journal's tables in the same
// file, so a state change, its event and a print outcome commit together (DESIGN.md, "The kiosk app"). What the
// county sends down (case status, staff accounts) is kept once, in sync/'s pulled tables in the same file
// (sync::PulledStore, written by the uploader); the lookups here read those tables directly.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/model/event_log.hpp"
#include "policy/records.hpp"
#include "base/sqlite.hpp"
#include "policy/workflow.hpp"
#include "sync/pulled_store.hpp"

namespace yimen::kiosk {

struct StoredApplication {
    std::string receipt_number;
    std::string programme;
    std::string status;            // submitted | accepted | referral
    std::string channel;
    std::string submitted_at;      // RFC 3339
    std::string masked_name;
    // The application.submitted / referral.issued payload without its personal members (issue 11: those exist on
    // the kiosk only sealed, in the journal), plus "masked": {"name", "id_number", "household_size"} for the staff
    // screens and the acceptance receipt (kept_application_view).
    nlohmann::json payload;
    std::string masked_id() const;
    int household_size() const;
};

// The view of a payload the kiosk's own tables keep: drop_personal's clear members and the masked values above.
nlohmann::json kept_application_view(const std::string& type, const nlohmann::json& payload);

// The last known status of a case: what the county sent down (sync's pulled_status, converted on read by
// case_from_status), or what this kiosk itself recorded (kiosk_cases).
struct CaseRecord {
    std::string receipt_number;
    std::string programme;
    std::string masked_name;
    std::string last4_hash;        // HMAC of the ID's last four digits (no ID on the kiosk for synced cases)
    std::vector<StageEntry> history;
    CaseFacts facts;
    std::int64_t updated_ms = 0;   // when this state arrived (pulled) or was recorded here
};

// A CaseRecord from the county's status record (no names or ID numbers in it): the pulled rows as the kiosk reads
// them, and the county's online answer to a status query. `at_ms`: when it arrived.
CaseRecord case_from_status(const nlohmann::json& status, std::int64_t at_ms);

struct StaffAccount {
    std::string staff_id;
    std::string name;
    std::string pin_hash;
};

struct PrintJobRecord {
    std::int64_t id = 0;
    std::string receipt_number;
    std::string template_name;
    std::string outcome;
    std::string message;
    std::string created_at;
};

// One journal event as kiosk-ctl lists it: no payload beyond the receipt number (personal data stays in the database).
struct JournalLine {
    std::int64_t seq = 0;
    std::string type;
    std::string wall_time;      // RFC 3339
    std::string actor;          // "resident" or "staff:<id>"
    std::string receipt_number;
    bool acknowledged = false;
    bool quarantined = false;
};

struct DaySummary {
    std::map<std::string, int> submitted_by_programme;
    std::map<std::string, int> accepted_by_programme;
    int referrals = 0;
    std::map<int, int> ratings_by_level;
    int complaints = 0;
    int status_queries = 0;
};

class KioskStore {
public:
    static Result<std::unique_ptr<KioskStore>> open(const std::string& path, const std::string& kiosk_id,
                                                    const Clock& clock);
    sqlite::Database& db() { return *db_; }
    EventLog& events() { return *events_; }
    Result<std::unique_ptr<sqlite::Transaction>> begin() { return sqlite::Transaction::begin(*db_); }

    Status insert_application(sqlite::Transaction& tx, const StoredApplication& a, CivilDate day);
    std::optional<StoredApplication> application(const std::string& receipt);
    std::vector<StoredApplication> applications(const std::string& status, int limit = 50);
    Status mark_accepted(sqlite::Transaction& tx, const std::string& receipt, const std::vector<std::string>& checked,
                         CivilDate day);
    Status record_missing(sqlite::Transaction& tx, const std::string& receipt, const std::vector<std::string>& missing);

    Status insert_complaint(sqlite::Transaction& tx, const std::string& receipt, const std::string& category,
                            bool anonymous, const std::string& code_hash, CivilDate day);
    bool rating_exists(const std::string& receipt);
    Status insert_rating(sqlite::Transaction& tx, const std::string& receipt, int level, CivilDate day);
    Status note_status_query(sqlite::Transaction& tx, CivilDate day);

    // The kiosk's own row for a case (recorded, accepted or queried here); never touches the pulled tables.
    Status upsert_case(sqlite::Transaction& tx, const CaseRecord& c);
    // The case as the kiosk shows it: the kiosk's own row and the county's pulled status, whichever is later (see
    // store.cpp, newer_case, for why). nullopt when neither exists.
    std::optional<CaseRecord> case_record(const std::string& receipt);

    // A kiosk-local account (demo and seeded staff); the county's accounts arrive in sync's pulled_staff.
    Status upsert_staff(const StaffAccount& s);
    // The county's pulled account when there is one (even with an empty PIN hash: the county disabled it), else the
    // kiosk-local account.
    std::optional<StaffAccount> staff(const std::string& staff_id);
    int staff_count();  // distinct staff numbers, local and pulled
    // Failed PIN attempts: lock-out survives a restart.
    std::pair<int, std::int64_t> staff_failures(const std::string& staff_id);
    Status set_staff_failures(const std::string& staff_id, int count, std::int64_t locked_until_ms);

    // Print jobs are written by KioskPrintJournal (print_journal.hpp) on the print worker's own connection.
    std::vector<PrintJobRecord> print_jobs(int limit = 20);
    // The masked document of the last print of a receipt (reprint reuses it; names and IDs inside are masked).
    std::optional<std::pair<std::string, std::string>> last_document(const std::string& receipt);
    // The latest first attempt at printing this receipt (a reprint refers to it), or 0.
    std::int64_t first_print_job(const std::string& receipt);

    DaySummary day_summary(CivilDate day);

    // The sync journal, read for kiosk-ctl: newest events first, and when the county last acknowledged one.
    std::vector<JournalLine> recent_events(int limit);
    std::optional<UtcMillis> last_acknowledged_ms();

    // sync/'s pulled tables on this connection (the uploader writes them on its own).
    sync::PulledStore& pulled() { return *pulled_; }

private:
    KioskStore() = default;
    Status open_pulled(UtcMillis now);
    Status drop_clear_application_payloads(UtcMillis now);
    std::unique_ptr<sqlite::Database> db_;
    std::unique_ptr<EventLog> events_;
    std::unique_ptr<sync::PulledStore> pulled_;
};

}  // namespace yimen::kiosk
