// stats_scan.cpp — the figures computed the slow, obvious way: every case's stage history evaluated by the policy on
// the day the figures are judged, ratings and quiz answers grouped from their raw rows. The product reads the figure
// tables (stats_tables.cpp); this path stays as the reference the tests hold those tables to (Figures::Method::scan).
#include <algorithm>
#include <unordered_map>

#include "county/figure_tables.hpp"
#include "county/stats.hpp"
#include "county/stats_internal.hpp"
#include "policy/workflow.hpp"

namespace yimen::county {

using nlohmann::json;
using namespace stats_detail;

namespace {

// Loaded once per figure set: every case in scope with its stage history.
struct CaseRow {
    std::string receipt;
    std::string programme;
    std::string township;
    std::string channel;
    std::string applicant_key;
    bool close_relative = false;
    UtcMillis submitted_ms = 0;
    int complaints = 0;
    std::vector<StageEntry> history;
};

Result<std::vector<CaseRow>> load_cases(Store& store, const std::string& township) {
    std::vector<CaseRow> cases;
    std::unordered_map<std::string, std::size_t> index;
    auto s = store.query(
        "SELECT receipt_number, programme, township, channel, applicant_key, close_relative, submitted_ms FROM applications"
        " WHERE (?1 = '' OR township = ?1 OR substr(township, 1, 6) = ?1)",
        {township}, [&](const SqlRow& r) {
            CaseRow c;
            c.receipt = r.text(0);
            c.programme = r.text(1);
            c.township = r.text(2);
            c.channel = r.text(3);
            c.applicant_key = r.text(4);
            c.close_relative = r.integer(5) != 0;
            c.submitted_ms = r.integer(6);
            index.emplace(c.receipt, cases.size());
            cases.push_back(std::move(c));
        });
    if (!s) return s.error();
    // The whole county reads stage_events in one pass; one township goes through its applications.
    s = store.query(
        township.empty()
            ? std::string("SELECT receipt_number, stage, date, actor, reason, fields FROM stage_events ORDER BY id")
            : std::string("SELECT s.receipt_number, s.stage, s.date, s.actor, s.reason, s.fields FROM applications a"
                          " JOIN stage_events s ON s.receipt_number = a.receipt_number WHERE ") +
                  // One township keeps its index; a county's townships share a prefix the index cannot look up.
                  (township.size() == 6 ? "substr(a.township, 1, 6) = ?1" : "a.township = ?1") + " ORDER BY s.id",
        township.empty() ? std::vector<SqlParam>{} : std::vector<SqlParam>{township}, [&](const SqlRow& r) {
            auto it = index.find(r.text(0));
            if (it == index.end()) return;
            cases[it->second].history.push_back(stage_entry_of(r, 1));
        });
    if (!s) return s.error();
    s = store.query("SELECT case_receipt, count(*) FROM complaint_links GROUP BY case_receipt", {}, [&](const SqlRow& r) {
        if (auto it = index.find(r.text(0)); it != index.end()) cases[it->second].complaints = static_cast<int>(r.integer(1));
    });
    if (!s) return s.error();
    return cases;
}

// How many stages of a history had happened by the end of `day` (stage dates never go backwards).
std::size_t stages_until(const std::vector<StageEntry>& h, CivilDate day) {
    std::size_t n = 0;
    while (n < h.size() && h[n].date <= day) ++n;
    return n;
}

std::optional<CivilDate> stage_date(const std::vector<StageEntry>& h, const std::string& stage, std::size_t upto = SIZE_MAX) {
    for (std::size_t i = 0; i < h.size() && i < upto; ++i)
        if (h[i].stage == stage) return h[i].date;
    return std::nullopt;
}


}  // namespace

struct Figures::LoadedCases {
    std::string township;
    CivilDate until;
    std::vector<CaseRow> cases;
    std::vector<std::size_t> known;             // stages recorded by `until`
    std::vector<std::optional<CaseStatus>> status;  // evaluated on `until`; empty when nothing was known yet
};

Result<const Figures::LoadedCases*> Figures::cases_at(const std::string& township, CivilDate until) {
    if (loaded_ && loaded_->township == township && loaded_->until == until) return loaded_.get();
    auto cases = load_cases(store_, township);
    if (!cases) return cases.error();
    auto l = std::make_shared<LoadedCases>();
    l->township = township;
    l->until = until;
    l->cases = std::move(cases).value();
    l->known.resize(l->cases.size());
    l->status.resize(l->cases.size());
    for (std::size_t i = 0; i < l->cases.size(); ++i) {
        const CaseRow& c = l->cases[i];
        const Programme* p = policy_.rules.programme(c.programme);
        const std::size_t n = stages_until(c.history, until);
        l->known[i] = n;
        if (!p || n == 0) continue;
        const CaseFacts facts{c.close_relative, "", c.complaints};
        if (n == c.history.size()) {
            l->status[i] = evaluate_case(*p, facts, c.history, until, policy_.calendar, policy_.rules);
        } else {
            const std::vector<StageEntry> prefix(c.history.begin(), c.history.begin() + static_cast<std::ptrdiff_t>(n));
            l->status[i] = evaluate_case(*p, facts, prefix, until, policy_.calendar, policy_.rules);
        }
    }
    loaded_ = std::move(l);
    return loaded_.get();
}

Result<std::map<std::string, json>> Figures::scan_timeliness(const StatsQuery& q) {
    const CivilDate until = as_of(q);
    auto loaded = cases_at(q.township, until);
    if (!loaded) return loaded.error();
    const WorkCalendar& cal = policy_.calendar;
    std::map<std::string, TimelinessAcc> acc;
    for (auto& t : townships(q.township)) acc[t];
    acc[""];
    for (std::size_t i = 0; i < (*loaded)->cases.size(); ++i) {
        const CaseRow& c = (*loaded)->cases[i];
        if (!(*loaded)->status[i]) continue;
        const CaseStatus& st = *(*loaded)->status[i];
        const std::vector<StageEntry>& h = c.history;
        const std::size_t known = (*loaded)->known[i];
        for (auto* a : {&acc[c.township], &acc[""]}) {
            if (auto accepted = stage_date(h, "accepted", known); accepted && *accepted >= q.from && *accepted <= q.to) {
                if (auto applied = stage_date(h, "applied", known)) {
                    const std::int64_t wd = cal.working_days_between(*applied, *accepted).days;
                    ++a->accepted;
                    ++a->acceptance_wd[std::max<std::int64_t>(wd, 0)];
                    if (wd > cfg_.acceptance_limit_working_days) ++a->acceptance_over;
                }
            }
            if (st.decided && st.decided_on && *st.decided_on >= q.from && *st.decided_on <= q.to) {
                const bool within = st.overall_due ? st.working_days_used <= st.overall_working_days : !st.overdue;
                ++a->decided;
                if (within) ++a->within;
                if (st.extension_applies) ++a->extended;
                ++a->wd[st.working_days_used];
                auto& bp = a->by_programme[c.programme];
                auto& bm = a->by_month[month_of(*st.decided_on)];
                auto& bc = a->by_channel[channel_name(c.channel)];
                for (auto* b : {&bp, &bm, &bc}) {
                    ++b->first;
                    if (within) ++b->second;
                }
            } else if (st.accepted && !st.decided && !st.closed) {
                ++a->open;
                std::optional<CivilDate> due;
                if (st.overall_due) due = st.overall_due->date;
                if (!st.next_deadlines.empty() && (!due || st.next_deadlines.front().due.date < *due))
                    due = st.next_deadlines.front().due.date;
                if (st.overdue) {
                    ++a->overdue_open;
                    if (q.township.size() == 9 && a != &acc[""]) {  // one township lists its overdue cases
                        std::int64_t late = 0;
                        if (st.overall_due && until > st.overall_due->date)
                            late = cal.working_days_between(st.overall_due->date, until).days;
                        else if (due)
                            late = cal.working_days_between(*due, until).days;
                        a->overdue_list.push_back({{"receipt_number", c.receipt},
                                                   {"programme", c.programme},
                                                   {"current_stage", st.current_stage},
                                                   {"due", due ? json(due->iso()) : json()},
                                                   {"days_overdue_wd", late}});
                    }
                } else if (due && cal.working_days_between(until, *due).days <= cfg_.approaching_working_days) {
                    ++a->approaching;
                }
            }
        }
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

Result<std::map<std::string, json>> Figures::scan_convenience(const StatsQuery& q) {
    const CivilDate until = as_of(q);
    auto loaded = cases_at(q.township, until);
    if (!loaded) return loaded.error();
    const std::vector<CaseRow>* cases = &(*loaded)->cases;
    // Every application of the county by applicant key (a visit at any kiosk counts, whichever township asks),
    // with the materials it handed in.
    struct Visit {
        std::string receipt;
        UtcMillis submitted_ms = 0;
        std::vector<std::string> received;
    };
    std::unordered_map<std::string, std::vector<Visit>> by_key;
    std::unordered_map<std::string, bool> notice;
    auto s = store_.query("SELECT receipt_number, applicant_key, submitted_ms, payload FROM applications", {},
                          [&](const SqlRow& r) {
                              Visit v{r.text(0), r.integer(2), {}};
                              json p = json::parse(r.text(3), nullptr, false);
                              if (p.is_object()) {
                                  for (auto& m : p.value("materials_received", json::array()))
                                      if (m.is_string()) v.received.push_back(m.get<std::string>());
                                  auto missing = p.value("materials_missing", json::array());
                                  notice[v.receipt] = missing.is_array() && !missing.empty();
                              }
                              if (!r.text(1).empty()) by_key[r.text(1)].push_back(std::move(v));
                          });
    if (!s) return s.error();
    const UtcMillis lo = start_of(q.from), hi = start_of(q.to.plus_days(1));
    std::map<std::string, ConvenienceAcc> acc;
    for (auto& t : townships(q.township)) acc[t];
    acc[""];
    for (std::size_t i = 0; i < cases->size(); ++i) {
        const CaseRow& c = (*cases)[i];
        if (c.submitted_ms < lo || c.submitted_ms >= hi) continue;
        std::int64_t n = 1, again = 0;
        if (!c.applicant_key.empty()) {
            CivilDate end = until;
            if (const auto& st = (*loaded)->status[i]; st && st->decided_on) end = *st->decided_on;
            const std::int64_t first = county_date_at(c.submitted_ms).to_days(), last = end.to_days();
            std::int64_t seen = 0;
            std::vector<std::string> before;
            const std::vector<std::string>* mine = nullptr;
            for (auto& v : by_key[c.applicant_key]) {
                const std::int64_t day = county_date_at(v.submitted_ms).to_days();
                if (day >= first && day <= last) ++seen;
                if (v.receipt == c.receipt) mine = &v.received;
                else if (v.submitted_ms < c.submitted_ms) before.insert(before.end(), v.received.begin(), v.received.end());
            }
            n = std::max<std::int64_t>(1, seen);
            if (mine)
                for (auto& m : *mine)
                    if (std::find(before.begin(), before.end(), m) != before.end()) ++again;
        }
        for (auto* a : {&acc[c.township], &acc[""]}) {
            ++a->cases;
            a->visits += n;
            if (n > 1) ++a->repeat_visit_cases;
            if (notice[c.receipt]) ++a->notices;
            a->repeated_materials += again;
            if (again > 0) ++a->repeated_material_cases;
        }
    }
    std::map<std::string, json> out;
    for (auto& [t, a] : acc) out[t] = a.to_json();
    return out;
}

Result<std::map<std::string, json>> Figures::scan_satisfaction(const StatsQuery& q) {
    const RatingModel& model = policy_.rating;
    std::map<std::string, SatisfactionAcc> acc;
    for (auto& t : townships(q.township)) acc[t];
    acc[""];
    const UtcMillis lo = start_of(q.from), hi = start_of(q.to.plus_days(1));
    auto s = store_.query(
        "SELECT township, (corrected_ms + ?4) / ?5 AS day, level, channel, programme, count(*) FROM ratings"
        " WHERE corrected_ms >= ?1 AND corrected_ms < ?2 AND status = 'counted' AND (?3 = '' OR township = ?3 OR substr(township, 1, 6) = ?3)"
        " GROUP BY township, (corrected_ms + ?4) / ?5, level, channel, programme",
        {lo, hi, q.township, kOffsetMs, kDayMs}, [&](const SqlRow& r) {
            const int level = static_cast<int>(r.integer(2));
            const std::int64_t n = r.integer(5);
            const std::int64_t ok = model.counts_as_satisfied(level) ? n : 0;
            const std::string month = month_of(day_of_number(r.integer(1)));
            const std::string programme = r.is_null(4) ? "unbound" : r.text(4);
            for (auto* a : {&acc[r.text(0)], &acc[""]}) {
                for (auto* b : {&a->all, &a->by_channel[channel_name(r.text(3))], &a->by_programme[programme],
                                &a->by_month[month]}) {
                    b->ratings += n;
                    b->satisfied += ok;
                }
                a->by_level[level] += n;
            }
        });
    if (!s) return s.error();
    s = store_.query(
        "SELECT r.township, sc.code, count(*), sum(sc.score) FROM ratings r"
        " JOIN rating_scores sc ON sc.kiosk_id = r.kiosk_id AND sc.seq = r.seq"
        " WHERE r.corrected_ms >= ?1 AND r.corrected_ms < ?2 AND r.status = 'counted' AND (?3 = '' OR r.township = ?3 OR substr(r.township, 1, 6) = ?3)"
        " GROUP BY r.township, sc.code",
        {lo, hi, q.township}, [&](const SqlRow& r) {
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

Result<std::map<std::string, json>> Figures::scan_awareness(const StatsQuery& q) {
    std::vector<std::string> core;
    for (auto& question : policy_.quiz.questions())
        if (question.core) core.push_back(question.id);
    std::map<std::string, AwarenessAcc> acc;
    for (auto& t : townships(q.township)) acc[t];
    acc[""];
    const UtcMillis lo = start_of(q.from), hi = start_of(q.to.plus_days(1));
    std::string in_list;
    std::vector<SqlParam> params{lo, hi, q.township};
    for (auto& id : core) {
        in_list += (in_list.empty() ? "?" : ", ?") + std::to_string(params.size() + 1);
        params.push_back(id);
    }
    if (!core.empty()) {
        // A respondent is a quiz response with at least one core question; all_core_correct when every core
        // question it answered was right.
        auto s = store_.query(
            "SELECT township, CASE WHEN c = n THEN 1 ELSE 0 END, count(*) FROM (SELECT min(township) AS township, count(*) AS n,"
            " sum(correct) AS c FROM quiz_answers WHERE corrected_ms >= ?1 AND corrected_ms < ?2 AND (?3 = '' OR township = ?3 OR substr(township, 1, 6) = ?3)"
            " AND question_id IN (" + in_list + ") GROUP BY kiosk_id, seq) t GROUP BY township, CASE WHEN c = n THEN 1 ELSE 0 END",
            params, [&](const SqlRow& r) {
                for (auto* a : {&acc[r.text(0)], &acc[""]}) {
                    a->respondents += r.integer(2);
                    if (r.integer(1) == 1) a->all_correct += r.integer(2);
                }
            });
        if (!s) return s.error();
    }
    auto s = store_.query("SELECT township, question_id, count(*), sum(correct) FROM quiz_answers"
                          " WHERE corrected_ms >= ?1 AND corrected_ms < ?2 AND (?3 = '' OR township = ?3 OR substr(township, 1, 6) = ?3)"
                          " GROUP BY township, question_id",
                          {lo, hi, q.township}, [&](const SqlRow& r) {
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

Result<std::map<std::string, int>> Figures::scan_awaiting_county_visit() {
    auto loaded = cases_at("", today_);
    if (!loaded) return loaded.error();
    std::map<std::string, int> waiting;
    for (std::size_t i = 0; i < (*loaded)->cases.size(); ++i) {
        const CaseRow& c = (*loaded)->cases[i];
        const auto& st = (*loaded)->status[i];
        const Programme* p = policy_.rules.programme(c.programme);
        if (!p || !st || (!c.close_relative && c.complaints == 0) || p->close_relative_requires.empty()) continue;
        if (!st->accepted || st->decided || st->closed) continue;
        bool visited = true;
        for (auto& need : p->close_relative_requires) visited = visited && stage_date(c.history, need).has_value();
        if (!visited) ++waiting[c.township];
    }
    return waiting;
}

}  // namespace yimen::county
