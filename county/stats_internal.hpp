// stats_internal.hpp — helpers shared by the figure engine's files (stats.cpp, stats_tables.cpp, stats_scan.cpp):
// the county day arithmetic, rates, and the accumulators whose JSON is the figures' contract (county/API.md §5).
#pragma once
#include <algorithm>
#include <cstdio>
#include <optional>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "county/stats.hpp"
#include "policy/rating.hpp"

namespace yimen::county::stats_detail {

using nlohmann::json;

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kOffsetMs = kCountyUtcOffsetSeconds * 1000;

inline UtcMillis start_of(CivilDate d) { return d.to_days() * kDayMs - kOffsetMs; }
inline CivilDate day_of_number(std::int64_t day) { return CivilDate::from_days(day); }
inline std::string month_of(CivilDate d) { return d.iso().substr(0, 7); }

inline json rate(std::int64_t part, std::int64_t whole) {
    if (whole <= 0) return json();
    return static_cast<double>(part) / static_cast<double>(whole);
}

inline json counts_json(std::int64_t n, std::int64_t within) { return {{"decided", n}, {"within_limit", within}, {"rate", rate(within, n)}}; }

// Nearest-rank quantile of a histogram (value → count); the same answer as nearest_rank over the sorted values.
inline std::int64_t nearest_rank_of(const std::map<std::int64_t, std::int64_t>& hist, double q) {
    std::int64_t total = 0;
    for (auto& [v, n] : hist) total += n;
    if (total == 0) return 0;
    auto rank = static_cast<std::int64_t>(std::ceil(q * static_cast<double>(total)));
    rank = std::clamp<std::int64_t>(rank, 1, total);
    for (auto& [v, n] : hist) {
        if (rank <= n) return v;
        rank -= n;
    }
    return hist.rbegin()->first;
}

// Overdue open cases of a township drill-down: the most days overdue first, at most this many.
inline constexpr std::size_t kOverdueListMax = 500;
inline void sort_overdue_list(json& list) {
    std::vector<json> v(list.begin(), list.end());
    std::sort(v.begin(), v.end(), [](const json& a, const json& b) {
        if (a["days_overdue_wd"] != b["days_overdue_wd"]) return a["days_overdue_wd"] > b["days_overdue_wd"];
        return a["receipt_number"] < b["receipt_number"];
    });
    if (v.size() > kOverdueListMax) v.resize(kOverdueListMax);
    list = json(v);
}

struct TimelinessAcc {
    std::int64_t decided = 0, within = 0, extended = 0, open = 0, overdue_open = 0, approaching = 0;
    std::map<std::int64_t, std::int64_t> wd;  // working days used → decided cases
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> by_programme, by_month, by_channel;
    std::int64_t accepted = 0, acceptance_over = 0;
    std::map<std::int64_t, std::int64_t> acceptance_wd;  // 申请 → 受理 working days (at least 0) → cases
    json overdue_list = json::array();

