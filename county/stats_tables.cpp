// stats_tables.cpp — the case, rating and quiz figures read from the figure tables (county/figure_tables.hpp):
// a period's decisions, acceptances, submissions, ratings and quiz answers are sums over per-day rows, and the
// cases open on the day the figures are judged are the open spans covering that day. The answers are the scan's
// (stats_scan.cpp) to the digit; tests/county/stats_test.cpp holds them to it.
#include <array>
#include <cstdio>
#include <unordered_map>

#include "county/figure_tables.hpp"
#include "county/stats.hpp"
#include "county/stats_internal.hpp"

namespace yimen::county {

using nlohmann::json;
using namespace stats_detail;

namespace {

std::string month_text(std::int64_t yyyymm) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04lld-%02lld", static_cast<long long>(yyyymm / 100), static_cast<long long>(yyyymm % 100));
    return buf;
}

// A period as its whole months (read from the monthly tables) and the days before and after them (from the daily
// ones). An empty range is (1, 0).
struct PeriodParts {
    std::int64_t month_from = 1, month_to = 0, head_from = 1, head_to = 0, tail_from = 1, tail_to = 0;
};

std::int64_t yyyymm(CivilDate d) { return d.year * 100 + d.month; }

PeriodParts split_period(CivilDate from, CivilDate to) {
    PeriodParts p;
    if (to < from) return p;
    const CivilDate first_whole = from.day == 1 ? from : CivilDate{from.month == 12 ? from.year + 1 : from.year, from.month % 12 + 1, 1};
    const CivilDate after_to = to.plus_days(1);
    const CivilDate last_whole_end = after_to.day == 1 ? to : CivilDate{to.year, to.month, 1}.plus_days(-1);
    if (first_whole > last_whole_end) {
        p.head_from = from.to_days();
        p.head_to = to.to_days();
        return p;
    }
    p.month_from = yyyymm(first_whole);
    p.month_to = yyyymm(last_whole_end);
    if (from < first_whole) p.head_from = from.to_days(), p.head_to = first_whole.to_days() - 1;
    if (last_whole_end < to) p.tail_from = last_whole_end.to_days() + 1, p.tail_to = to.to_days();
    return p;
}

// The rows of a period from a monthly table and its daily one: parameters ?1–?7 of parts_params.
std::string from_parts(const std::string& cols, const std::string& monthly, const std::string& daily) {
    const std::string scope = " AND (?3 = '' OR township = ?3 OR substr(township, 1, 6) = ?3)";
    return "(SELECT " + cols + " FROM " + monthly + " WHERE month >= ?1 AND month <= ?2" + scope + " UNION ALL SELECT " +
           cols + " FROM " + daily + " WHERE day >= ?4 AND day <= ?5" + scope + " UNION ALL SELECT " + cols + " FROM " +
           daily + " WHERE day >= ?6 AND day <= ?7" + scope + ") t";
}

std::vector<SqlParam> parts_params(const PeriodParts& p, const std::string& township) {
    return {p.month_from, p.month_to, township, p.head_from, p.head_to, p.tail_from, p.tail_to};
}

}  // namespace

Status Figures::fresh() {
    if (method_ == Method::scan || fresh_) return Ok{};
    auto r = refresh_figure_tables(store_, policy_);
    if (!r) return r.error();
    fresh_ = true;
    return Ok{};
}

