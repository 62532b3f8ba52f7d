// workflow.hpp — an application's stage history → where it stands, what is due when, and which steps are legal next.
// Used by the county's casework API (to refuse illegal steps) and by the kiosk's status screen (to explain them).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "policy/calendar.hpp"
#include "policy/programmes.hpp"

namespace yimen {

struct StageEntry {
    std::string stage;
    CivilDate date;                      // civil date (+08:00) on which the step happened
    std::string actor;
    std::string reason;
    nlohmann::json fields = nlohmann::json::object();
    std::vector<std::string> documents;  // document codes present
};

struct CaseFacts {
    bool close_relative = false;             // 近亲属备案
    std::string extension_reason;            // one of Rules::extension_reasons(), or empty
    int complaints = 0;                      // complaints or reports naming this case (S1 art. 20: county visit)
};

struct Deadline {
    std::string stage;       // the stage that must be reached
    CalendarAnswer due;
    std::string due_time;    // "HH:MM" (+08:00) for limits counted in hours (先行救助 48 h); empty otherwise
    bool time_known = true;  // false: the base stage carried no time, so the hours count from its day's start
};

struct CaseStatus {
    std::string current_stage;
    bool accepted = false;                    // the legal clock has started
    bool decided = false;                     // a decision stopped the overall clock
    bool closed = false;                      // terminal stage
    std::optional<CivilDate> clock_start;
    std::optional<CivilDate> decided_on;
    std::vector<Deadline> next_deadlines;     // limits of the legal next stages, earliest first
    std::optional<CivilDate> publicity_ends;  // 公示期满 (when current stage is publicity_started)
    std::optional<CalendarAnswer> overall_due;
    int overall_working_days = 0;             // the overall limit in force: the extended one once an extension applies
    bool overall_unconfirmed = false;         // the limit is an assumption (❌): show it as 以乡镇通知为准
    std::string written_reason_stage;         // the latest refusal / exit / termination with a written reason …
    std::string written_reason;               // … and that reason, personal numbers masked (shown to the applicant)
    std::int64_t working_days_used = 0;       // from the clock start to the decision (or today)
    bool overdue = false;                     // overall limit passed, or a stage limit passed while waiting
    bool extension_applies = false;
    bool provisional = false;                 // touches a year whose holidays are not yet published
    std::vector<std::string> legal_next;
};

// Figures marked ❌ are assumptions; wherever one is shown to residents it carries this note.
inline constexpr const char* kUnconfirmedNote = "以乡镇通知为准";
bool is_unconfirmed(const std::string& confidence);

// Fills the fields a stage derives from others before it is recorded: the 特困 self-care grade and care tier from
// the six indicators (so the grade is stored with the assessment, not recomputed by every reader).
void complete_stage_fields(const Programme& p, StageEntry& entry);

// Masks ID numbers (first 6 and last 4 kept) and 11-digit phone numbers (3 + 4 kept) inside free text.
std::string mask_personal_text(const std::string& text);

// Evaluates a history that was accepted step by step by check_transition (it does not re-validate it).
CaseStatus evaluate_case(const Programme& p, const CaseFacts& facts, const std::vector<StageEntry>& history,
                         CivilDate today, const WorkCalendar& cal, const Rules& rules);

// Reason codes: unknown_stage, case_closed, not_accepted, illegal_transition, missing_prerequisite,
// county_visit_required, reason_required, documents_missing, field_required, bad_field, publicity_too_short,
// date_before_previous, bad_extension_reason, stage_once, amount_mismatch, amount_basis_required,
// county_approval_required, bad_first_month, over_maximum, extension_after_decision.
Status check_transition(const Programme& p, const CaseFacts& facts, const std::vector<StageEntry>& history,
                        const StageEntry& proposed, const Rules& rules);

}  // namespace yimen
