// figure_days.cpp — the day and month aggregates of the figure tables (see figure_days.hpp). Each bucket is a
// GROUP BY over the rows of one township and civil day; the full rebuild is the same GROUP BY over every day at once.
#include "county/figure_days.hpp"

#include <optional>

namespace yimen::county::figure_days {

Status run(Store& store, const std::string& sql, const std::vector<SqlParam>& params) {
    auto r = store.execute(sql, params);
    if (!r) return r.error();
    return Ok{};
}

std::int64_t month_key(std::int64_t day) {
    const CivilDate d = CivilDate::from_days(day);
    return d.year * 100 + d.month;
}

Status refresh_day(Store& store, const std::string& kind, const std::string& township, std::int64_t day,
                   const std::vector<std::string>& core) {
    const std::int64_t lo = day * kDayMs - kOffsetMs, hi = lo + kDayMs, month = month_key(day);
    const std::vector<SqlParam> key{township, day};                    // ?1 township, ?2 day
    const std::vector<SqlParam> with_month{township, day, month};      // … ?3 month
    const std::vector<SqlParam> span{township, day, lo, hi};           // … ?3, ?4 the day's UTC bounds
    const std::vector<SqlParam> span_month{township, day, lo, hi, month};
    auto all = [&](std::initializer_list<std::pair<const char*, const std::vector<SqlParam>*>> steps) -> Status {
        for (auto& [sql, params] : steps)
            if (auto s = run(store, sql, *params); !s) return s;
        return Ok{};
    };
    if (kind == "decided")
        return all({{"DELETE FROM daily_decided WHERE township = ?1 AND day = ?2", &key},
                    {"INSERT INTO daily_decided(township, month, programme, channel, within, extended, day, n)"
                     " SELECT ?1, ?3, programme, channel, within, extended, ?2, count(*) FROM case_facts"
                     " WHERE township = ?1 AND decided_day = ?2 GROUP BY programme, channel, within, extended",
                     &with_month},
                    {"DELETE FROM daily_decided_wd WHERE township = ?1 AND day = ?2", &key},
                    {"INSERT INTO daily_decided_wd(township, month, wd, day, n) SELECT ?1, ?3, wd_used, ?2, count(*)"
                     " FROM case_facts WHERE township = ?1 AND decided_day = ?2 GROUP BY wd_used",
                     &with_month}});
    if (kind == "spans")
        return all({{"DELETE FROM span_groups WHERE township = ?1 AND start_day = ?2", &key},
                    {"INSERT INTO span_groups(township, start_day, end_day, overdue_day, nearest_due, n)"
                     " SELECT ?1, ?2, end_day, overdue_day, coalesce(nearest_due, -1), count(*) FROM case_spans"
                     " WHERE township = ?1 AND start_day = ?2 GROUP BY end_day, overdue_day, coalesce(nearest_due, -1)",
                     &key}});
    if (kind == "acceptance")
        return all({{"DELETE FROM daily_acceptance WHERE township = ?1 AND day = ?2", &key},
                    {"INSERT INTO daily_acceptance(township, wd, day, n) SELECT ?1, acceptance_wd, ?2, count(*) FROM case_facts"
                     " WHERE township = ?1 AND acceptance_day = ?2 GROUP BY acceptance_wd",
                     &key}});
    if (kind == "submitted")
        return all({{"DELETE FROM daily_submitted WHERE township = ?1 AND day = ?2", &key},
                    {"INSERT INTO daily_submitted(township, day, cases, visits, repeat_visit_cases, notices, repeated_materials,"
                     " repeated_material_cases) SELECT ?1, ?2, count(*), sum(visits),"
                     " sum(CASE WHEN visits > 1 THEN 1 ELSE 0 END), sum(notice), sum(repeated_materials),"
                     " sum(CASE WHEN repeated_materials > 0 THEN 1 ELSE 0 END) FROM case_facts"
                     " WHERE township = ?1 AND submitted_day = ?2 HAVING count(*) > 0",
                     &key}});
    if (kind == "rating")
        return all({{"DELETE FROM daily_ratings WHERE township = ?1 AND day = ?2", &key},
                    {"INSERT INTO daily_ratings(township, month, channel, level, programme, day, n)"
                     " SELECT ?1, ?5, channel, level, coalesce(programme, ''), ?2, count(*)"
                     " FROM ratings WHERE corrected_ms >= ?3 AND corrected_ms < ?4 AND status = 'counted' AND township = ?1"
                     " GROUP BY channel, level, coalesce(programme, '')",
                     &span_month},
                    {"DELETE FROM daily_rating_scores WHERE township = ?1 AND day = ?2", &key},
                    {"INSERT INTO daily_rating_scores(township, code, day, n, total) SELECT ?1, sc.code, ?2, count(*),"
                     " sum(sc.score) FROM ratings r JOIN rating_scores sc ON sc.kiosk_id = r.kiosk_id AND sc.seq = r.seq"
                     " WHERE r.corrected_ms >= ?3 AND r.corrected_ms < ?4 AND r.status = 'counted' AND r.township = ?1"
                     " GROUP BY sc.code",
                     &span}});
    if (kind == "quiz") {
        if (auto s = all({{"DELETE FROM daily_quiz WHERE township = ?1 AND day = ?2", &key},
                          {"INSERT INTO daily_quiz(township, question_id, day, n, correct) SELECT ?1, question_id, ?2,"
                           " count(*), sum(correct) FROM quiz_answers WHERE corrected_ms >= ?3 AND corrected_ms < ?4"
                           " AND township = ?1 GROUP BY question_id",
                           &span},
                          {"DELETE FROM daily_quiz_respondents WHERE township = ?1 AND day = ?2", &key}});
            !s)
            return s;
        if (core.empty()) return Ok{};
        std::string in_list;
        std::vector<SqlParam> params = span;
        for (auto& id : core) {
            in_list += (in_list.empty() ? "?" : ", ?") + std::to_string(params.size() + 1);
            params.push_back(id);
        }
        // A respondent: one quiz response with at least one core question; all correct when every core answer is.
        return run(store,
                   "INSERT INTO daily_quiz_respondents(township, day, respondents, all_core_correct) SELECT ?1, ?2, count(*),"
                   " sum(CASE WHEN c = n THEN 1 ELSE 0 END) FROM (SELECT count(*) AS n, sum(correct) AS c FROM quiz_answers"
                   " WHERE corrected_ms >= ?3 AND corrected_ms < ?4 AND township = ?1 AND question_id IN (" + in_list + ")"
                   " GROUP BY kiosk_id, seq) t HAVING count(*) > 0",
                   params);
    }
    return Ok{};  // an unknown kind (from a newer version): nothing to do here
}

// The month's sums from its days: a period's whole months are read from these (one row where a month has thirty).
Status refresh_month(Store& store, const std::string& kind, const std::string& township, std::int64_t month) {
    const std::vector<SqlParam> key{township, month};
    auto all = [&](std::initializer_list<const char*> steps) -> Status {
        for (auto* sql : steps)
            if (auto s = run(store, sql, key); !s) return s;
        return Ok{};
    };
    if (kind == "decided")
        return all({"DELETE FROM monthly_decided WHERE township = ?1 AND month = ?2",
                    "INSERT INTO monthly_decided(township, month, programme, channel, within, extended, n)"
                    " SELECT township, month, programme, channel, within, extended, sum(n) FROM daily_decided"
                    " WHERE township = ?1 AND month = ?2 GROUP BY township, month, programme, channel, within, extended",
                    "DELETE FROM monthly_decided_wd WHERE township = ?1 AND month = ?2",
                    "INSERT INTO monthly_decided_wd(township, month, wd, n) SELECT township, month, wd, sum(n)"
                    " FROM daily_decided_wd WHERE township = ?1 AND month = ?2 GROUP BY township, month, wd"});
    if (kind == "rating")
        return all({"DELETE FROM monthly_ratings WHERE township = ?1 AND month = ?2",
                    "INSERT INTO monthly_ratings(township, month, channel, level, programme, n)"
                    " SELECT township, month, channel, level, programme, sum(n) FROM daily_ratings"
                    " WHERE township = ?1 AND month = ?2 GROUP BY township, month, channel, level, programme"});
    return Ok{};
}

// Every day of every kind at once, one GROUP BY per table: after a full case rebuild, or when so many days are
// marked that a statement per day would take longer. Equal to refresh_day over every day (the tests compare).
Status refresh_all_days(Store& store, const std::vector<std::string>& core) {
    const std::string day_of = "(corrected_ms + " + std::to_string(kOffsetMs) + ") / " + std::to_string(kDayMs);
    const std::string r_day_of = "(r.corrected_ms + " + std::to_string(kOffsetMs) + ") / " + std::to_string(kDayMs);
    std::vector<std::string> steps;
    for (auto* t : {"daily_decided", "daily_decided_wd", "span_groups", "daily_acceptance", "daily_submitted", "daily_ratings",
                    "daily_rating_scores", "daily_quiz", "daily_quiz_respondents", "monthly_decided", "monthly_decided_wd",
                    "monthly_ratings"})
        steps.push_back(std::string("DELETE FROM ") + t);
    // month 0 for now: set below, one range of days per month.
    steps.push_back("INSERT INTO daily_decided(township, month, programme, channel, within, extended, day, n)"
                    " SELECT township, 0, programme, channel, within, extended, decided_day, count(*) FROM case_facts"
                    " WHERE decided_day IS NOT NULL GROUP BY township, decided_day, programme, channel, within, extended");
    steps.push_back("INSERT INTO daily_decided_wd(township, month, wd, day, n) SELECT township, 0, wd_used, decided_day, count(*)"
                    " FROM case_facts WHERE decided_day IS NOT NULL GROUP BY township, decided_day, wd_used");
    steps.push_back("INSERT INTO span_groups(township, start_day, end_day, overdue_day, nearest_due, n)"
                    " SELECT township, start_day, end_day, overdue_day, coalesce(nearest_due, -1), count(*) FROM case_spans"
                    " GROUP BY township, start_day, end_day, overdue_day, coalesce(nearest_due, -1)");
    steps.push_back("INSERT INTO daily_acceptance(township, wd, day, n) SELECT township, acceptance_wd, acceptance_day, count(*)"
                    " FROM case_facts WHERE acceptance_day IS NOT NULL GROUP BY township, acceptance_day, acceptance_wd");
    steps.push_back("INSERT INTO daily_submitted(township, day, cases, visits, repeat_visit_cases, notices, repeated_materials,"
                    " repeated_material_cases) SELECT township, submitted_day, count(*), sum(visits),"
                    " sum(CASE WHEN visits > 1 THEN 1 ELSE 0 END), sum(notice), sum(repeated_materials),"
                    " sum(CASE WHEN repeated_materials > 0 THEN 1 ELSE 0 END) FROM case_facts GROUP BY township, submitted_day");
    steps.push_back("INSERT INTO daily_ratings(township, month, channel, level, programme, day, n)"
                    " SELECT township, 0, channel, level, p, d, count(*) FROM (SELECT township, channel, level,"
                    " coalesce(programme, '') AS p, " + day_of + " AS d FROM ratings WHERE status = 'counted') t"
                    " GROUP BY township, d, channel, level, p");
    steps.push_back("INSERT INTO daily_rating_scores(township, code, day, n, total) SELECT township, code, d, count(*), sum(score)"
                    " FROM (SELECT r.township, sc.code, sc.score, " + r_day_of + " AS d FROM ratings r JOIN rating_scores sc"
                    " ON sc.kiosk_id = r.kiosk_id AND sc.seq = r.seq WHERE r.status = 'counted') t GROUP BY township, d, code");
    steps.push_back("INSERT INTO daily_quiz(township, question_id, day, n, correct) SELECT township, question_id, d, count(*),"
                    " sum(correct) FROM (SELECT township, question_id, correct, " + day_of + " AS d FROM quiz_answers) t"
                    " GROUP BY township, d, question_id");
    if (!core.empty()) {
        std::string in_list;
        for (std::size_t i = 0; i < core.size(); ++i) in_list += (i ? ", ?" : "?") + std::to_string(i + 1);
        // A respondent: one quiz response with at least one core question; all correct when every core answer is.
        steps.push_back("INSERT INTO daily_quiz_respondents(township, day, respondents, all_core_correct)"
                        " SELECT township, d, count(*), sum(CASE WHEN c = n THEN 1 ELSE 0 END) FROM (SELECT township, " +
                        day_of + " AS d, count(*) AS n, sum(correct) AS c FROM quiz_answers WHERE question_id IN (" +
                        in_list + ") GROUP BY township, " + day_of + ", kiosk_id, seq) t GROUP BY township, d");
    }
    std::vector<SqlParam> core_params(core.begin(), core.end());
    for (auto& sql : steps)
        if (auto s = run(store, sql, sql.find("question_id IN") != std::string::npos ? core_params : std::vector<SqlParam>{});
            !s)
            return s;
    // Each month's days get their month key, then the month sums are read from them.
    std::optional<std::int64_t> first, last;
    auto s = store.query("SELECT min(d), max(d) FROM (SELECT min(day) AS d FROM daily_decided UNION ALL SELECT max(day)"
                         " FROM daily_decided UNION ALL SELECT min(day) FROM daily_ratings UNION ALL SELECT max(day)"
                         " FROM daily_ratings) t",
                         {}, [&](const SqlRow& r) {
                             if (!r.is_null(0)) first = r.integer(0);
                             if (!r.is_null(1)) last = r.integer(1);
                         });
    if (!s) return s;
    if (first && last) {
        const CivilDate end = CivilDate::from_days(*last);
        for (CivilDate m{CivilDate::from_days(*first).year, CivilDate::from_days(*first).month, 1};
             m.year < end.year || (m.year == end.year && m.month <= end.month);) {
            const CivilDate next = m.month == 12 ? CivilDate{m.year + 1, 1, 1} : CivilDate{m.year, m.month + 1, 1};
            const std::vector<SqlParam> range{std::int64_t{m.year * 100 + m.month}, m.to_days(), next.to_days()};
            for (auto* t : {"daily_decided", "daily_decided_wd", "daily_ratings"})
                if (auto u = run(store, std::string("UPDATE ") + t + " SET month = ?1 WHERE day >= ?2 AND day < ?3", range); !u)
                    return u;
            m = next;
        }
    }
    for (auto* sql : {"INSERT INTO monthly_decided(township, month, programme, channel, within, extended, n)"
                      " SELECT township, month, programme, channel, within, extended, sum(n) FROM daily_decided"
                      " GROUP BY township, month, programme, channel, within, extended",
                      "INSERT INTO monthly_decided_wd(township, month, wd, n) SELECT township, month, wd, sum(n)"
                      " FROM daily_decided_wd GROUP BY township, month, wd",
                      "INSERT INTO monthly_ratings(township, month, channel, level, programme, n)"
                      " SELECT township, month, channel, level, programme, sum(n) FROM daily_ratings"
                      " GROUP BY township, month, channel, level, programme"})
        if (auto r = run(store, sql); !r) return r;
    return Ok{};
}

}  // namespace yimen::county::figure_days