Result<std::map<std::string, json>> Figures::timeliness(const StatsQuery& q) {
    if (method_ == Method::scan) return scan_timeliness(q);
    if (auto s = fresh(); !s) return s.error();
    const CivilDate until = as_of(q);
    const WorkCalendar& cal = policy_.calendar;
    const std::int64_t from = q.from.to_days(), to = q.to.to_days(), u = until.to_days();
    std::map<std::string, TimelinessAcc> acc;
    for (auto& t : townships(q.township)) acc[t];
    acc[""];
    auto both = [&](const std::string& t) { return std::array<TimelinessAcc*, 2>{&acc[t], &acc[""]}; };
    // A decision or acceptance dated after the day the figures are judged has not happened yet.
    const PeriodParts parts = split_period(q.from, std::min(q.to, until));
    auto s = store_.query(
        "SELECT township, month, programme, channel, within, extended, sum(n) FROM " +
            from_parts("township, month, programme, channel, within, extended, n", "monthly_decided", "daily_decided") +
            " GROUP BY township, month, programme, channel, within, extended",
        parts_params(parts, q.township), [&](const SqlRow& r) {
            const std::int64_t n = r.integer(6), in = r.integer(4) ? n : 0;
            const std::string month = month_text(r.integer(1));
            for (auto* a : both(r.text(0))) {
                a->decided += n;
                a->within += in;
                if (r.integer(5)) a->extended += n;
                for (auto* b : {&a->by_programme[r.text(2)], &a->by_month[month], &a->by_channel[r.text(3)]}) {
                    b->first += n;
                    b->second += in;
                }
            }
        });
    if (!s) return s.error();
    s = store_.query("SELECT township, wd, sum(n) FROM " +
                         from_parts("township, wd, n", "monthly_decided_wd", "daily_decided_wd") + " GROUP BY township, wd",
                     parts_params(parts, q.township), [&](const SqlRow& r) {
                         for (auto* a : both(r.text(0))) a->wd[r.integer(1)] += r.integer(2);
                     });
    if (!s) return s.error();
    s = store_.query("SELECT township, wd, sum(n) FROM daily_acceptance WHERE day >= ?1 AND day <= ?2"
                     " AND (?3 = '' OR township = ?3 OR substr(township, 1, 6) = ?3) GROUP BY township, wd",
                     {from, std::min(to, u), q.township}, [&](const SqlRow& r) {
                         const std::int64_t wd = r.integer(1), n = r.integer(2);
                         for (auto* a : both(r.text(0))) {
                             a->accepted += n;
                             a->acceptance_wd[std::max<std::int64_t>(wd, 0)] += n;
                             if (wd > cfg_.acceptance_limit_working_days) a->acceptance_over += n;
                         }
                     });
    if (!s) return s.error();
    // Open on the day the figures are judged: the spans covering it.
    std::unordered_map<std::int64_t, bool> near;  // due day → within the approaching window
    s = store_.query(
        "SELECT township, CASE WHEN overdue_day <= ?1 THEN 1 ELSE 0 END, nearest_due, sum(n) FROM span_groups"
        " WHERE end_day > ?1 AND start_day <= ?1 AND (?2 = '' OR township = ?2 OR substr(township, 1, 6) = ?2)"
        " GROUP BY township, CASE WHEN overdue_day <= ?1 THEN 1 ELSE 0 END, nearest_due",
        {u, q.township}, [&](const SqlRow& r) {
            const std::int64_t n = r.integer(3);
            bool approaching = false;
            if (r.integer(1) == 0 && r.integer(2) >= 0) {  // -1: no deadline
                const std::int64_t due = r.integer(2);
                auto it = near.find(due);
                if (it == near.end())
                    it = near.emplace(due, cal.working_days_between(until, CivilDate::from_days(due)).days <=
                                               cfg_.approaching_working_days)
                             .first;
                approaching = it->second;
            }
            for (auto* a : both(r.text(0))) {
                a->open += n;
                if (r.integer(1)) a->overdue_open += n;
                else if (approaching) a->approaching += n;
            }
        });
    if (!s) return s.error();
    if (q.township.size() == 9) {  // one township lists its overdue cases; a county (6 digits) only counts them
        // The most days overdue first: the earliest date counted from first (days overdue fall as it moves later),
        // and past the first kOverdueListMax only the rows that tie with the last of them.
        auto& list = acc[q.township].overdue_list;
        // The keys come from the township index alone (no row read for a case that will not be listed); only the
        // first `limit` are read in full, and again without a limit in the rare case that ties run past them.
        const std::string order =
            " ORDER BY CASE WHEN overall_due IS NOT NULL AND overall_due < ?1 THEN overall_due ELSE nearest_due END,"
            " receipt_number";
        constexpr std::int64_t kAll = std::int64_t{1} << 62;
        for (std::int64_t limit = 2 * static_cast<std::int64_t>(kOverdueListMax);; limit = kAll) {
            list = json::array();
            bool done = false;
            std::int64_t rows = 0;
            s = store_.query(
                "SELECT s.receipt_number, s.programme, s.current_stage, s.overall_due, s.nearest_due FROM"
                " (SELECT receipt_number AS r, start_day AS d FROM case_spans WHERE township = ?2 AND end_day > ?1"
                " AND +start_day <= ?1 AND overdue_day <= ?1" + order + " LIMIT ?3) k"
                " JOIN case_spans s ON s.receipt_number = k.r AND s.start_day = k.d" +
                    std::string(" ORDER BY CASE WHEN s.overall_due IS NOT NULL AND s.overall_due < ?1 THEN s.overall_due"
                                " ELSE s.nearest_due END, s.receipt_number"),
                {u, q.township, limit}, [&](const SqlRow& r) {
                    ++rows;
                    if (done) return;
                    std::int64_t late = 0;
                    if (!r.is_null(3) && u > r.integer(3))
                        late = cal.working_days_between(CivilDate::from_days(r.integer(3)), until).days;
                    else if (!r.is_null(4))
                        late = cal.working_days_between(CivilDate::from_days(r.integer(4)), until).days;
                    // Rows come with days overdue falling: past the list's size, only ties with its last row matter.
                    if (list.size() >= kOverdueListMax &&
                        late < list[kOverdueListMax - 1]["days_overdue_wd"].get<std::int64_t>()) {
                        done = true;
                        return;
                    }
                    list.push_back({{"receipt_number", r.text(0)},
                                    {"programme", r.text(1)},
                                    {"current_stage", r.text(2)},
                                    {"due", r.is_null(4) ? json() : json(CivilDate::from_days(r.integer(4)).iso())},
                                    {"days_overdue_wd", late}});
                });
            if (!s || done || limit == kAll || rows < limit) break;
        }
        if (!s) return s.error();
    }
    std::map<std::string, json> out;
    for (auto& [t, a] : acc) {
        out[t] = a.to_json(cfg_.acceptance_limit_working_days);
        if (q.township.size() == 9 && !t.empty()) {
            sort_overdue_list(a.overdue_list);
            out[t]["overdue_cases"] = a.overdue_list;
        }
    }
    return out;
}

