// staff_model.hpp — staff mode: login by staff number and PIN (scrypt hashes pulled from the county, demo accounts in
// --demo) with lock-out, 受理 of submitted applications, reprint, printer status, sync status, the day's summary.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kiosk/model/fields.hpp"
#include "kiosk/model/store.hpp"

namespace yimen::kiosk {

enum class StaffPage { login, menu, accept_list, accept_detail, reprint, printer, sync, summary };

// What the staff pages show from the database: read on the records lane when a page opens (and every few seconds on
// the sync page), handed to the frame as a copy; the views never query.
struct StaffView {
    std::vector<StoredApplication> waiting;          // submitted, not yet accepted
    std::optional<StoredApplication> selected;       // the one being accepted
    std::vector<PrintJobRecord> recent_prints;
    sync::JournalCounts counts;
    std::vector<sync::QuarantinedEvent> quarantined;
    CivilDate day;
    DaySummary summary;                              // of `day`
    std::string installed_bundle;                    // the policy bundle installed now ("" when none)
};

struct StaffState {
    StaffPage page = StaffPage::login;
    TextField staff_id{"staff.id", InputKind::digits, 8, "", false};
    TextField pin{"staff.pin", InputKind::digits, 8, "", true};
    std::string logged_in;        // staff id
    std::string logged_in_name;
    std::string error;
    std::string message;

    std::string selected;         // receipt number of the application being accepted
    std::set<std::string> checked;
    TextField reprint_receipt{"staff.reprint_receipt", InputKind::receipt, 24, "", false};

    bool logged() const { return !logged_in.empty(); }
    void reset_forms() {
        staff_id.clear();
        pin.clear();
        error.clear();
        message.clear();
        selected.clear();
        checked.clear();
        reprint_receipt.clear();
    }
};

}  // namespace yimen::kiosk
