// stats.cpp — the supervision figures (see stats.hpp): the figure set and its parts, the complaint, follow-up and
// spot-check parts, the scorecard, the fleet and the alert rules. The case, rating and quiz parts are read from the
// figure tables (stats_tables.cpp) or, as the tests' reference, scanned (stats_scan.cpp); the lifecycles' state
// changes are in stats_lifecycle.cpp, the draws in stats_spot.cpp, the rows for output in stats_format.cpp.
#include "county/stats.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <unordered_map>

#include <toml++/toml.h>

#include "county/stats_internal.hpp"
#include "base/canonical_json.hpp"
#include "policy/receipt_number.hpp"
#include "policy/workflow.hpp"

namespace yimen::county {

using nlohmann::json;
using namespace stats_detail;

std::int64_t nearest_rank(const std::vector<std::int64_t>& sorted, double q) {
    if (sorted.empty()) return 0;
    auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
    if (rank < 1) rank = 1;
    return sorted[std::min(rank, sorted.size()) - 1];
}

Result<StatsConfig> load_stats_config(const std::string& toml_path) {
    StatsConfig cfg;
    std::error_code ec;
    if (toml_path.empty() || !std::filesystem::exists(toml_path, ec)) return cfg;
    try {
        auto t = toml::parse_file(toml_path);
        auto s = t["stats"];
        auto get = [&](const char* key, int& v) { v = s[key].value_or(v); };
        get("follow_up_working_days", cfg.follow_up_working_days);
        get("complaint_reply_working_days", cfg.complaint_reply_working_days);
        get("acceptance_limit_working_days", cfg.acceptance_limit_working_days);
        get("approaching_working_days", cfg.approaching_working_days);
        get("small_sample", cfg.small_sample);
        get("spot_check_ratio_pct", cfg.spot_check_ratio_pct);
        get("alert_overdue_share_pct", cfg.alert_overdue_share_pct);
        get("alert_satisfaction_drop_pct", cfg.alert_satisfaction_drop_pct);
        get("alert_kiosk_silent_hours", cfg.alert_kiosk_silent_hours);
        get("alert_notice_working_days", cfg.alert_notice_working_days);
        get("alert_interval_minutes", cfg.alert_interval_minutes);
        get("home_visit_ratio_pct", cfg.home_visit_ratio_pct);
        if (auto m = s["spot_check_min_pct"].as_table())
            for (auto& [k, v] : *m) cfg.spot_check_min_pct[std::string(k.str())] = v.value_or(0);
        if (auto w = s["weights"].as_table()) {
            cfg.weights.clear();
            for (auto& [k, v] : *w) cfg.weights[std::string(k.str())] = v.value_or(0);
        }
    } catch (const toml::parse_error& e) {
        return Error{"bad_config", "配置文件 " + toml_path + " 有误：" + std::string(e.description())};
    }
    auto pct_ok = [](int v) { return v >= 0 && v <= 100; };
    if (cfg.follow_up_working_days < 1 || cfg.complaint_reply_working_days < 1 || cfg.acceptance_limit_working_days < 0 ||
        cfg.small_sample < 1 || !pct_ok(cfg.spot_check_ratio_pct) || !pct_ok(cfg.home_visit_ratio_pct) || !pct_ok(cfg.alert_overdue_share_pct) ||
        !pct_ok(cfg.alert_satisfaction_drop_pct) || cfg.alert_kiosk_silent_hours < 1 || cfg.alert_notice_working_days < 1 ||
        cfg.alert_interval_minutes < 0)
        return Error{"bad_config", "配置文件 " + toml_path + " 的 [stats] 有超出范围的值（天数须为正数，百分比在 0 到 100 之间）。"};
    for (auto& [k, v] : cfg.spot_check_min_pct)
        if (!pct_ok(v)) return Error{"bad_config", "[stats.spot_check_min_pct] " + k + " 须在 0 到 100 之间。"};
    for (auto& [k, v] : cfg.weights)
        if (v < 0) return Error{"bad_config", "[stats.weights] " + k + " 不能为负数。"};
    return cfg;
}

// ---------------------------------------------------------------------------------------------------------------

std::vector<std::string> Figures::townships(const std::string& only) {
    if (only.size() == 9) return {only};
    if (!all_townships_) {
        std::vector<std::string> out;
        (void)store_.query("SELECT township FROM kiosks UNION SELECT DISTINCT township FROM applications ORDER BY 1", {},
                           [&](const SqlRow& r) { out.push_back(r.text(0)); });
        all_townships_ = std::move(out);
    }
    if (only.empty()) return *all_townships_;
    // A 6-digit county code: its townships are the 9-digit codes it begins (a city's store holds several counties).
    std::vector<std::string> in_county;
    for (auto& t : *all_townships_)
        if (t.rfind(only, 0) == 0) in_county.push_back(t);
    return in_county;
}

Result<std::map<std::string, json>> Figures::complaints(const StatsQuery& q) {
    const CivilDate until = as_of(q);
    struct Acc {
        std::int64_t filed = 0, open = 0, closed = 0, overdue = 0, replied_late = 0;
        std::map<std::string, std::int64_t> by_category, by_state;
        std::vector<std::int64_t> days_to_close;
    };
    std::map<std::string, Acc> acc;
    for (auto& t : townships(q.township)) acc[t];
    acc[""];
    const UtcMillis lo = start_of(q.from), hi = start_of(q.to.plus_days(1));
    auto s = store_.query(
        "SELECT township, category, state, filed_ms, replied_date, closed_date FROM complaints"
        " WHERE filed_ms >= ?1 AND filed_ms < ?2 AND (?3 = '' OR township = ?3 OR substr(township, 1, 6) = ?3)",
        {lo, hi, q.township}, [&](const SqlRow& r) {
            const CivilDate filed = county_date_at(r.integer(3));
            const CivilDate due = policy_.calendar.add_working_days(filed, cfg_.complaint_reply_working_days).date;
            const std::string state = r.text(2);
            const auto replied = optional_date(r, 4), closed = optional_date(r, 5);
            const bool answered = replied || closed;
            for (auto* a : {&acc[r.text(0)], &acc[""]}) {
                ++a->filed;
                ++a->by_category[r.text(1)];
                ++a->by_state[state];
                if (state == "closed") {
                    ++a->closed;
                    if (closed) a->days_to_close.push_back(closed->to_days() - filed.to_days());
                } else {
                    ++a->open;
                }
                if (!answered && until > due) ++a->overdue;
                const std::optional<CivilDate> answer_day = replied ? replied : closed;
                if (answer_day && *answer_day > due) ++a->replied_late;
            }
        });
    if (!s) return s.error();
    std::map<std::string, json> out;
    for (auto& [t, a] : acc) {
        std::sort(a.days_to_close.begin(), a.days_to_close.end());
        out[t] = {{"filed", a.filed},
                  {"open", a.open},
                  {"closed", a.closed},
                  {"overdue", a.overdue},
                  {"replied_late", a.replied_late},
                  {"reply_limit_wd", cfg_.complaint_reply_working_days},
                  {"by_category", a.by_category},
                  {"by_state", a.by_state},
                  {"median_days_to_close", a.days_to_close.empty() ? json() : json(nearest_rank(a.days_to_close, 0.5))}};
    }
    return out;
}

Result<std::map<std::string, json>> Figures::follow_ups(const StatsQuery& q) {
    const CivilDate until = as_of(q);
    struct Acc {
        std::int64_t opened = 0, closed = 0, overdue = 0;
        std::map<std::string, std::int64_t> by_state;
    };
    std::map<std::string, Acc> acc;
    for (auto& t : townships(q.township)) acc[t];
    acc[""];
    const UtcMillis lo = start_of(q.from), hi = start_of(q.to.plus_days(1));
    auto s = store_.query("SELECT township, state, opened_date FROM follow_ups"
                          " WHERE opened_ms >= ?1 AND opened_ms < ?2 AND (?3 = '' OR township = ?3 OR substr(township, 1, 6) = ?3)",
                          {lo, hi, q.township}, [&](const SqlRow& r) {
                              auto opened = CivilDate::parse(r.text(2));
                              const std::string state = r.text(1);
                              const bool late =
                                  opened && state != "closed" &&
                                  until > policy_.calendar.add_working_days(*opened, cfg_.follow_up_working_days).date;
                              for (auto* a : {&acc[r.text(0)], &acc[""]}) {
                                  ++a->opened;
                                  ++a->by_state[state];
                                  if (state == "closed") ++a->closed;
                                  if (late) ++a->overdue;
                              }
                          });
    if (!s) return s.error();
    std::map<std::string, json> out;
    for (auto& [t, a] : acc)
        out[t] = {{"opened", a.opened},
                  {"closed", a.closed},
                  {"open", a.opened - a.closed},
                  {"overdue", a.overdue},
                  {"due_wd", cfg_.follow_up_working_days},
                  {"by_state", a.by_state}};
    return out;
}

Result<std::map<std::string, json>> Figures::spot_checks(const StatsQuery& q) {
    struct Acc {
        std::int64_t drawn = 0, checked = 0, ok = 0, problem = 0;
    };
    std::map<std::string, Acc> acc;
    for (auto& t : townships(q.township)) acc[t];
    acc[""];
    auto s = store_.query("SELECT s.township, s.finding FROM spot_samples s JOIN spot_draws d ON d.id = s.draw_id"
                          " WHERE d.month >= ?1 AND d.month <= ?2 AND (?3 = '' OR s.township = ?3 OR substr(s.township, 1, 6) = ?3)",
                          {month_of(q.from), month_of(q.to), q.township}, [&](const SqlRow& r) {
                              const std::string f = r.text(1);
                              for (auto* a : {&acc[r.text(0)], &acc[""]}) {
                                  ++a->drawn;
                                  if (!f.empty()) ++a->checked;
                                  if (f == "ok") ++a->ok;
                                  if (f == "problem") ++a->problem;
                              }
                          });
    if (!s) return s.error();
    std::map<std::string, json> out;
    for (auto& [t, a] : acc)
        out[t] = {{"drawn", a.drawn}, {"checked", a.checked}, {"ok", a.ok}, {"problem", a.problem}, {"ok_rate", rate(a.ok, a.checked)}};
    return out;
}

Result<std::map<std::string, json>> Figures::compute(const std::string& name, const StatsQuery& q) {
    if (name == "timeliness") return timeliness(q);
    if (name == "convenience") return convenience(q);
    if (name == "satisfaction") return satisfaction(q);
    if (name == "awareness") return awareness(q);
    if (name == "complaints") return complaints(q);
    if (name == "follow_ups") return follow_ups(q);
    if (name == "spot_checks") return spot_checks(q);
    return kNotFound;
}

namespace {
const std::vector<std::string> kParts = {"timeliness", "convenience", "satisfaction", "awareness",
                                         "complaints", "follow_ups",  "spot_checks"};
}

Result<json> Figures::summary(const StatsQuery& q) {
    json out = {{"from", q.from.iso()}, {"to", q.to.iso()}, {"as_of", as_of(q).iso()}};
    if (q.township.size() == 6) out["county"] = q.township;
    else if (!q.township.empty()) out["township"] = q.township;
    std::map<std::string, json> per_township;
    for (auto& t : townships(q.township)) per_township[t] = {{"code", t}};
    for (auto& name : kParts) {
        auto part = compute(name, q);
        if (!part) return part.error();
        for (auto& [t, v] : *part) {
            if (t.empty()) out[name] = v;
            else if (per_township.count(t)) per_township[t][name] = v;
        }
    }
    json list = json::array();
    for (auto& [t, v] : per_township) list.push_back(v);
    out["townships"] = list;
    json counts = json::object();
    if (q.township.size() == 6) {
        for (auto& t : townships(q.township))
            for (auto& [type, n] : store_.event_counts_by_type(t)) counts[type] = counts.value(type, std::int64_t{0}) + n;
    } else {
        for (auto& [type, n] : store_.event_counts_by_type(q.township)) counts[type] = n;
    }
    out["events_received_by_type"] = counts;  // raw envelopes, rejected ones included: not a figure
    return out;
}

Result<json> Figures::part(const std::string& name, const StatsQuery& q) {
    if (std::find(kParts.begin(), kParts.end(), name) == kParts.end()) return kNotFound;
    auto p = compute(name, q);
    if (!p) return p.error();
    json out = p.value()[""];
    out["from"] = q.from.iso();
    out["to"] = q.to.iso();
    json list = json::array();
    for (auto& [t, v] : *p)
        if (!t.empty()) {
            json item = v;
            item["code"] = t;
            list.push_back(item);
        }
    out["townships"] = list;
    return out;
}

Result<json> Figures::scorecard(const StatsQuery& q) {
    std::map<std::string, std::map<std::string, json>> parts;
    for (auto& name : {"timeliness", "satisfaction", "awareness", "complaints", "follow_ups", "spot_checks"}) {
        auto p = compute(name, q);
        if (!p) return p.error();
        parts[name] = std::move(p).value();
    }
    json list = json::array();
    for (auto& t : townships(q.township)) {
        auto value_of = [&](const std::string& name) -> std::pair<json, json> {
            const json& v = parts[name][t];
            if (name == "timeliness") return {v["within_limit_rate"], {{"decided", v["decided"]}, {"within_limit", v["within_limit"]}}};
            if (name == "satisfaction") return {v["rate"], {{"ratings", v["ratings"]}, {"satisfied", v["satisfied"]}}};
            if (name == "awareness")
                return {v["rate"], {{"respondents", v["respondents"]}, {"all_core_correct", v["all_core_correct"]}}};
            if (name == "complaints") {
                const std::int64_t filed = v["filed"], overdue = v["overdue"];
                return {filed ? json(1.0 - static_cast<double>(overdue) / static_cast<double>(filed)) : json(),
                        {{"filed", filed}, {"overdue", overdue}}};
            }
            if (name == "follow_ups") {
                const std::int64_t opened = v["opened"], overdue = v["overdue"];
                return {opened ? json(1.0 - static_cast<double>(overdue) / static_cast<double>(opened)) : json(),
                        {{"opened", opened}, {"overdue", overdue}}};
            }
            return {v["ok_rate"], {{"checked", v["checked"]}, {"ok", v["ok"]}}};
        };
        json items = json::array();
        double weighted = 0, weights = 0;
        for (auto& [name, weight] : cfg_.weights) {
            if (!parts.count(name)) continue;
            auto [value, raw] = value_of(name);
            items.push_back({{"part", name}, {"weight", weight}, {"value", value}, {"raw", raw}});
            if (!value.is_null() && weight > 0) {
                weighted += weight * value.get<double>();
                weights += weight;
            }
        }
        list.push_back({{"code", t}, {"score", weights > 0 ? json(std::round(weighted / weights * 1000.0) / 10.0) : json()},
                        {"parts", items}});
    }
    return json{{"from", q.from.iso()}, {"to", q.to.iso()}, {"townships", list},
                {"note", "得分 = Σ 权重 × 指标值 / Σ 权重（没有数据的指标不计入），满分 100"}};
}

json Figures::fleet(const std::string& township, UtcMillis now_ms) {
    json items = json::array();
    (void)store_.query(
        "SELECT k.kiosk_id, k.township, k.revoked, k.clock_flagged, f.last_push_ms, f.clock_offset_ms, f.queue_depth,"
        " f.printer, f.software_version FROM kiosks k LEFT JOIN kiosk_fleet f ON f.kiosk_id = k.kiosk_id"
        " WHERE (?1 = '' OR k.township = ?1) ORDER BY k.kiosk_id",
        {township}, [&](const SqlRow& r) {
            const bool pushed = !r.is_null(4);
            const bool silent = !pushed || now_ms - r.integer(4) > std::int64_t{cfg_.alert_kiosk_silent_hours} * 3'600'000;
            items.push_back({{"kiosk_id", r.text(0)},
                             {"township", r.text(1)},
                             {"revoked", r.integer(2) != 0},
                             {"clock_flagged", r.integer(3) != 0},
                             {"last_push", pushed ? json(format_rfc3339(r.integer(4))) : json()},
                             {"clock_offset_ms", pushed ? json(r.integer(5)) : json()},
                             {"queue_depth", r.is_null(6) ? json() : json(r.integer(6))},
                             {"printer", r.is_null(7) ? json() : json(r.text(7))},
                             {"software_version", r.is_null(8) ? json() : json(r.text(8))},
                             {"silent", silent}});
        });
    return {{"kiosks", items}, {"silent_after_hours", cfg_.alert_kiosk_silent_hours}};
}

Result<int> Figures::evaluate_alerts(UtcMillis now_ms) {
    const CivilDate today = today_;
    int raised = 0;
    auto raise = [&](const std::string& kind, const std::string& kiosk, const std::string& township,
                     const std::string& detail) -> Status {
        ++raised;
        return store_.raise_alert(kind, kiosk, township, detail, now_ms);
    };
    const StatsQuery all_time{CivilDate::parse("2020-01-01").value(), today, ""};
    auto timely = timeliness({today.plus_days(-365), today, ""});
    if (!timely) return timely.error();
    auto fus = follow_ups(all_time);
    if (!fus) return fus.error();
    auto comps = complaints(all_time);
    if (!comps) return comps.error();
    // Quarters: the current one so far against the whole previous one.
    const int q0 = (today.month - 1) / 3 * 3 + 1;
    const CivilDate this_quarter{today.year, q0, 1};
    const CivilDate prev_quarter = q0 == 1 ? CivilDate{today.year - 1, 10, 1} : CivilDate{today.year, q0 - 3, 1};
    auto now_sat = satisfaction({this_quarter, today, ""});
    if (!now_sat) return now_sat.error();
    auto prev_sat = satisfaction({prev_quarter, this_quarter.plus_days(-1), ""});
    if (!prev_sat) return prev_sat.error();

    for (auto& t : townships("")) {
        const json& tl = timely.value()[t];
        const std::int64_t open = tl.value("open", 0), overdue = tl.value("overdue_open", 0);
        if (open > 0 && overdue * 100 >= open * cfg_.alert_overdue_share_pct && overdue > 0)
            if (auto s = raise("overdue_share", "", t,
                               "超期在办案件 " + std::to_string(overdue) + " 件，占在办案件 " + std::to_string(open) + " 件的 " +
                                   std::to_string(overdue * 100 / open) + "%");
                !s)
                return s.error();
        const json& cur = now_sat.value()[t];
        const json& prev = prev_sat.value()[t];
        if (cur.value("ratings", 0) >= cfg_.small_sample && prev.value("ratings", 0) >= cfg_.small_sample &&
            !cur["rate"].is_null() && !prev["rate"].is_null()) {
            const double drop = (prev["rate"].get<double>() - cur["rate"].get<double>()) * 100.0;
            if (drop >= cfg_.alert_satisfaction_drop_pct)
                if (auto s = raise("satisfaction_drop", "", t,
                                   "本季度满意率比上季度下降 " + std::to_string(static_cast<int>(std::lround(drop))) + " 个百分点");
                    !s)
                    return s.error();
        }
        if (const std::int64_t n = fus.value()[t].value("overdue", 0); n > 0)
            if (auto s = raise("follow_ups_overdue", "", t, "差评回访超期 " + std::to_string(n) + " 件"); !s) return s.error();
        if (const std::int64_t n = comps.value()[t].value("overdue", 0); n > 0)
            if (auto s = raise("complaints_overdue", "", t, "投诉超期未答复 " + std::to_string(n) + " 件"); !s) return s.error();
    }
    // Close-relative (or complained-about) cases waiting for the county's own visit.
    auto awaiting = awaiting_county_visit();
    if (!awaiting) return awaiting.error();
    const std::map<std::string, int>& waiting = *awaiting;
    for (auto& [t, n] : waiting)
        if (auto s = raise("county_visit_waiting", "", t, "近亲属备案或被投诉的案件 " + std::to_string(n) + " 件等待县级入户核查"); !s)
            return s.error();
    // Held in a local: a range-for over a member of the temporary would read it after it is destroyed (TSan saw it).
    const json fleet_now = fleet("", now_ms);
    for (auto& k : fleet_now["kiosks"]) {
        if (k["revoked"].get<bool>() || k["last_push"].is_null() || !k["silent"].get<bool>()) continue;
        if (auto s = raise("kiosk_silent", k["kiosk_id"], k["township"],
                           "终端超过 " + std::to_string(cfg_.alert_kiosk_silent_hours) + " 小时没有上传");
            !s)
            return s.error();
    }
    return raised;
}


}  // namespace yimen::county
