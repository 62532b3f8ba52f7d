// kiosk_status.cpp — the 进度查询 screen's controller (view: ui/view_status.cpp; model: status_model.hpp): the query
// on the county lane, the answer (or the local copy) recorded on the records lane.
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

void KioskApp::status_query() {
    focused_ = nullptr;
    std::string msg;
    auto rn = status.check(msg);
    if (!rn) {
        status.error = tr(msg);
        return;
    }
    status.error.clear();
    status.phase = StatusPhase::waiting;
    std::string last4 = status.last4.value;
    std::string receipt = *rn;
    auto* link = sync_.get();
    runner_.submit<RemoteStatus>(
        Lane::county,
        [link, receipt, last4] {
            try {
                return link->query_status(receipt, last4);
            } catch (const std::exception&) {
                return RemoteStatus{};
            }
        },
        [this, receipt, last4](RemoteStatus remote) { show_status_result(receipt, last4, remote); });
}

void KioskApp::show_status_result(const std::string& receipt, const std::string& last4, const RemoteStatus& remote,
                                  bool scanned) {
    if (status.phase != StatusPhase::waiting) return;  // the resident left (or the session was wiped)
    const int generation = router_.wipe_generation();
    const auto who = actor();
    on_records<std::optional<CaseRecord>>(
        [receipt, last4, remote, scanned, who](RecordServices& r) {
            return r.record_status_query(receipt, last4, remote, scanned, who);
        },
        [this, generation, online = remote.reachable, scanned](std::optional<CaseRecord> rec) {
            if (generation != router_.wipe_generation() || status.phase != StatusPhase::waiting) return;
            if (!rec) {
                status.phase = StatusPhase::not_found;
                return;
            }
            status.show(*rec, online, clock_->now_utc_ms(), *data_, clock_->today());
            status.scanned = scanned;
        });
}

void KioskApp::status_rate() {
    std::string receipt = status.record ? status.record->receipt_number : "";
    status.reset();
    go(Screen::rating);
    if (screen() == Screen::rating) rating.receipt.value = receipt;
}

}  // namespace yimen::kiosk