Result<std::map<std::string, json>> Figures::convenience(const StatsQuery& q) {
    if (method_ == Method::scan) return scan_convenience(q);
    if (auto s = fresh(); !s) return s.error();
    const std::int64_t from = q.from.to_days(), to = q.to.to_days(), u = as_of(q).to_days();
    std::map<std::string, ConvenienceAcc> acc;
    for (auto& t : townships(q.township)) acc[t];
    acc[""];
    auto s = store_.query(
        "SELECT township, sum(cases), sum(visits), sum(repeat_visit_cases), sum(notices), sum(repeated_materials),"
        " sum(repeated_material_cases) FROM daily_submitted WHERE day >= ?1 AND day <= ?2 AND (?3 = '' OR township = ?3 OR substr(township, 1, 6) = ?3)"
        " GROUP BY township",
        {from, to, q.township}, [&](const SqlRow& r) {
            for (auto* a : {&acc[r.text(0)], &acc[""]}) {
                a->cases += r.integer(1);
                a->visits += r.integer(2);
                a->repeat_visit_cases += r.integer(3);
                a->notices += r.integer(4);
                a->repeated_materials += r.integer(5);
                a->repeated_material_cases += r.integer(6);
            }
        });
    if (!s) return s.error();
    // The stored visits run to the decision (or to the last data); judged on an earlier day, the visits after it
    // do not count yet. Only a day before the newest application needs the correction; CROSS JOIN keeps SQLite
    // walking from those later applications.
    std::int64_t newest = 0;
    s = store_.query("SELECT max(submitted_day) FROM case_facts", {}, [&](const SqlRow& r) {
        if (!r.is_null(0)) newest = r.integer(0);
    });
    if (!s) return s.error();
    if (u < newest) {
        s = store_.query(
            "SELECT c.township, c.visits, count(*) FROM case_facts later CROSS JOIN case_facts c"
            " WHERE later.submitted_day > ?1 AND later.applicant_key <> '' AND c.applicant_key = later.applicant_key"
            " AND c.submitted_day >= ?2 AND c.submitted_day <= ?3 AND later.submitted_day >= c.submitted_day"
            " AND (c.decided_day IS NULL OR later.submitted_day <= c.decided_day) AND (?4 = '' OR c.township = ?4 OR substr(c.township, 1, 6) = ?4)"
            " GROUP BY c.receipt_number, c.township, c.visits",
            {u, from, to, q.township}, [&](const SqlRow& r) {
                const std::int64_t stored = r.integer(1), judged = std::max<std::int64_t>(1, stored - r.integer(2));
                for (auto* a : {&acc[r.text(0)], &acc[""]}) {
                    a->visits += judged - stored;
                    a->repeat_visit_cases += (judged > 1 ? 1 : 0) - (stored > 1 ? 1 : 0);
                }
            });
        if (!s) return s.error();
    }
    std::map<std::string, json> out;
    for (auto& [t, a] : acc) out[t] = a.to_json();
    return out;
}