    json to_json(int acceptance_limit) {
        json out = {{"decided", decided},
                    {"within_limit", within},
                    {"within_limit_rate", rate(within, decided)},
                    {"extended", extended},
                    {"open", open},
                    {"overdue_open", overdue_open},
                    {"approaching", approaching},
                    {"median_wd", wd.empty() ? json() : json(nearest_rank_of(wd, 0.5))},
                    {"p90_wd", wd.empty() ? json() : json(nearest_rank_of(wd, 0.9))}};
        json bp = json::object(), bm = json::object(), bc = json::object();
        for (auto& [k, v] : by_programme) bp[k] = counts_json(v.first, v.second);
        for (auto& [k, v] : by_month) bm[k] = counts_json(v.first, v.second);
        for (auto& [k, v] : by_channel) bc[k] = counts_json(v.first, v.second);
        out["by_programme"] = bp;
        out["by_month"] = bm;
        out["by_channel"] = bc;
        out["acceptance"] = {{"accepted", accepted},
                             {"limit_wd", acceptance_limit},
                             {"over_limit", acceptance_over},
                             {"median_wd", acceptance_wd.empty() ? json() : json(nearest_rank_of(acceptance_wd, 0.5))}};
        return out;
    }
};

inline std::string channel_name(const std::string& c) {
    if (c == "kiosk" || c == "self") return "self_service";
    if (c == "assisted") return "assisted";
    return c.empty() ? "other" : c;
}

struct Satisfied {
    std::int64_t ratings = 0, satisfied = 0;
    json to_json() const { return {{"ratings", ratings}, {"satisfied", satisfied}, {"rate", rate(satisfied, ratings)}}; }
};

struct SatisfactionAcc {
    Satisfied all;
    std::map<int, std::int64_t> by_level;
    std::map<std::string, Satisfied> by_channel, by_programme, by_month;
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> sub;  // code → (count, sum)
};


inline json satisfaction_json(SatisfactionAcc& a, const RatingModel& model, int small_sample) {
    json levels = json::object();
    for (int l = 1; l <= 5; ++l) levels[std::to_string(l)] = a.by_level.count(l) ? a.by_level[l] : 0;
    json sub = json::object();
    for (auto& code : model.sub_indicators()) {
        auto it = a.sub.find(code.code);
        const std::int64_t n = it == a.sub.end() ? 0 : it->second.first;
        sub[code.code] = {{"name", code.name},
                          {"count", n},
                          {"average", n ? json(static_cast<double>(it->second.second) / static_cast<double>(n)) : json()}};
    }
    json by_channel = json::object(), by_programme = json::object(), by_month = json::object();
    for (auto& [k, v] : a.by_channel) by_channel[k] = v.to_json();
    for (auto& [k, v] : a.by_programme) by_programme[k] = v.to_json();
    for (auto& [k, v] : a.by_month) by_month[k] = v.to_json();
    json o = a.all.to_json();
    o["small_sample"] = a.all.ratings < small_sample;
    o["by_level"] = levels;
    o["sub_indicators"] = sub;
    o["by_channel"] = by_channel;
    o["by_programme"] = by_programme;
    o["by_month"] = by_month;
    return o;
}

struct ConvenienceAcc {
    std::int64_t cases = 0, visits = 0, repeat_visit_cases = 0, notices = 0, repeated_materials = 0,
                 repeated_material_cases = 0;
    json to_json() const {
        return {{"cases", cases},
                {"visits", visits},
                {"visits_per_case", cases ? json(static_cast<double>(visits) / static_cast<double>(cases)) : json()},
                {"repeat_visit_cases", repeat_visit_cases},
                {"one_time_notices", notices},
                {"one_time_notice_rate", rate(notices, cases)},
                {"repeated_materials", repeated_materials},
                {"repeated_material_cases", repeated_material_cases}};
    }
};

struct AwarenessAcc {
    std::int64_t respondents = 0, all_correct = 0;
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> by_question;  // id → (answered, correct)
};

template <typename QuizT>
json awareness_json(const AwarenessAcc& a, const QuizT& quiz, int small_sample) {
    json qs = json::array();
    for (auto& question : quiz.questions()) {
        auto it = a.by_question.find(question.id);
        const std::int64_t n = it == a.by_question.end() ? 0 : it->second.first;
        const std::int64_t ok = it == a.by_question.end() ? 0 : it->second.second;
        qs.push_back({{"id", question.id}, {"core", question.core}, {"answered", n}, {"correct", ok}, {"rate", rate(ok, n)}});
    }
    return {{"respondents", a.respondents},
            {"all_core_correct", a.all_correct},
            {"rate", rate(a.all_correct, a.respondents)},
            {"small_sample", a.respondents < small_sample},
            {"by_question", qs}};
}

// ---- Shared by the lifecycle, spot-check and output files ----

inline const Error kNotFound{"not_found", "没有找到这一项，或不属于您所在的乡镇。"};

inline bool is_county(const StatsActor& who) { return who.role == "county-admin" || who.role == "county-staff"; }
inline bool may_see(const StatsActor& who, const std::string& township) {
    return is_county(who) || (who.role == "township-staff" && who.township == township);
}

inline std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

inline std::uint64_t fnv1a64(const std::string& s) {
    std::uint64_t h = 0xCBF29CE484222325ULL;
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001B3ULL;
    }
    return h;
}

inline std::string hex64(std::uint64_t v) {
    static const char* digits = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = digits[v & 0xF];
    return out;
}

