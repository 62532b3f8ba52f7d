// record_services.hpp — the kiosk's records, one service per record type, each a short write through the one
// transaction helper (record_tx.hpp): applications (intake), referrals, complaints, ratings and quiz answers, status
// queries, acceptance (受理) and missing materials. Blocking (SQLite, BEGIN IMMEDIATE): the app calls them on the
// records lane with that lane's own connection, never on the frame thread.
//
// Errors carry a stable code ("save_failed", "already_rated", "not_waiting", "materials_missing", …) and the
// facts a screen needs; the screen turns them into words from the string tables on the main thread.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kiosk/model/config.hpp"
#include "kiosk/model/ports.hpp"
#include "kiosk/model/record_tx.hpp"
#include "kiosk/model/staff_model.hpp"
#include "kiosk/model/store.hpp"
#include "policy/policy_data.hpp"
#include "policy/receipt_number.hpp"

namespace yimen::kiosk {

struct ReferralRecorded {
    records::ReferralIssued referral;
    std::string masked_name;
};

struct ComplaintRecorded {
    records::ComplaintFiled complaint;
    std::string query_code;  // shown and printed once; only its hash is stored
};

struct AcceptanceRecorded {
    StoredApplication application;
    CivilDate day;
};

class RecordServices {
public:
    RecordServices(KioskStore& store, const KioskConfig& config, const PolicyData& data, const Clock& clock)
        : store_(store), config_(config), data_(data), clock_(clock) {}

    // application.submitted: the application row, the case's first stage and the event. `sub` has no number yet.
    Result<records::ApplicationSubmitted> submit_application(records::ApplicationSubmitted sub, records::Actor actor);
    // referral.issued; `name` is the resident's name as typed (only its masked form is stored).
    Result<ReferralRecorded> issue_referral(records::ReferralIssued r, const std::string& name, records::Actor actor);
    // complaint.filed, with a fresh 4-digit query code.
    Result<ComplaintRecorded> file_complaint(records::ComplaintFiled c);
    // rating.given; once per receipt ("already_rated").
    Status give_rating(const records::RatingGiven& r);
    Status answer_quiz(const records::QuizAnswered& q);
    // status.queried, and the county's answer kept as the local copy. Returns the case to show, if any: the county's
    // when it answered, else the local copy when the last four match (or the receipt was scanned).
    std::optional<CaseRecord> record_status_query(const std::string& receipt, const std::string& last4,
                                                  const RemoteStatus& remote, bool scanned, records::Actor actor);
    // application.accepted by `staff_id` with the materials checked ("not_waiting", "materials_missing" whose
    // message lists the missing documents' codes separated by ",").
    Result<AcceptanceRecorded> accept(const std::string& receipt, const std::set<std::string>& checked,
                                      const std::string& staff_id);
    Status record_missing(const std::string& receipt, const std::set<std::string>& checked);
    Status staff_logout(const std::string& staff_id, const std::string& reason);
    // The staff pages' data (reads only).
    StaffView read_staff_view(const std::string& selected);
    // Other reads on this lane's connection (a scanned receipt's case, a journal entry to reprint).
    KioskStore& store() { return store_; }

private:
    Result<ReceiptNumber> next_receipt(sqlite::Transaction& tx, ReceiptType type, CivilDate day);

    KioskStore& store_;
    const KioskConfig& config_;
    const PolicyData& data_;
    const Clock& clock_;
};

}  // namespace yimen::kiosk
