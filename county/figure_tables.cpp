// figure_tables.cpp — recomputes the marked cases and days of the figure tables (see figure_tables.hpp). A case's
// row comes from the policy's own evaluate_case over its stage history, so a figure never disagrees with the case
// screen; a day's row comes from a GROUP BY over that day's raw rows of one township.
#include "county/figure_tables.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>

#include "county/batch_insert.hpp"
#include "county/figure_days.hpp"
#include "county/stats_internal.hpp"
#include "policy/workflow.hpp"

namespace yimen::county {

using nlohmann::json;
using namespace figure_days;

namespace {

constexpr std::int64_t kNever = 99'999'999;  // end_day of a span still open, overdue_day of one never overdue
// Bump when the derivation below changes: every case is then recomputed once.
constexpr const char* kDerivationVersion = "case-facts-1";
// Above this many marked cases one pass over every case is faster than a look-up per case.
constexpr std::size_t kBulkThreshold = 5'000;

// The behaviour the case rows depend on: the rules files, every working day from 2020 to 2040, the derivation.
std::string rules_fingerprint(const PolicyData& policy) {
    static std::mutex mu;
    static std::map<const PolicyData*, std::string> cache;
    std::lock_guard lock(mu);
    if (auto it = cache.find(&policy); it != cache.end()) return it->second;
    std::string material = kDerivationVersion;
    // The county's own limits (county.programmes.json) override the shipped rules, so both count.
    for (const char* file : {"/rules/programmes.json", "/rules/county.programmes.json"}) {
        std::ifstream in(policy.assets_dir + file, std::ios::binary);
        std::ostringstream rules;
        rules << in.rdbuf();
        material += std::string("\n") + file + "\n" + rules.str();
    }
    for (CivilDate d{2020, 1, 1}; d.year <= 2040; d = d.plus_days(1))
        material.push_back(policy.calendar.is_working_day(d) ? '1' : '0');
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(material.data(), material.size(), md, &len, EVP_sha256(), nullptr);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out.push_back(hex[md[i] >> 4]);
        out.push_back(hex[md[i] & 15]);
    }
    cache[&policy] = out;
    return out;
}

std::vector<std::string> core_questions(const PolicyData& policy) {
    std::vector<std::string> core;
    for (auto& q : policy.quiz.questions())
        if (q.core) core.push_back(q.id);
    std::sort(core.begin(), core.end());
    return core;
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (auto& x : v) s += (s.empty() ? "" : ",") + x;
    return s;
}

std::optional<std::string> meta(Store& store, const std::string& key) {
    std::optional<std::string> out;
    (void)store.query("SELECT value FROM figure_meta WHERE key = ?1", {key}, [&](const SqlRow& r) { out = r.text(0); });
    return out;
}

Status set_meta(Store& store, const std::string& key, const std::string& value) {
    auto r = store.execute("INSERT INTO figure_meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
                           {key, value});
    if (!r) return r.error();
    return Ok{};
}



// ---- Cases -------------------------------------------------------------------------------------------------------

struct Visit {
    std::string receipt;
    UtcMillis submitted_ms = 0;
    std::vector<std::string> received;
};

struct CaseInput {
    std::string receipt, programme, township, channel, applicant_key;
    bool close_relative = false;
    UtcMillis submitted_ms = 0;
    bool notice = false;
    int complaints = 0;
    std::vector<StageEntry> history;
};

struct Span {
    std::int64_t start = 0, end = kNever;
    std::string stage;
    std::int64_t overdue_day = kNever;
    std::optional<std::int64_t> nearest_due, overall_due;
};

struct CaseOutput {
    std::optional<std::int64_t> acceptance_day, acceptance_wd, decided_day;
    bool within = false, extended = false, awaiting_visit = false;
    std::int64_t wd_used = 0, visits = 1, repeated = 0;
    std::vector<Span> spans;
};

void read_materials(const std::string& payload, std::vector<std::string>& received, bool& notice) {
    const json p = json::parse(payload, nullptr, false);
    if (!p.is_object()) return;
    for (auto& m : p.value("materials_received", json::array()))
        if (m.is_string()) received.push_back(m.get<std::string>());
    auto missing = p.value("materials_missing", json::array());
    notice = missing.is_array() && !missing.empty();
}


std::optional<CivilDate> first_stage(const std::vector<StageEntry>& h, const std::string& stage) {
    for (auto& e : h)
        if (e.stage == stage) return e.date;
    return std::nullopt;
}

CaseOutput derive(const CaseInput& c, const std::vector<Visit>& same_key, const PolicyData& policy) {
    CaseOutput out;
    const WorkCalendar& cal = policy.calendar;
    const std::int64_t submitted_day = county_day_of(c.submitted_ms);
    const Programme* p = policy.rules.programme(c.programme);
    const CaseFacts facts{c.close_relative, "", c.complaints};
    if (p && !c.history.empty()) {
        const auto& h = c.history;
        if (auto accepted = first_stage(h, "accepted"))
            if (auto applied = first_stage(h, "applied")) {
                out.acceptance_day = accepted->to_days();
                out.acceptance_wd = cal.working_days_between(*applied, *accepted).days;
            }
        // One evaluation per distinct stage date: the status in force from that day until the next stage's.
        std::vector<StageEntry> prefix;
        for (std::size_t i = 0; i < h.size();) {
            std::size_t j = i;
            while (j < h.size() && h[j].date == h[i].date) prefix.push_back(h[j++]);
            const CivilDate day = h[i].date;
            const CaseStatus st = evaluate_case(*p, facts, prefix, day, cal, policy.rules);
            if (j == h.size()) {
                if (st.decided && st.decided_on) {
                    out.decided_day = st.decided_on->to_days();
                    out.within = st.overall_due ? st.working_days_used <= st.overall_working_days : !st.overdue;
                    out.extended = st.extension_applies;
                    out.wd_used = st.working_days_used;
                }
                if (st.accepted && !st.decided && !st.closed && !p->close_relative_requires.empty() &&
                    (c.close_relative || c.complaints > 0)) {
                    bool visited = true;
                    for (auto& need : p->close_relative_requires) visited = visited && first_stage(h, need).has_value();
                    out.awaiting_visit = !visited;
                }
            }
            if (st.accepted && !st.decided && !st.closed) {
                Span s;
                s.start = day.to_days();
                s.end = j < h.size() ? h[j].date.to_days() : kNever;
                s.stage = st.current_stage;
                std::optional<CivilDate> due;
                if (st.overall_due) {
                    due = st.overall_due->date;
                    s.overall_due = st.overall_due->date.to_days();
                    s.overdue_day = std::min(s.overdue_day, st.overall_due->date.to_days() + 1);
                }
                if (!st.next_deadlines.empty()) {
                    if (!due || st.next_deadlines.front().due.date < *due) due = st.next_deadlines.front().due.date;
                    CivilDate last = st.next_deadlines.front().due.date;
                    for (auto& d : st.next_deadlines) last = std::max(last, d.due.date);
                    s.overdue_day = std::min(s.overdue_day, last.to_days() + 1);
                }
                if (due) s.nearest_due = due->to_days();
                if (s.end > s.start) out.spans.push_back(std::move(s));
            }
            i = j;
        }
    }
    // The applicant's visits during the case (any kiosk of the county), and materials handed in before.
    if (!c.applicant_key.empty()) {
        const std::int64_t last = out.decided_day.value_or(kNever);
        std::int64_t n = 0;
        std::vector<std::string> before;
        const std::vector<std::string>* mine = nullptr;
        for (auto& v : same_key) {
            const std::int64_t day = county_day_of(v.submitted_ms);
            if (day >= submitted_day && day <= last) ++n;
            if (v.receipt == c.receipt) mine = &v.received;
            else if (v.submitted_ms < c.submitted_ms) before.insert(before.end(), v.received.begin(), v.received.end());
        }
        out.visits = std::max<std::int64_t>(1, n);
        if (mine)
            for (auto& m : *mine)
                if (std::find(before.begin(), before.end(), m) != before.end()) ++out.repeated;
    }
    return out;
}

SqlParam opt1(std::optional<std::int64_t> v) { return v ? SqlParam{*v} : SqlParam{nullptr}; }

// A case_facts row in the column order of the INSERTs below.
std::vector<SqlParam> case_facts_row(const CaseInput& c, const CaseOutput& o) {
    return {c.receipt, c.township, c.programme, stats_detail::channel_name(c.channel), c.applicant_key,
            county_day_of(c.submitted_ms), opt1(o.acceptance_day), opt1(o.acceptance_wd), opt1(o.decided_day),
            std::int64_t{o.within}, std::int64_t{o.extended}, o.wd_used, std::int64_t{c.notice}, o.repeated, o.visits,
            std::int64_t{o.awaiting_visit}};
}

// Writes one case's rows and marks the days whose aggregates it touched, before and after.
Status write_case(Store& store, const CaseInput& c, const CaseOutput& o, bool had_row) {
    const std::int64_t submitted_day = county_day_of(c.submitted_ms);
    auto mark = [&](const char* kind, const std::string& township, const SqlParam& day) -> Status {
        if (std::holds_alternative<std::nullptr_t>(day)) return Ok{};
        return run(store, "INSERT INTO dirty_days(kind, township, day) VALUES(?1, ?2, ?3) ON CONFLICT DO NOTHING",
                   {std::string(kind), township, day});
    };
    if (had_row) {
        std::vector<std::tuple<const char*, std::string, SqlParam>> old;
        auto s = store.query("SELECT township, decided_day, acceptance_day, submitted_day FROM case_facts WHERE receipt_number = ?1",
                             {c.receipt}, [&](const SqlRow& r) {
                                 int col = 1;
                                 for (const char* kind : {"decided", "acceptance", "submitted"}) {
                                     if (!r.is_null(col)) old.emplace_back(kind, r.text(0), SqlParam{r.integer(col)});
                                     ++col;
                                 }
                             });
        if (!s) return s;
        s = store.query("SELECT township, start_day FROM case_spans WHERE receipt_number = ?1", {c.receipt},
                        [&](const SqlRow& r) { old.emplace_back("spans", r.text(0), SqlParam{r.integer(1)}); });
        if (!s) return s;
        for (auto& [kind, township, day] : old)
            if (auto m = mark(kind, township, day); !m) return m;
        if (auto d = run(store, "DELETE FROM case_spans WHERE receipt_number = ?1", {c.receipt}); !d) return d;
    }
    std::vector<SqlParam> row = case_facts_row(c, o);
    if (auto s = run(store,
                     "INSERT INTO case_facts(receipt_number, township, programme, channel, applicant_key, submitted_day,"
                     " acceptance_day, acceptance_wd, decided_day, within, extended, wd_used, notice, repeated_materials, visits,"
                     " awaiting_visit) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
                     " ON CONFLICT(receipt_number) DO UPDATE SET township = ?2, programme = ?3, channel = ?4, applicant_key = ?5,"
                     " submitted_day = ?6, acceptance_day = ?7, acceptance_wd = ?8, decided_day = ?9, within = ?10, extended = ?11,"
                     " wd_used = ?12, notice = ?13, repeated_materials = ?14, visits = ?15, awaiting_visit = ?16",
                     row);
        !s)
        return s;
    for (auto& sp : o.spans)
        if (auto s = run(store,
                         "INSERT INTO case_spans(receipt_number, start_day, end_day, township, programme, current_stage,"
                         " overdue_day, nearest_due, overall_due) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                         {c.receipt, sp.start, sp.end, c.township, c.programme, sp.stage, sp.overdue_day,
                          opt1(sp.nearest_due), opt1(sp.overall_due)});
            !s)
            return s;
    for (auto& sp : o.spans)
        if (auto s = mark("spans", c.township, SqlParam{sp.start}); !s) return s;
    for (auto& [kind, day] : {std::pair{"decided", opt1(o.decided_day)}, std::pair{"acceptance", opt1(o.acceptance_day)},
                              std::pair{"submitted", SqlParam{submitted_day}}})
        if (auto s = mark(kind, c.township, day); !s) return s;
    return Ok{};
}

