// stats_internal.hpp — helpers shared by the figure engine's files (stats.cpp, stats_tables.cpp, stats_scan.cpp):
// the county day arithmetic, rates, and the accumulators whose JSON is the figures' contract (county/API.md §5).
#pragma once
#include <algorithm>
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

}  // namespace yimen::county::stats_detail
