// kiosk_forms.cpp — the small form edits a tap makes (a chip chosen, a box ticked, a member added, a consent given).
// Each is an intent so the views stay read-only and the model tests can drive the same edits the screens do.
#include <algorithm>

#include "base/civil_date.hpp"
#include "kiosk/model/kiosk_app.hpp"

namespace yimen::kiosk {

namespace {

void toggle(std::set<std::string>& set, const std::string& code) {
    if (!set.erase(code)) set.insert(code);
}

}  // namespace

// ---- 申请救助 -------------------------------------------------------------------------------------------------------

void KioskApp::intake_choose_need(const std::string& programme) { intake.choose_need(programme); }

void KioskApp::intake_choose(IntakeChoice which, const std::string& code) {
    switch (which) {
        case IntakeChoice::member_relation: intake.draft.relation = code; break;
        case IntakeChoice::member_health: intake.draft.health = code; break;
        case IntakeChoice::member_work: intake.draft.work_ability = code; break;
        case IntakeChoice::area_kind: intake.area_kind = code; break;
        case IntakeChoice::close_relative_relation: intake.close_relative_relation = code; break;
    }
}

void KioskApp::intake_adjust(IntakeCount which, int delta) {
    int& count = which == IntakeCount::vehicles ? intake.vehicles : intake.houses;
    count = std::clamp(count + delta, 0, 9);  // the form asks for a few, not an inventory
}

void KioskApp::intake_add_member() {
    intake.adding_member = true;
    intake.draft = MemberDraft{};
}

void KioskApp::intake_cancel_member() {
    focus(nullptr);
    intake.adding_member = false;
    intake.draft = MemberDraft{};  // the half-typed name and ID go, as with a finished session
}

void KioskApp::intake_save_member() {
    focus(nullptr);
    intake.save_member(clock_->today(), *i18n_);
}

void KioskApp::intake_remove_member(std::size_t index) {
    if (index < intake.members.size()) intake.members.erase(intake.members.begin() + static_cast<long>(index));
}

void KioskApp::intake_toggle_student() { intake.draft.student = !intake.draft.student; }

void KioskApp::intake_add_hardship_phrase(const std::string& phrase) {
    auto& text = intake.hardship.value;
    if (!text.empty()) text += tr("list.comma");
    text += phrase;
}

void KioskApp::intake_set_close_relative(bool yes) {
    intake.close_relative = yes;
    if (!yes) intake.close_relative_relation.clear();
}

void KioskApp::intake_toggle_material(const std::string& code) { toggle(intake.materials_have, code); }

void KioskApp::intake_consent(Consent which) {
    auto& at = which == Consent::commitment ? intake.commitment_at : intake.authorisation_at;
    if (at.empty()) at = format_rfc3339(clock_->now_utc_ms());  // the first tap is the one on record
}

// ---- 评价, 投诉 -----------------------------------------------------------------------------------------------------

void KioskApp::rating_grade(int level) {
    rating.level = level;
    rating.error.clear();
}

void KioskApp::rating_sub(const std::string& code, int stars) { rating.subs[code] = std::clamp(stars, 1, 5); }

void KioskApp::rating_toggle_reason(const std::string& code) { toggle(rating.reasons, code); }

void KioskApp::complaint_category(const std::string& code) { complaint.category = code; }

void KioskApp::complaint_toggle_anonymous() { complaint.anonymous = !complaint.anonymous; }

// ---- staff ----------------------------------------------------------------------------------------------------------

void KioskApp::staff_toggle_checked(const std::string& material) { toggle(staff.checked, material); }

void KioskApp::staff_pick_reprint(const std::string& receipt) {
    staff.reprint_receipt.value = receipt;
    staff.error.clear();
}

}  // namespace yimen::kiosk