// Every case in one pass: the applications, their stages and complaint links streamed once.
Status refresh_all_cases(Store& store, const PolicyData& policy, std::int64_t& count) {
    std::vector<CaseInput> cases;
    std::unordered_map<std::string, std::size_t> index;
    std::unordered_map<std::string, std::vector<Visit>> by_key;
    auto s = store.query("SELECT receipt_number, programme, township, channel, applicant_key, close_relative, submitted_ms,"
                         " payload FROM applications",
                         {}, [&](const SqlRow& r) {
                             CaseInput c;
                             c.receipt = r.text(0);
                             c.programme = r.text(1);
                             c.township = r.text(2);
                             c.channel = r.text(3);
                             c.applicant_key = r.text(4);
                             c.close_relative = r.integer(5) != 0;
                             c.submitted_ms = r.integer(6);
                             Visit v{c.receipt, c.submitted_ms, {}};
                             read_materials(r.text(7), v.received, c.notice);
                             if (!c.applicant_key.empty()) by_key[c.applicant_key].push_back(std::move(v));
                             index.emplace(c.receipt, cases.size());
                             cases.push_back(std::move(c));
                         });
    if (!s) return s;
    s = store.query("SELECT receipt_number, stage, date, actor, reason, fields FROM stage_events ORDER BY id", {},
                    [&](const SqlRow& r) {
                        if (auto it = index.find(r.text(0)); it != index.end())
                            cases[it->second].history.push_back(stage_entry_of(r, 1));
                    });
    if (!s) return s;
    s = store.query("SELECT case_receipt, count(*) FROM complaint_links GROUP BY case_receipt", {}, [&](const SqlRow& r) {
        if (auto it = index.find(r.text(0)); it != index.end()) cases[it->second].complaints = static_cast<int>(r.integer(1));
    });
    if (!s) return s;
    for (auto* t : {"DELETE FROM case_facts", "DELETE FROM case_spans", "DELETE FROM span_groups", "DELETE FROM daily_decided",
                    "DELETE FROM daily_decided_wd", "DELETE FROM monthly_decided", "DELETE FROM monthly_decided_wd",
                    "DELETE FROM daily_acceptance", "DELETE FROM daily_submitted"})
        if (auto d = run(store, t); !d) return d;
    // Plain INSERTs, many rows a statement (no conflict can arise: the tables were just emptied).
    BatchInsert facts(store, "case_facts",
                      {"receipt_number", "township", "programme", "channel", "applicant_key", "submitted_day", "acceptance_day",
                       "acceptance_wd", "decided_day", "within", "extended", "wd_used", "notice", "repeated_materials",
                       "visits", "awaiting_visit"});
    BatchInsert spans(store, "case_spans",
                      {"receipt_number", "start_day", "end_day", "township", "programme", "current_stage", "overdue_day",
                       "nearest_due", "overall_due"});
    static const std::vector<Visit> kNone;
    for (auto& c : cases) {
        auto it = by_key.find(c.applicant_key);
        const CaseOutput o = derive(c, it == by_key.end() ? kNone : it->second, policy);
        if (auto w = facts.add(case_facts_row(c, o)); !w) return w;
        for (auto& sp : o.spans)
            if (auto w = spans.add({c.receipt, sp.start, sp.end, c.township, c.programme, sp.stage, sp.overdue_day,
                                    opt1(sp.nearest_due), opt1(sp.overall_due)});
                !w)
                return w;
    }
    if (auto f = facts.flush(); !f) return f;
    if (auto f = spans.flush(); !f) return f;
    count = static_cast<std::int64_t>(cases.size());
    return run(store, "DELETE FROM dirty_cases");
}

