// kiosk_intake.cpp — the 申请救助 screen's controller (view: ui/view_intake.cpp; model: intake_model.hpp): the
// wizard's steps, the form edits a tap makes, and the submission on the records lane.
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

namespace {

void toggle(std::set<std::string>& set, const std::string& code) {
    if (!set.erase(code)) set.insert(code);
}

}  // namespace

void KioskApp::intake_start(bool assisted) {
    intake.reset();
    intake.assisted = assisted && staff.logged();
    intake.operator_id = intake.assisted ? staff.logged_in : "";
    focused_ = nullptr;
    router_.show(Screen::intake);
}

void KioskApp::intake_next() {
    focused_ = nullptr;
    if (pinyin_) pinyin_->clear();
    auto today = clock_->today();
    if (intake.saving) return;  // one record per tap, however often the button is pressed while it saves
    if (intake.step == IntakeStep::review) {
        submit_intake();
        return;
    }
    if (intake.step == IntakeStep::referral_identity) {
        if (intake.next(*data_, today, *i18n_)) submit_referral();
        return;
    }
    if (intake.step == IntakeStep::done || intake.step == IntakeStep::referral_done) {
        go_home();
        return;
    }
    intake.next(*data_, today, *i18n_);
}

void KioskApp::intake_back() {
    focused_ = nullptr;
    if (intake.step == IntakeStep::need) {
        go_home();
        return;
    }
    intake.back(data_->rules);
}

void KioskApp::submit_intake() {
    auto sub = intake.submission(*data_, config_.township_code, clock_->today());
    intake.error.clear();
    intake.saving = true;
    const int generation = router_.wipe_generation();
    const auto who = actor();
    on_records<Result<records::ApplicationSubmitted>>(
        [sub, who](RecordServices& r) { return r.submit_application(sub, who); },
        [this, generation](Result<records::ApplicationSubmitted> done) {
            intake.saving = false;
            // The resident left and the session was wiped: the record is kept, nothing of it goes to the screen
            // or the printer in front of the next person.
            if (generation != router_.wipe_generation()) return;
            if (!done) {
                intake.error = record_error(done.error());
                return;
            }
            const auto& submitted = done.value();
            if (intake.assisted) last_served_by = intake.operator_id;
            intake.receipt_number = submitted.receipt_number;
            intake.estimate_fen = submitted.estimate_fen;
            intake.missing_names.clear();
            for (auto& m : submitted.materials_missing) intake.missing_names.push_back(data_->rules.document_name(m));
            // What the resident typed is not needed any more: the receipt and the record carry it.
            intake.name.clear();
            intake.id_number.clear();
            intake.phone.clear();
            intake.address.clear();
            intake.members.clear();
            intake.hardship.clear();
            intake.step = IntakeStep::done;
            print(intake_receipt(receipt_context(), submitted));
        });
}

void KioskApp::submit_referral() {
    records::ReferralIssued r;
    r.programme = intake.programme;
    auto* prog = data_->rules.programme(intake.programme);
    r.department = prog ? prog->department : "";
    r.need = trim(intake.referral_need.value);
    r.channel = intake.assisted ? "assisted" : "self";
    r.operator_id = intake.assisted ? intake.operator_id : "";
    std::string name = intake.name.value;
    intake.error.clear();
    intake.saving = true;
    const int generation = router_.wipe_generation();
    const auto who = actor();
    on_records<Result<ReferralRecorded>>(
        [r, name, who](RecordServices& s) { return s.issue_referral(r, name, who); },
        [this, generation](Result<ReferralRecorded> done) {
            intake.saving = false;
            if (generation != router_.wipe_generation()) return;
            if (!done) {
                intake.error = record_error(done.error());
                return;
            }
            intake.receipt_number = done.value().referral.receipt_number;
            intake.name.clear();
            intake.phone.clear();
            intake.referral_need.clear();
            intake.step = IntakeStep::referral_done;
            print(referral_receipt(receipt_context(), done.value().referral, done.value().masked_name));
        });
}

// ---- form edits --------------------------------------------------------------------------------------------------

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

}  // namespace yimen::kiosk
