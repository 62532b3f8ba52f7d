// figure_tables.hpp — the tables the supervision figures are read from, kept current beside the raw ones.
//
// Reading a year of a large county from the raw tables takes seconds (every case's stage history evaluated by the
// policy, millions of ratings grouped); the figures must answer in a fraction of a second. So the store keeps:
//   case_facts   one row per case: its decision (day, within the limit, working days used, extended), its
//                acceptance delay, the visits and repeated materials of its applicant, the county visit it awaits;
//   case_spans   one row per stretch of days during which an accepted case stood open, with the deadlines in force
//                then (so "open / overdue / approaching on day D" is a range query for any D, past or present);
//   daily_*      per township and civil day: decisions, acceptances, submissions, ratings, sub-indicator scores,
//                quiz answers and respondents.
// Triggers on the raw tables only mark what changed (dirty_cases, dirty_days); refresh_figure_tables() recomputes
// the marked cases and days from the raw rows, inside one transaction, before figures are read. Recomputing rather
// than adding deltas means a marked day is always exactly what the raw rows say. A change of the rules, the holiday
// calendar or the quiz's core questions (a fingerprint in figure_meta) marks everything again.
#pragma once
#include <cstdint>
#include <string>

#include "county/store.hpp"
#include "policy/policy_data.hpp"
#include "policy/workflow.hpp"

namespace yimen::county {

struct FigureRefresh {
    std::int64_t cases = 0;     // cases recomputed
    std::int64_t days = 0;      // (kind, township, day) buckets recomputed
    bool rebuilt = false;       // the fingerprint changed: everything was recomputed
};

// Brings the figure tables up to date with the raw tables. Cheap when nothing is marked (two small queries).
// `rebuild_all` recomputes every case and day whatever is marked (as a change of the rules does); many marks take
// the same path by themselves: one pass over every case, one GROUP BY per day table.
Result<FigureRefresh> refresh_figure_tables(Store& store, const PolicyData& policy, bool rebuild_all = false);

// A stage history entry from the columns stage, date, actor, reason, fields of a stage_events row, starting at
// column `first` (documents are not needed to judge a case's status).
StageEntry stage_entry_of(const SqlRow& r, int first);

// The civil day number (CivilDate::to_days) of a UTC instant in the county, as the triggers compute it.
std::int64_t county_day_of(UtcMillis t);

}  // namespace yimen::county