// A few marked cases, each looked up by its receipt number.
Status refresh_marked_cases(Store& store, const PolicyData& policy, const std::vector<std::string>& receipts) {
    for (auto& receipt : receipts) {
        std::optional<CaseInput> c;
        std::string payload;
        auto s = store.query("SELECT programme, township, channel, applicant_key, close_relative, submitted_ms, payload"
                             " FROM applications WHERE receipt_number = ?1",
                             {receipt}, [&](const SqlRow& r) {
                                 c = CaseInput{};
                                 c->receipt = receipt;
                                 c->programme = r.text(0);
                                 c->township = r.text(1);
                                 c->channel = r.text(2);
                                 c->applicant_key = r.text(3);
                                 c->close_relative = r.integer(4) != 0;
                                 c->submitted_ms = r.integer(5);
                                 payload = r.text(6);
                             });
        if (!s) return s;
        bool had_row = false;
        s = store.query("SELECT 1 FROM case_facts WHERE receipt_number = ?1", {receipt}, [&](const SqlRow&) { had_row = true; });
        if (!s) return s;
        if (c) {
            std::vector<std::string> mine;
            read_materials(payload, mine, c->notice);
            s = store.query("SELECT stage, date, actor, reason, fields FROM stage_events WHERE receipt_number = ?1 ORDER BY id",
                            {receipt}, [&](const SqlRow& r) { c->history.push_back(stage_entry_of(r, 0)); });
            if (!s) return s;
            s = store.query("SELECT count(*) FROM complaint_links WHERE case_receipt = ?1", {receipt},
                            [&](const SqlRow& r) { c->complaints = static_cast<int>(r.integer(0)); });
            if (!s) return s;
            std::vector<Visit> same_key;
            if (!c->applicant_key.empty()) {
                s = store.query("SELECT receipt_number, submitted_ms, payload FROM applications WHERE applicant_key = ?1",
                                {c->applicant_key}, [&](const SqlRow& r) {
                                    Visit v{r.text(0), r.integer(1), {}};
                                    bool ignored = false;
                                    read_materials(r.text(2), v.received, ignored);
                                    same_key.push_back(std::move(v));
                                });
                if (!s) return s;
            }
            if (auto w = write_case(store, *c, derive(*c, same_key, policy), had_row); !w) return w;
        } else if (had_row) {  // a case row whose application is gone (never in practice): drop it and its days
            CaseInput gone;
            gone.receipt = receipt;
            if (auto w = write_case(store, gone, CaseOutput{}, true); !w) return w;
            if (auto d = run(store, "DELETE FROM case_facts WHERE receipt_number = ?1", {receipt}); !d) return d;
        }
        if (auto d = run(store, "DELETE FROM dirty_cases WHERE receipt_number = ?1", {receipt}); !d) return d;
    }
    return Ok{};
}

}  // namespace

