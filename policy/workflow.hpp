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
};

struct Deadline {
    std::string stage;       // the stage that must be reached
    CalendarAnswer due;
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
    std::int64_t working_days_used = 0;       // from the clock start to the decision (or today)
    bool overdue = false;                     // overall limit passed, or a stage limit passed while waiting
    bool extension_applies = false;
    bool provisional = false;                 // touches a year whose holidays are not yet published
    std::vector<std::string> legal_next;
};

// Evaluates a history that was accepted step by step by check_transition (it does not re-validate it).
CaseStatus evaluate_case(const Programme& p, const CaseFacts& facts, const std::vector<StageEntry>& history,
                         CivilDate today, const WorkCalendar& cal, const Rules& rules);

// Reason codes: unknown_stage, case_closed, not_accepted, illegal_transition, missing_prerequisite,
// county_visit_required, reason_required, documents_missing, field_required, bad_field, publicity_too_short,
// date_before_previous, bad_extension_reason.
Status check_transition(const Programme& p, const CaseFacts& facts, const std::vector<StageEntry>& history,
                        const StageEntry& proposed, const Rules& rules);

}  // namespace yimen
