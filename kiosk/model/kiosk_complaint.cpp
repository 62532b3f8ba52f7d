// kiosk_complaint.cpp — the 投诉建议 screen's controller (view: ui/view_complaint.cpp; model: complaint_model.hpp).
#include "kiosk/model/kiosk_app.hpp"

#include <algorithm>

#include "kiosk/model/json_util.hpp"
#include "kiosk/model/receipts.hpp"
#include "kiosk/model/text.hpp"
#include "base/canonical_json.hpp"
#include "base/civil_date.hpp"
#include "policy/receipt_number.hpp"
#include "policy/workflow.hpp"

namespace yimen::kiosk {

void KioskApp::complaint_submit() {
    focused_ = nullptr;
    if (complaint.saving) return;
    std::string msg;
    if (!complaint.validate(msg)) {
        complaint.error = tr(msg);
        return;
    }
    complaint.error.clear();
    records::ComplaintFiled c;
    c.category = complaint.category;
    c.text = trim(complaint.text.value);
    c.anonymous = complaint.anonymous;
    c.contact = complaint.anonymous ? "" : complaint.contact.value;
    complaint.saving = true;
    const int generation = router_.wipe_generation();
    on_records<Result<ComplaintRecorded>>(
        [c](RecordServices& s) { return s.file_complaint(c); },
        [this, generation](Result<ComplaintRecorded> done) {
            complaint.saving = false;
            if (generation != router_.wipe_generation()) return;
            if (!done) {
                complaint.error = record_error(done.error());
                return;
            }
            auto& filed = done.value().complaint;
            complaint.receipt_number = filed.receipt_number;
            complaint.query_code = done.value().query_code;
            complaint.text.clear();
            complaint.contact.clear();
            complaint.phase = ComplaintPhase::done;
            print(complaint_receipt(receipt_context(), filed, done.value().query_code,
                                    tr("complaint.cat." + filed.category)));
        });
}

void KioskApp::complaint_category(const std::string& code) { complaint.category = code; }

void KioskApp::complaint_toggle_anonymous() { complaint.anonymous = !complaint.anonymous; }

}  // namespace yimen::kiosk