Result<std::map<std::string, json>> Figures::satisfaction(const StatsQuery& q) {
    if (method_ == Method::scan) return scan_satisfaction(q);
    if (auto s = fresh(); !s) return s.error();
    const RatingModel& model = policy_.rating;
    const std::int64_t from = q.from.to_days(), to = q.to.to_days();
    std::map<std::string, SatisfactionAcc> acc;
    for (auto& t : townships(q.township)) acc[t];
    acc[""];
    auto s = store_.query(
        "SELECT township, month, channel, level, programme, sum(n) FROM " +
            from_parts("township, month, channel, level, programme, n", "monthly_ratings", "daily_ratings") +
            " GROUP BY township, month, channel, level, programme",
        parts_params(split_period(q.from, q.to), q.township), [&](const SqlRow& r) {
            const int level = static_cast<int>(r.integer(3));
            const std::int64_t n = r.integer(5);
            const std::int64_t ok = model.counts_as_satisfied(level) ? n : 0;
            const std::string month = month_text(r.integer(1));
            const std::string programme = r.text(4).empty() ? "unbound" : r.text(4);
            for (auto* a : {&acc[r.text(0)], &acc[""]}) {
                for (auto* b : {&a->all, &a->by_channel[channel_name(r.text(2))], &a->by_programme[programme],
                                &a->by_month[month]}) {
                    b->ratings += n;
                    b->satisfied += ok;
                }
                a->by_level[level] += n;
            }
        });
    if (!s) return s.error();
    s = store_.query("SELECT township, code, sum(n), sum(total) FROM daily_rating_scores WHERE day >= ?1 AND day <= ?2"
                     " AND (?3 = '' OR township = ?3 OR substr(township, 1, 6) = ?3) GROUP BY township, code",
                     {from, to, q.township}, [&](const SqlRow& r) {
                         for (auto* a : {&acc[r.text(0)], &acc[""]}) {
                             auto& x = a->sub[r.text(1)];
                             x.first += r.integer(2);
                             x.second += r.integer(3);
                         }
                     });
    if (!s) return s.error();
    std::map<std::string, json> out;
    for (auto& [t, a] : acc) out[t] = satisfaction_json(a, model, cfg_.small_sample);
    return out;
}

Result<std::map<std::string, json>> Figures::awareness(const StatsQuery& q) {
    if (method_ == Method::scan) return scan_awareness(q);
    if (auto s = fresh(); !s) return s.error();
    const std::int64_t from = q.from.to_days(), to = q.to.to_days();
    std::map<std::string, AwarenessAcc> acc;
    for (auto& t : townships(q.township)) acc[t];
    acc[""];
    auto s = store_.query("SELECT township, sum(respondents), sum(all_core_correct) FROM daily_quiz_respondents"
                          " WHERE day >= ?1 AND day <= ?2 AND (?3 = '' OR township = ?3 OR substr(township, 1, 6) = ?3) GROUP BY township",
                          {from, to, q.township}, [&](const SqlRow& r) {
                              for (auto* a : {&acc[r.text(0)], &acc[""]}) {
                                  a->respondents += r.integer(1);
                                  a->all_correct += r.integer(2);
                              }
                          });
    if (!s) return s.error();
    s = store_.query("SELECT township, question_id, sum(n), sum(correct) FROM daily_quiz WHERE day >= ?1 AND day <= ?2"
                     " AND (?3 = '' OR township = ?3 OR substr(township, 1, 6) = ?3) GROUP BY township, question_id",
                     {from, to, q.township}, [&](const SqlRow& r) {
                         for (auto* a : {&acc[r.text(0)], &acc[""]}) {
                             auto& x = a->by_question[r.text(1)];
                             x.first += r.integer(2);
                             x.second += r.integer(3);
                         }
                     });
    if (!s) return s.error();
    std::map<std::string, json> out;
    for (auto& [t, a] : acc) out[t] = awareness_json(a, policy_.quiz, cfg_.small_sample);
    return out;
}

Result<std::map<std::string, int>> Figures::awaiting_county_visit() {
    if (method_ == Method::scan) return scan_awaiting_county_visit();
    if (auto s = fresh(); !s) return s.error();
    std::map<std::string, int> waiting;
    auto s = store_.query("SELECT township, count(*) FROM case_facts WHERE awaiting_visit = 1 GROUP BY township", {},
                          [&](const SqlRow& r) { waiting[r.text(0)] = static_cast<int>(r.integer(1)); });
    if (!s) return s.error();
    return waiting;
}

}  // namespace yimen::county