inline std::optional<std::uint64_t> parse_hex64(const std::string& s) {
    if (s.size() != 16) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        v <<= 4;
        if (c >= '0' && c <= '9') v |= static_cast<std::uint64_t>(c - '0');
        else if (c >= 'a' && c <= 'f') v |= static_cast<std::uint64_t>(c - 'a' + 10);
        else return std::nullopt;
    }
    return v;
}

inline bool valid_month(const std::string& m) {
    return m.size() == 7 && m[4] == '-' && CivilDate::parse(m + "-01").ok();
}

// A step of a lifecycle: actor, civil date and note, kept in supervision_steps.
inline Status add_step(Store& store, const std::string& subject, const std::string& id, const std::string& state,
                const std::string& actor, CivilDate date, const std::string& note, UtcMillis now) {
    auto r = store.execute("INSERT INTO supervision_steps(subject, subject_id, state, actor, date, note, at_ms)"
                           " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           {subject, id, state, actor, date.iso(), note, now});
    if (!r) return r.error();
    return Ok{};
}

inline Result<json> steps_of(Store& store, const std::string& subject, const std::string& id) {
    json out = json::array();
    auto s = store.query("SELECT state, actor, date, note, at_ms FROM supervision_steps WHERE subject = ?1 AND subject_id = ?2"
                         " ORDER BY id",
                         {subject, id}, [&](const SqlRow& r) {
                             out.push_back({{"state", r.text(0)}, {"actor", r.text(1)}, {"date", r.text(2)},
                                            {"note", r.text(3)}, {"at", format_rfc3339(r.integer(4))}});
                         });
    if (!s) return s.error();
    return out;
}

// The date of a step: given (not after today, not before the previous step) or today; the note is required.
inline Result<CivilDate> step_date(const json& body, CivilDate today, CivilDate not_before) {
    if (!body.is_object()) return Error{"bad_request", "请求须为 JSON 对象。"};
    if (!body.contains("note") || !body["note"].is_string() || body["note"].get<std::string>().empty())
        return Error{"note_required", "每一步都须写明情况说明（note）。"};
    if (body["note"].get<std::string>().size() > 2000) return Error{"bad_request", "情况说明过长（最多 2000 字节）。"};
    CivilDate date = today;
    if (body.contains("date")) {
        if (!body["date"].is_string()) return Error{"bad_request", "日期格式应为 YYYY-MM-DD。"};
        auto d = CivilDate::parse(body["date"].get<std::string>());
        if (!d) return Error{"bad_request", "日期格式应为 YYYY-MM-DD。"};
        date = *d;
    }
    if (date > today) return Error{"bad_request", "日期不能晚于今天。"};
    if (date < not_before) return Error{"bad_request", "日期不能早于上一步（" + not_before.iso() + "）。"};
    return date;
}

inline CivilDate parse_or_epoch(const std::string& text) {
    auto d = CivilDate::parse(text);
    return d ? *d : CivilDate{};
}

inline std::optional<CivilDate> optional_date(const SqlRow& r, int col) {
    if (r.is_null(col)) return std::nullopt;
    auto d = CivilDate::parse(r.text(col));
    return d ? std::optional<CivilDate>(*d) : std::nullopt;
}

inline int state_index(const std::vector<std::string>& order, const std::string& s) {
    auto it = std::find(order.begin(), order.end(), s);
    return it == order.end() ? -1 : static_cast<int>(it - order.begin());
}

inline const std::vector<std::string> kFollowUpStates = {"open", "called_back", "rectified", "closed"};
inline const std::vector<std::string> kComplaintStates = {"received", "assigned", "replied", "closed"};

inline std::string complaint_state_name(const std::string& s) {
    if (s == "received") return "已收到";
    if (s == "assigned") return "已交办";
    if (s == "replied") return "已答复";
    if (s == "closed") return "已办结";
    return s;
}

inline std::string pct_text(const json& v) {
    if (v.is_null()) return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", v.get<double>() * 100.0);
    return buf;
}

inline std::string num_text(const json& v) {
    if (v.is_null()) return "";
    if (v.is_number_float()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2f", v.get<double>());
        return buf;
    }
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}


}  // namespace yimen::county::stats_detail
