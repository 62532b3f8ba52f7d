// intents.hpp — everything a screen may ask of the kiosk, and nothing else. The views hold the app model as const
// (they draw it) and this interface for taps, so a view that writes state directly does not compile: every change
// to the resident's data goes through a named intent the model tests can call too. KioskApp implements it.
#pragma once
#include <string>

#include "kiosk/model/fields.hpp"
#include "kiosk/model/router.hpp"
#include "kiosk/model/staff_model.hpp"

namespace yimen::kiosk {

// The intake form's one-of-a-list choices (chip rows).
enum class IntakeChoice { member_relation, member_health, member_work, area_kind, close_relative_relation };
// The intake form's small counts (− / + buttons, 0–9).
enum class IntakeCount { vehicles, houses };
// The two consents the resident gives with their own tap.
enum class Consent { commitment, authorisation };

class KioskIntents {
public:
    virtual ~KioskIntents() = default;

    // ---- sessions and navigation ------------------------------------------------------------------------------
    virtual void touched() = 0;
    virtual void go(Screen s) = 0;
    virtual void go_home() = 0;
    virtual void set_language(const std::string& lang) = 0;

    // ---- text entry ---------------------------------------------------------------------------------------------
    // `f` is one of the model's own fields (drawn from the const model); nullptr closes the keyboard.
    virtual void focus(const TextField* f) = 0;
    virtual void toggle_latin() = 0;
    virtual void type_char(char c) = 0;
    virtual void backspace() = 0;
    virtual void space() = 0;
    virtual void pick_candidate(int i) = 0;
    virtual void candidate_page(bool next) = 0;
    virtual void keyboard_done() = 0;
    virtual void toggle_handwriting() = 0;
    virtual void handwriting_pick(int i) = 0;
    virtual void handwriting_clear() = 0;

    // ---- 申请救助 -------------------------------------------------------------------------------------------------
    virtual void intake_start(bool assisted) = 0;
    virtual void intake_choose_need(const std::string& programme) = 0;
    virtual void intake_next() = 0;
    virtual void intake_back() = 0;
    virtual void intake_choose(IntakeChoice which, const std::string& code) = 0;
    virtual void intake_adjust(IntakeCount which, int delta) = 0;
    virtual void intake_add_member() = 0;
    virtual void intake_cancel_member() = 0;
    virtual void intake_save_member() = 0;
    virtual void intake_remove_member(std::size_t index) = 0;
    virtual void intake_toggle_student() = 0;
    virtual void intake_add_hardship_phrase(const std::string& phrase) = 0;
    virtual void intake_set_close_relative(bool yes) = 0;
    virtual void intake_toggle_material(const std::string& code) = 0;
    virtual void intake_consent(Consent which) = 0;

    // ---- 进度查询, 评价, 投诉, 政策 --------------------------------------------------------------------------------
    virtual void status_query() = 0;
    virtual void status_rate() = 0;
    virtual void rating_grade(int level) = 0;
    virtual void rating_sub(const std::string& code, int stars) = 0;
    virtual void rating_toggle_reason(const std::string& code) = 0;
    virtual void rating_submit() = 0;
    virtual void rating_answer(int choice) = 0;
    virtual void rating_next() = 0;
    virtual void rating_finish() = 0;
    virtual void complaint_category(const std::string& code) = 0;
    virtual void complaint_toggle_anonymous() = 0;
    virtual void complaint_submit() = 0;
    virtual void policy_search() = 0;
    virtual void policy_category(const std::string& c) = 0;
    virtual void policy_open(const std::string& id) = 0;
    virtual void policy_close() = 0;

    // ---- staff ----------------------------------------------------------------------------------------------------
    virtual void staff_login() = 0;
    virtual void staff_logout(const std::string& reason) = 0;
    virtual void staff_page(StaffPage p) = 0;
    virtual void staff_open(const std::string& receipt) = 0;
    virtual void staff_toggle_checked(const std::string& material) = 0;
    virtual void staff_accept() = 0;
    virtual void staff_record_missing() = 0;
    virtual void staff_pick_reprint(const std::string& receipt) = 0;
    virtual void staff_reprint() = 0;
    virtual void staff_test_page() = 0;
    virtual void staff_sync_now() = 0;
    virtual void staff_check_printer() = 0;

    // ---- the ID card reader ----
    virtual void id_card_use() = 0;
    virtual void id_card_dismiss() = 0;
};

}  // namespace yimen::kiosk