StageEntry stage_entry_of(const SqlRow& r, int first) {
    StageEntry e;
    e.stage = r.text(first);
    auto d = CivilDate::parse(r.text(first + 1));
    e.date = d ? *d : CivilDate{};
    e.actor = r.text(first + 2);
    e.reason = r.text(first + 3);
    const std::string fields = r.text(first + 4);
    if (fields != "{}") e.fields = json::parse(fields, nullptr, false);
    if (!e.fields.is_object()) e.fields = json::object();
    return e;
}

std::int64_t county_day_of(UtcMillis t) {
    const std::int64_t shifted = t + kOffsetMs;
    return shifted >= 0 ? shifted / kDayMs : -((-shifted + kDayMs - 1) / kDayMs);
}

Result<FigureRefresh> refresh_figure_tables(Store& store, const PolicyData& policy, bool rebuild_all) {
    FigureRefresh out;
    const std::string rules_fp = rules_fingerprint(policy);
    const std::vector<std::string> core = core_questions(policy);
    const std::string core_fp = joined(core);
    std::int64_t dirty_cases = 0, dirty_days = 0;
    auto s = store.query("SELECT (SELECT count(*) FROM dirty_cases), (SELECT count(*) FROM dirty_days)", {},
                         [&](const SqlRow& r) {
                             dirty_cases = r.integer(0);
                             dirty_days = r.integer(1);
                         });
    if (!s) return s.error();
    const auto stored_rules = meta(store, "rules"), stored_core = meta(store, "quiz_core");
    if (!rebuild_all && dirty_cases == 0 && dirty_days == 0 && stored_rules == rules_fp && stored_core == core_fp)
        return out;

    s = store.transaction([&]() -> Status {
        if (meta(store, "rules") != rules_fp) {
            if (auto r = run(store, "INSERT INTO dirty_cases(receipt_number) SELECT receipt_number FROM applications WHERE 1 = 1"
                                    " ON CONFLICT DO NOTHING");
                !r)
                return r;
            if (auto r = set_meta(store, "rules", rules_fp); !r) return r;
            out.rebuilt = true;
        }
        if (meta(store, "quiz_core") != core_fp) {
            if (auto r = run(store, "INSERT INTO dirty_days(kind, township, day) SELECT DISTINCT 'quiz', township,"
                                    " (corrected_ms + " + std::to_string(kOffsetMs) + ") / " + std::to_string(kDayMs) +
                                    " FROM quiz_answers WHERE 1 = 1 ON CONFLICT DO NOTHING");
                !r)
                return r;
            if (auto r = set_meta(store, "quiz_core", core_fp); !r) return r;
            out.rebuilt = true;
        }
        std::vector<std::string> receipts;
        if (auto q = store.query("SELECT receipt_number FROM dirty_cases ORDER BY receipt_number", {},
                                 [&](const SqlRow& r) { receipts.push_back(r.text(0)); });
            !q)
            return q;
        const bool all_cases = rebuild_all || receipts.size() > kBulkThreshold;
        if (rebuild_all) out.rebuilt = true;
        if (all_cases) {
            if (auto r = refresh_all_cases(store, policy, out.cases); !r) return r;
        } else if (!receipts.empty()) {
            if (auto r = refresh_marked_cases(store, policy, receipts); !r) return r;
            out.cases = static_cast<std::int64_t>(receipts.size());
        }
        std::vector<std::tuple<std::string, std::string, std::int64_t>> days;
        if (!all_cases)
            if (auto q = store.query("SELECT kind, township, day FROM dirty_days", {},
                                     [&](const SqlRow& r) { days.emplace_back(r.text(0), r.text(1), r.integer(2)); });
                !q)
                return q;
        if (all_cases || days.size() > kBulkDays) {
            if (auto r = refresh_all_days(store, core); !r) return r;
            auto n = store.query("SELECT (SELECT count(*) FROM (SELECT DISTINCT township, day FROM daily_decided) a)"
                                 " + (SELECT count(*) FROM (SELECT DISTINCT township, start_day FROM span_groups) b)"
                                 " + (SELECT count(*) FROM (SELECT DISTINCT township, day FROM daily_acceptance) e)"
                                 " + (SELECT count(*) FROM daily_submitted)"
                                 " + (SELECT count(*) FROM (SELECT DISTINCT township, day FROM daily_ratings) c)"
                                 " + (SELECT count(*) FROM (SELECT DISTINCT township, day FROM daily_quiz) d)",
                                 {}, [&](const SqlRow& r) { out.days = r.integer(0); });
            if (!n) return n;
            return run(store, "DELETE FROM dirty_days");
        }
        std::set<std::tuple<std::string, std::string, std::int64_t>> months;
        for (auto& [kind, township, day] : days) {
            if (auto r = refresh_day(store, kind, township, day, core); !r) return r;
            if (kind == "decided" || kind == "rating") months.emplace(kind, township, month_key(day));
        }
        for (auto& [kind, township, month] : months)
            if (auto r = refresh_month(store, kind, township, month); !r) return r;
        out.days = static_cast<std::int64_t>(days.size());
        return run(store, "DELETE FROM dirty_days");
    });
    if (!s) return s.error();
    return out;
}

}  // namespace yimen::county
