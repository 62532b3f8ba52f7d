// stats.cpp — the supervision figures (see stats.hpp): the figure set and its parts, complaints, follow-ups and spot
// checks, the scorecard, the fleet, the alert rules, and the lifecycles' state changes. The case, rating and quiz
// parts are read from the figure tables (stats_tables.cpp) or, as the tests' reference, scanned (stats_scan.cpp).
#include "county/stats.hpp"

#include <sys/random.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <unordered_map>

#include <toml++/toml.h>

#include "county/stats_internal.hpp"
#include "policy/canonical_json.hpp"
#include "policy/receipt_number.hpp"
#include "policy/workflow.hpp"

namespace yimen::county {

using nlohmann::json;
using namespace stats_detail;

namespace {

const Error kNotFound{"not_found", "没有找到这一项，或不属于您所在的乡镇。"};

bool is_county(const StatsActor& who) { return who.role == "county-admin" || who.role == "county-staff"; }
bool may_see(const StatsActor& who, const std::string& township) {
    return is_county(who) || (who.role == "township-staff" && who.township == township);
}

std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

std::uint64_t fnv1a64(const std::string& s) {
    std::uint64_t h = 0xCBF29CE484222325ULL;
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001B3ULL;
    }
    return h;
}

std::string hex64(std::uint64_t v) {
    static const char* digits = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = digits[v & 0xF];
    return out;
}

std::optional<std::uint64_t> parse_hex64(const std::string& s) {
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

bool valid_month(const std::string& m) {
    return m.size() == 7 && m[4] == '-' && CivilDate::parse(m + "-01").ok();
}

// A step of a lifecycle: actor, civil date and note, kept in supervision_steps.
Status add_step(Store& store, const std::string& subject, const std::string& id, const std::string& state,
                const std::string& actor, CivilDate date, const std::string& note, UtcMillis now) {
    auto r = store.execute("INSERT INTO supervision_steps(subject, subject_id, state, actor, date, note, at_ms)"
                           " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           {subject, id, state, actor, date.iso(), note, now});
    if (!r) return r.error();
    return Ok{};
}

Result<json> steps_of(Store& store, const std::string& subject, const std::string& id) {
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
Result<CivilDate> step_date(const json& body, CivilDate today, CivilDate not_before) {
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

CivilDate parse_or_epoch(const std::string& text) {
    auto d = CivilDate::parse(text);
    return d ? *d : CivilDate{};
}

std::optional<CivilDate> optional_date(const SqlRow& r, int col) {
    if (r.is_null(col)) return std::nullopt;
    auto d = CivilDate::parse(r.text(col));
    return d ? std::optional<CivilDate>(*d) : std::nullopt;
}

int state_index(const std::vector<std::string>& order, const std::string& s) {
    auto it = std::find(order.begin(), order.end(), s);
    return it == order.end() ? -1 : static_cast<int>(it - order.begin());
}

const std::vector<std::string> kFollowUpStates = {"open", "called_back", "rectified", "closed"};
const std::vector<std::string> kComplaintStates = {"received", "assigned", "replied", "closed"};

std::string complaint_state_name(const std::string& s) {
    if (s == "received") return "已收到";
    if (s == "assigned") return "已交办";
    if (s == "replied") return "已答复";
    if (s == "closed") return "已办结";
    return s;
}

std::string pct_text(const json& v) {
    if (v.is_null()) return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", v.get<double>() * 100.0);
    return buf;
}

std::string num_text(const json& v) {
    if (v.is_null()) return "";
    if (v.is_number_float()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2f", v.get<double>());
        return buf;
    }
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}

}  // namespace

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
    if (!only.empty()) return {only};
    if (!all_townships_) {
        std::vector<std::string> out;
        (void)store_.query("SELECT township FROM kiosks UNION SELECT DISTINCT township FROM applications ORDER BY 1", {},
                           [&](const SqlRow& r) { out.push_back(r.text(0)); });
        all_townships_ = std::move(out);
    }
    return *all_townships_;
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
        " WHERE filed_ms >= ?1 AND filed_ms < ?2 AND (?3 = '' OR township = ?3)",
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
                          " WHERE opened_ms >= ?1 AND opened_ms < ?2 AND (?3 = '' OR township = ?3)",
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
                          " WHERE d.month >= ?1 AND d.month <= ?2 AND (?3 = '' OR s.township = ?3)",
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
    if (!q.township.empty()) out["township"] = q.township;
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
    for (auto& [type, n] : store_.event_counts_by_type(q.township)) counts[type] = n;
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
    for (auto& k : fleet("", now_ms)["kiosks"]) {
        if (k["revoked"].get<bool>() || k["last_push"].is_null() || !k["silent"].get<bool>()) continue;
        if (auto s = raise("kiosk_silent", k["kiosk_id"], k["township"],
                           "终端超过 " + std::to_string(cfg_.alert_kiosk_silent_hours) + " 小时没有上传");
            !s)
            return s.error();
    }
    return raised;
}

// ---------------------------------------------------------------------------------------------------------------

std::uint64_t os_random_seed() {
    std::uint64_t seed = 0;
    auto* p = reinterpret_cast<unsigned char*>(&seed);
    std::size_t got = 0;
    while (got < sizeof seed) {
        const ssize_t n = getrandom(p + got, sizeof seed - got, 0);
        if (n > 0) got += static_cast<std::size_t>(n);
    }
    return seed;
}

namespace {

// Groups the candidates (sorted by receipt number), then shuffles each group with SplitMix64 seeded from
// (seed, "<period>/<group>") and keeps ceil(n × pct / 100) of it.
std::vector<SpotCandidate> draw_groups(std::vector<SpotCandidate> candidates, std::uint64_t seed, const std::string& period,
                                       const std::function<std::string(const SpotCandidate&)>& group_of,
                                       const std::function<int(const std::string&)>& pct_of) {
    std::sort(candidates.begin(), candidates.end(),
              [](const SpotCandidate& a, const SpotCandidate& b) { return a.receipt_number < b.receipt_number; });
    std::map<std::string, std::vector<SpotCandidate>> groups;
    for (auto& c : candidates) groups[group_of(c)].push_back(c);
    std::vector<SpotCandidate> out;
    for (auto& [group, list] : groups) {
        const std::size_t n = list.size();
        const std::size_t take = (n * static_cast<std::size_t>(pct_of(group)) + 99) / 100;
        std::uint64_t state = seed ^ fnv1a64(period + "/" + group);
        for (std::size_t i = 0; i < take; ++i) {
            const std::size_t j = i + static_cast<std::size_t>(splitmix64(state) % (n - i));
            std::swap(list[i], list[j]);
        }
        out.insert(out.end(), list.begin(), list.begin() + static_cast<std::ptrdiff_t>(take));
    }
    return out;
}

}  // namespace

std::vector<SpotCandidate> draw_spot_sample(std::vector<SpotCandidate> candidates, std::uint64_t seed,
                                            const std::string& month, const StatsConfig& cfg) {
    return draw_groups(
        std::move(candidates), seed, month, [](const SpotCandidate& c) { return c.programme; },
        [&](const std::string& programme) {
            int pct = cfg.spot_check_ratio_pct;
            if (auto it = cfg.spot_check_min_pct.find(programme); it != cfg.spot_check_min_pct.end()) pct = std::max(pct, it->second);
            return pct;
        });
}

Result<json> home_visits(Store& store, const StatsConfig& cfg, const std::string& year, const std::string& actor,
                         UtcMillis now_ms, const std::string& township, bool draw) {
    if (year.size() != 4 || year.find_first_not_of("0123456789") != std::string::npos || year < "2020")
        return Error{"bad_request", "年份格式应为 YYYY（2020 年以后）。"};
    auto load = [&]() -> Result<json> {
        json out;
        auto s = store.query("SELECT id, seed, ratio_pct, candidates, drawn_ms, actor FROM visit_draws WHERE year = ?1", {year},
                             [&](const SqlRow& r) {
                                 out = {{"id", r.integer(0)},          {"year", year},
                                        {"seed", r.text(1)},           {"ratio_pct", r.integer(2)},
                                        {"candidates", r.integer(3)},  {"drawn_at", format_rfc3339(r.integer(4))},
                                        {"drawn_by", r.text(5)}};
                             });
        if (!s) return s.error();
        if (out.is_null()) return out;
        json samples = json::array();
        s = store.query("SELECT receipt_number, programme, township FROM visit_samples WHERE draw_id = ?1 ORDER BY position",
                        {out["id"].get<std::int64_t>()}, [&](const SqlRow& r) {
                            if (township.empty() || r.text(2) == township)
                                samples.push_back({{"receipt_number", r.text(0)}, {"programme", r.text(1)}, {"township", r.text(2)}});
                        });
        if (!s) return s.error();
        out["samples"] = samples;
        return out;
    };
    auto stored = load();
    if (!stored) return stored.error();
    if (!stored->is_null() || !draw) {
        if (stored->is_null()) return Error{"not_found", year + " 年还没有抽取入户核查名单。"};
        return stored;
    }
    std::vector<SpotCandidate> candidates;
    auto s = store.query(
        "SELECT a.receipt_number, a.programme, a.township FROM applications a WHERE a.programme IN ('dibao', 'tekun')"
        " AND EXISTS (SELECT 1 FROM stage_events s WHERE s.receipt_number = a.receipt_number AND s.stage = 'confirmed')"
        " AND NOT EXISTS (SELECT 1 FROM stage_events s WHERE s.receipt_number = a.receipt_number"
        " AND s.stage IN ('exit_decided', 'exit_notified', 'terminated'))",
        {}, [&](const SqlRow& r) { candidates.push_back({r.text(0), r.text(1), r.text(2)}); });
    if (!s) return s.error();
    const std::uint64_t seed = os_random_seed();
    const auto drawn = draw_groups(
        candidates, seed, year, [](const SpotCandidate& c) { return c.township; },
        [&](const std::string&) { return cfg.home_visit_ratio_pct; });
    auto work = [&]() -> Status {
        auto ins = store.execute("INSERT INTO visit_draws(year, seed, ratio_pct, candidates, drawn_ms, actor)"
                                 " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
                                 {year, hex64(seed), std::int64_t{cfg.home_visit_ratio_pct},
                                  static_cast<std::int64_t>(candidates.size()), now_ms, actor});
        if (!ins) return ins.error();
        std::int64_t position = 0;
        for (auto& c : drawn) {
            auto r = store.execute("INSERT INTO visit_samples(draw_id, receipt_number, programme, township, position)"
                                   " SELECT id, ?2, ?3, ?4, ?5 FROM visit_draws WHERE year = ?1",
                                   {year, c.receipt_number, c.programme, c.township, ++position});
            if (!r) return r.error();
        }
        return store.append_audit({0, now_ms, actor, "visits.drawn", year,
                                   "seed " + hex64(seed) + ", " + std::to_string(drawn.size()) + "/" +
                                       std::to_string(candidates.size())});
    };
    if (auto st = store.transaction(work); !st) return st.error();
    return load();
}

Result<std::vector<SpotCandidate>> spot_candidates(Store& store, const std::string& month) {
    if (!valid_month(month)) return Error{"bad_request", "月份格式应为 YYYY-MM。"};
    std::vector<SpotCandidate> out;
    auto s = store.query("SELECT DISTINCT s.receipt_number, a.programme, a.township FROM stage_events s"
                         " JOIN applications a ON a.receipt_number = s.receipt_number"
                         " WHERE s.stage = 'confirmed' AND s.date >= ?1 AND s.date <= ?2",
                         {month + "-01", month + "-31"},
                         [&](const SqlRow& r) { out.push_back({r.text(0), r.text(1), r.text(2)}); });
    if (!s) return s.error();
    return out;
}

Result<json> draw_spot_checks(Store& store, const StatsConfig& cfg, const std::string& month, const std::string& actor,
                              UtcMillis now_ms) {
    auto candidates = spot_candidates(store, month);
    if (!candidates) return candidates.error();
    const std::uint64_t seed = os_random_seed();
    const auto drawn = draw_spot_sample(*candidates, seed, month, cfg);
    json min_pct = cfg.spot_check_min_pct;
    auto work = [&]() -> Status {
        bool exists = false;
        if (auto s = store.query("SELECT id FROM spot_draws WHERE month = ?1", {month}, [&](const SqlRow&) { exists = true; }); !s)
            return s;
        if (exists) return Error{"already_drawn", month + " 已经抽取过，不能重抽（重抽会让抽查失去随机性）。"};
        auto ins = store.execute("INSERT INTO spot_draws(month, seed, ratio_pct, tekun_ratio_pct, candidates, drawn_ms, actor)"
                                 " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                 {month, hex64(seed), std::int64_t{cfg.spot_check_ratio_pct},
                                  std::int64_t{cfg.spot_check_min_pct.count("tekun") ? cfg.spot_check_min_pct.at("tekun") : 0},
                                  static_cast<std::int64_t>(candidates->size()), now_ms, actor});
        if (!ins) return ins.error();
        std::int64_t position = 0;
        for (auto& c : drawn) {
            auto r = store.execute("INSERT INTO spot_samples(draw_id, receipt_number, programme, township, position)"
                                   " SELECT id, ?2, ?3, ?4, ?5 FROM spot_draws WHERE month = ?1",
                                   {month, c.receipt_number, c.programme, c.township, ++position});
            if (!r) return r.error();
        }
        return store.append_audit({0, now_ms, actor, "samples.drawn", month,
                                   "seed " + hex64(seed) + ", " + std::to_string(drawn.size()) + "/" +
                                       std::to_string(candidates->size())});
    };
    if (auto s = store.transaction(work); !s) return s.error();
    return spot_checks(store, cfg, month, "");
}

Result<json> spot_checks(Store& store, const StatsConfig& cfg, const std::string& month, const std::string& township) {
    if (!valid_month(month)) return Error{"bad_request", "月份格式应为 YYYY-MM。"};
    json draw;
    auto s = store.query("SELECT id, seed, ratio_pct, candidates, drawn_ms, actor FROM spot_draws WHERE month = ?1", {month},
                         [&](const SqlRow& r) {
                             draw = {{"id", r.integer(0)}, {"month", month}, {"seed", r.text(1)}, {"ratio_pct", r.integer(2)},
                                     {"candidates", r.integer(3)}, {"drawn_at", format_rfc3339(r.integer(4))},
                                     {"drawn_by", r.text(5)}};
                         });
    if (!s) return s.error();
    if (draw.is_null()) return Error{"not_found", month + " 还没有抽取抽查样本（county-server samples draw --month " + month + "）。"};
    json samples = json::array();
    std::vector<SpotCandidate> stored;
    s = store.query("SELECT receipt_number, programme, township, position, finding, note, checker, checked_ms FROM spot_samples"
                    " WHERE draw_id = ?1 ORDER BY position",
                    {draw["id"].get<std::int64_t>()}, [&](const SqlRow& r) {
                        stored.push_back({r.text(0), r.text(1), r.text(2)});
                        if (!township.empty() && r.text(2) != township) return;
                        samples.push_back({{"receipt_number", r.text(0)},
                                           {"programme", r.text(1)},
                                           {"township", r.text(2)},
                                           {"finding", r.text(4).empty() ? json() : json(r.text(4))},
                                           {"note", r.text(5)},
                                           {"checker", r.text(6)},
                                           {"checked_at", r.integer(7) ? json(format_rfc3339(r.integer(7))) : json()}});
                    });
    if (!s) return s.error();
    // Anyone can redo the draw from the stored seed: say whether it gives the stored list.
    auto candidates = spot_candidates(store, month);
    if (!candidates) return candidates.error();
    StatsConfig as_drawn = cfg;
    as_drawn.spot_check_ratio_pct = draw["ratio_pct"].get<int>();
    const auto redrawn = draw_spot_sample(*candidates, parse_hex64(draw["seed"]).value_or(0), month, as_drawn);
    draw["reproducible"] = redrawn == stored;
    draw["drawn"] = stored.size();
    draw["samples"] = samples;
    return draw;
}

// ---------------------------------------------------------------------------------------------------------------

namespace {

struct FollowUpRow {
    std::int64_t id = 0;
    std::string township, state, opened_date, receipt;
    int level = 0;
};

Result<std::optional<FollowUpRow>> find_follow_up(Store& store, std::int64_t id) {
    std::optional<FollowUpRow> out;
    auto s = store.query("SELECT id, township, state, opened_date, receipt_number, level FROM follow_ups WHERE id = ?1", {id},
                         [&](const SqlRow& r) {
                             out = FollowUpRow{r.integer(0), r.text(1), r.text(2), r.text(3),
                                               r.is_null(4) ? "" : r.text(4), static_cast<int>(r.integer(5))};
                         });
    if (!s) return s.error();
    return out;
}

json follow_up_json(const FollowUpRow& f, const StatsConfig& cfg, const WorkCalendar& cal, CivilDate today) {
    const CivilDate opened = parse_or_epoch(f.opened_date);
    const CivilDate due = cal.add_working_days(opened, cfg.follow_up_working_days).date;
    return {{"id", f.id},
            {"township", f.township},
            {"receipt_number", f.receipt.empty() ? json() : json(f.receipt)},
            {"level", f.level},
            {"state", f.state},
            {"opened", f.opened_date},
            {"due", due.iso()},
            {"overdue", f.state != "closed" && today > due}};
}

}  // namespace

Result<json> follow_up(Store& store, const StatsConfig& cfg, const WorkCalendar& cal, const StatsActor& who,
                       std::int64_t id, CivilDate today) {
    auto f = find_follow_up(store, id);
    if (!f) return f.error();
    if (!*f || !may_see(who, (*f)->township)) return kNotFound;
    json out = follow_up_json(**f, cfg, cal, today);
    auto steps = steps_of(store, "follow_up", std::to_string(id));
    if (!steps) return steps.error();
    out["steps"] = *steps;
    return out;
}

Result<json> list_follow_ups(Store& store, const StatsConfig& cfg, const WorkCalendar& cal, const std::string& township,
                             std::int64_t after, int limit, CivilDate today) {
    std::vector<FollowUpRow> rows;
    auto s = store.query("SELECT id, township, state, opened_date, receipt_number, level FROM follow_ups"
                         " WHERE id > ?1 AND (?2 = '' OR township = ?2) ORDER BY id LIMIT ?3",
                         {after, township, std::int64_t{limit} + 1}, [&](const SqlRow& r) {
                             rows.push_back({r.integer(0), r.text(1), r.text(2), r.text(3), r.is_null(4) ? "" : r.text(4),
                                             static_cast<int>(r.integer(5))});
                         });
    if (!s) return s.error();
    const bool more = rows.size() > static_cast<std::size_t>(limit);
    if (more) rows.pop_back();
    json items = json::array();
    for (auto& f : rows) items.push_back(follow_up_json(f, cfg, cal, today));
    return json{{"items", items}, {"next_after", rows.empty() ? after : rows.back().id}, {"more", more}};
}

Result<json> change_follow_up(Store& store, const StatsConfig& cfg, const WorkCalendar& cal, const StatsActor& who,
                              std::int64_t id, const json& body, UtcMillis now_ms) {
    const CivilDate today = county_date_at(now_ms);
    auto f = find_follow_up(store, id);
    if (!f) return f.error();
    if (!*f || !may_see(who, (*f)->township)) return kNotFound;
    if (!body.is_object() || !body.contains("state") || !body["state"].is_string())
        return Error{"bad_request", "请求须包含新状态（state）：called_back、rectified 或 closed。"};
    const std::string next = body["state"];
    const int from = state_index(kFollowUpStates, (*f)->state), to = state_index(kFollowUpStates, next);
    if (to <= 0) return Error{"bad_request", "状态只能是 called_back（已回访）、rectified（已整改）或 closed（已办结）。"};
    if (to <= from) return Error{"bad_state", "回访已经是“" + (*f)->state + "”，只能向后推进。"};
    CivilDate previous = parse_or_epoch((*f)->opened_date);
    (void)store.query("SELECT max(date) FROM supervision_steps WHERE subject = 'follow_up' AND subject_id = ?1",
                      {std::to_string(id)}, [&](const SqlRow& r) {
                          if (!r.is_null(0))
                              if (auto d = CivilDate::parse(r.text(0))) previous = *d;
                      });
    auto date = step_date(body, today, previous);
    if (!date) return date.error();
    auto work = [&]() -> Status {
        auto u = store.execute("UPDATE follow_ups SET state = ?2, updated_ms = ?3, closed_date = ?4 WHERE id = ?1",
                               {id, next, now_ms, next == "closed" ? SqlParam(date->iso()) : SqlParam(nullptr)});
        if (!u) return u.error();
        if (auto s = add_step(store, "follow_up", std::to_string(id), next, who.user_id, *date, body["note"], now_ms); !s) return s;
        return store.append_audit({0, now_ms, who.user_id, "follow_up." + next, "follow_up:" + std::to_string(id), date->iso()});
    };
    if (auto s = store.transaction(work); !s) return s.error();
    return follow_up(store, cfg, cal, who, id, today);
}

namespace {

struct ComplaintRow {
    std::string receipt, township, category, state, assignee, query_code_hash;
    UtcMillis filed_ms = 0;
    std::string replied, closed;
};

Result<std::optional<ComplaintRow>> find_complaint(Store& store, const std::string& receipt) {
    std::optional<ComplaintRow> out;
    auto s = store.query("SELECT receipt_number, township, category, state, assignee, query_code_hash, filed_ms, replied_date,"
                         " closed_date FROM complaints WHERE receipt_number = ?1",
                         {receipt}, [&](const SqlRow& r) {
                             out = ComplaintRow{r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5),
                                                r.integer(6), r.is_null(7) ? "" : r.text(7), r.is_null(8) ? "" : r.text(8)};
                         });
    if (!s) return s.error();
    return out;
}

json complaint_json(const ComplaintRow& c, const StatsConfig& cfg, const WorkCalendar& cal, CivilDate today) {
    const CivilDate filed = county_date_at(c.filed_ms);
    const CivilDate due = cal.add_working_days(filed, cfg.complaint_reply_working_days).date;
    const bool answered = !c.replied.empty() || !c.closed.empty();
    return {{"receipt_number", c.receipt}, {"township", c.township},   {"category", c.category},
            {"state", c.state},            {"state_name", complaint_state_name(c.state)},
            {"assignee", c.assignee},      {"filed", filed.iso()},     {"reply_due", due.iso()},
            {"replied", c.replied.empty() ? json() : json(c.replied)},
            {"closed", c.closed.empty() ? json() : json(c.closed)},
            {"overdue", !answered && today > due}};
}

}  // namespace

Result<json> complaint(Store& store, const StatsConfig& cfg, const WorkCalendar& cal, const StatsActor& who,
                       const std::string& receipt, CivilDate today) {
    auto c = find_complaint(store, receipt);
    if (!c) return c.error();
    if (!*c || !may_see(who, (*c)->township)) return kNotFound;
    json out = complaint_json(**c, cfg, cal, today);
    auto steps = steps_of(store, "complaint", receipt);
    if (!steps) return steps.error();
    out["steps"] = *steps;
    return out;
}

Result<json> list_complaints(Store& store, const StatsConfig& cfg, const WorkCalendar& cal, const std::string& township,
                             const std::string& after, int limit, CivilDate today) {
    std::vector<ComplaintRow> rows;
    auto s = store.query("SELECT receipt_number, township, category, state, assignee, query_code_hash, filed_ms, replied_date,"
                         " closed_date FROM complaints WHERE receipt_number > ?1 AND (?2 = '' OR township = ?2)"
                         " ORDER BY receipt_number LIMIT ?3",
                         {after, township, std::int64_t{limit} + 1}, [&](const SqlRow& r) {
                             rows.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.integer(6),
                                             r.is_null(7) ? "" : r.text(7), r.is_null(8) ? "" : r.text(8)});
                         });
    if (!s) return s.error();
    const bool more = rows.size() > static_cast<std::size_t>(limit);
    if (more) rows.pop_back();
    json items = json::array();
    for (auto& c : rows) items.push_back(complaint_json(c, cfg, cal, today));
    return json{{"items", items}, {"next_after", rows.empty() ? after : rows.back().receipt}, {"more", more}};
}

Result<json> change_complaint(Store& store, const StatsConfig& cfg, const WorkCalendar& cal, const StatsActor& who,
                              const std::string& receipt, const json& body, UtcMillis now_ms) {
    const CivilDate today = county_date_at(now_ms);
    auto c = find_complaint(store, receipt);
    if (!c) return c.error();
    if (!*c || !may_see(who, (*c)->township)) return kNotFound;
    if (!body.is_object() || !body.contains("state") || !body["state"].is_string())
        return Error{"bad_request", "请求须包含新状态（state）：assigned、replied 或 closed。"};
    const std::string next = body["state"];
    const int from = state_index(kComplaintStates, (*c)->state), to = state_index(kComplaintStates, next);
    if (to <= 0) return Error{"bad_request", "状态只能是 assigned（已交办）、replied（已答复）或 closed（已办结）。"};
    if (to <= from) return Error{"bad_state", "投诉已经是“" + complaint_state_name((*c)->state) + "”，只能向后推进。"};
    if (body.contains("assignee") && !body["assignee"].is_string()) return Error{"bad_request", "assignee 须为文字。"};
    CivilDate previous = county_date_at((*c)->filed_ms);
    (void)store.query("SELECT max(date) FROM supervision_steps WHERE subject = 'complaint' AND subject_id = ?1", {receipt},
                      [&](const SqlRow& r) {
                          if (!r.is_null(0))
                              if (auto d = CivilDate::parse(r.text(0))) previous = *d;
                      });
    auto date = step_date(body, today, previous);
    if (!date) return date.error();
    const std::string assignee = body.value("assignee", (*c)->assignee);
    auto work = [&]() -> Status {
        auto u = store.execute(
            "UPDATE complaints SET state = ?2, updated_ms = ?3, assignee = ?4,"
            " replied_date = CASE WHEN ?2 = 'replied' THEN ?5 ELSE replied_date END,"
            " closed_date = CASE WHEN ?2 = 'closed' THEN ?5 ELSE closed_date END WHERE receipt_number = ?1",
            {receipt, next, now_ms, assignee, date->iso()});
        if (!u) return u.error();
        if (auto s = add_step(store, "complaint", receipt, next, who.user_id, *date, body["note"], now_ms); !s) return s;
        return store.append_audit({0, now_ms, who.user_id, "complaint." + next, receipt, date->iso()});
    };
    if (auto s = store.transaction(work); !s) return s.error();
    return complaint(store, cfg, cal, who, receipt, today);
}

json complaint_status(Store& store, const std::string& receipt, const std::string& query_code) {
    if (query_code.size() != 4 || query_code.find_first_not_of("0123456789") != std::string::npos) return json();
    auto c = find_complaint(store, receipt);
    if (!c || !*c || (*c)->query_code_hash.size() != 64) return json();
    if (sha256_hex(query_code + receipt) != (*c)->query_code_hash) return json();
    json timeline = json::array();
    timeline.push_back({{"state", "received"}, {"name", complaint_state_name("received")}, {"date", county_date_at((*c)->filed_ms).iso()}});
    (void)store.query("SELECT state, date FROM supervision_steps WHERE subject = 'complaint' AND subject_id = ?1 ORDER BY id",
                      {receipt}, [&](const SqlRow& r) {
                          timeline.push_back({{"state", r.text(0)}, {"name", complaint_state_name(r.text(0))}, {"date", r.text(1)}});
                      });
    return {{"receipt_number", receipt},
            {"kind", "complaint"},
            {"category", (*c)->category},
            {"state", (*c)->state},
            {"state_name", complaint_state_name((*c)->state)},
            {"timeline", timeline}};
}

Result<json> alert_with_history(Store& store, const StatsActor& who, std::int64_t id, CivilDate today) {
    json out;
    auto s = store.query("SELECT id, kind, kiosk_id, township, detail, created_ms, state, repeats, updated_ms, due_date FROM alerts"
                         " WHERE id = ?1",
                         {id}, [&](const SqlRow& r) {
                             out = {{"id", r.integer(0)},       {"kind", r.text(1)},
                                    {"kiosk_id", r.text(2)},    {"township", r.text(3)},
                                    {"detail", r.text(4)},      {"created", format_rfc3339(r.integer(5))},
                                    {"state", r.text(6)},       {"repeats", r.integer(7)},
                                    {"updated", format_rfc3339(r.integer(8))},
                                    {"due_date", r.is_null(9) ? json() : json(r.text(9))}};
                         });
    if (!s) return s.error();
    if (out.is_null() || !may_see(who, out["township"])) return kNotFound;
    out["overdue"] = out["state"] == "notified" && out["due_date"].is_string() && out["due_date"].get<std::string>() < today.iso();
    auto steps = steps_of(store, "alert", std::to_string(id));
    if (!steps) return steps.error();
    out["steps"] = *steps;
    return out;
}

Result<json> change_alert(Store& store, const StatsConfig& cfg, const WorkCalendar& cal, const StatsActor& who,
                          std::int64_t id, const json& body, UtcMillis now_ms) {
    const CivilDate today = county_date_at(now_ms);
    auto current = alert_with_history(store, who, id, today);
    if (!current) return current.error();
    if (!is_county(who)) return Error{"forbidden", "预警的通知和销号由县级民政部门办理。"};
    if (!body.is_object() || !body.contains("state") || !body["state"].is_string())
        return Error{"bad_request", "请求须包含新状态（state）：notified 或 resolved。"};
    const std::string next = body["state"], state = (*current)["state"];
    if (next != "notified" && next != "resolved")
        return Error{"bad_request", "状态只能是 notified（已发提醒函）或 resolved（已销号）。"};
    if (state == "resolved" || (state == "notified" && next == "notified"))
        return Error{"bad_state", "预警已经是“" + state + "”，只能向后推进。"};
    auto date = step_date(body, today, CivilDate{2020, 1, 1});
    if (!date) return date.error();
    std::string due;
    if (next == "notified") {
        due = cal.add_working_days(*date, cfg.alert_notice_working_days).date.iso();
        if (body.contains("due_date")) {
            auto d = body["due_date"].is_string() ? CivilDate::parse(body["due_date"].get<std::string>())
                                                  : Result<CivilDate>(Error{"bad_request", ""});
            if (!d || *d < *date) return Error{"bad_request", "整改期限（due_date）须为 YYYY-MM-DD，且不早于通知日期。"};
            due = d->iso();
        }
    }
    auto work = [&]() -> Status {
        auto u = store.execute("UPDATE alerts SET state = ?2, updated_ms = ?3, due_date = coalesce(?4, due_date) WHERE id = ?1",
                               {id, next, now_ms, due.empty() ? SqlParam(nullptr) : SqlParam(due)});
        if (!u) return u.error();
        if (auto s = add_step(store, "alert", std::to_string(id), next, who.user_id, *date, body["note"], now_ms); !s) return s;
        return store.append_audit({0, now_ms, who.user_id, "alert." + next, "alert:" + std::to_string(id), due});
    };
    if (auto s = store.transaction(work); !s) return s.error();
    return alert_with_history(store, who, id, today);
}

Result<json> record_spot_finding(Store& store, const StatsActor& who, const std::string& month, const std::string& receipt,
                                 const json& body, UtcMillis now_ms) {
    if (!valid_month(month)) return Error{"bad_request", "月份格式应为 YYYY-MM。"};
    std::string township;
    bool found = false;
    auto s = store.query("SELECT s.township FROM spot_samples s JOIN spot_draws d ON d.id = s.draw_id"
                         " WHERE d.month = ?1 AND s.receipt_number = ?2",
                         {month, receipt}, [&](const SqlRow& r) {
                             found = true;
                             township = r.text(0);
                         });
    if (!s) return s.error();
    if (!found || !may_see(who, township)) return kNotFound;
    if (!is_county(who)) return Error{"forbidden", "抽查结果由县级民政部门的核查人员登记。"};
    if (!body.is_object() || !body.contains("finding") || !body["finding"].is_string() ||
        (body["finding"] != "ok" && body["finding"] != "problem"))
        return Error{"bad_request", "finding 只能是 ok（无问题）或 problem（有问题）。"};
    const std::string finding = body["finding"];
    const std::string note = body.contains("note") && body["note"].is_string() ? body["note"].get<std::string>() : "";
    if (finding == "problem" && note.empty()) return Error{"note_required", "发现问题时须写明问题（note）。"};
    if (note.size() > 2000) return Error{"bad_request", "说明过长（最多 2000 字节）。"};
    auto work = [&]() -> Status {
        auto u = store.execute("UPDATE spot_samples SET finding = ?3, note = ?4, checker = ?5, checked_ms = ?6"
                               " WHERE receipt_number = ?2 AND draw_id = (SELECT id FROM spot_draws WHERE month = ?1)",
                               {month, receipt, finding, note, who.user_id, now_ms});
        if (!u) return u.error();
        return store.append_audit({0, now_ms, who.user_id, "samples.finding", receipt, month + " " + finding});
    };
    if (auto st = store.transaction(work); !st) return st.error();
    return json{{"month", month}, {"receipt_number", receipt}, {"finding", finding}, {"note", note}, {"checker", who.user_id}};
}

// ---------------------------------------------------------------------------------------------------------------

std::vector<std::vector<std::string>> summary_rows(const json& s) {
    std::vector<std::vector<std::string>> rows = {
        {"范围", "办结数", "按时办结", "按时率", "在办超期", "用时中位数(工作日)", "用时P90(工作日)", "评价数", "满意数",
         "满意率", "样本不足", "答题人数", "核心题全对", "知晓率", "投诉数", "投诉未结", "投诉已结", "投诉超期",
         "差评回访", "回访已结", "回访超期"}};
    auto row = [&](const std::string& scope, const json& v) {
        const json& t = v["timeliness"];
        const json& sa = v["satisfaction"];
        const json& aw = v["awareness"];
        const json& c = v["complaints"];
        const json& f = v["follow_ups"];
        rows.push_back({scope, num_text(t["decided"]), num_text(t["within_limit"]), pct_text(t["within_limit_rate"]),
                        num_text(t["overdue_open"]), num_text(t["median_wd"]), num_text(t["p90_wd"]),
                        num_text(sa["ratings"]), num_text(sa["satisfied"]), pct_text(sa["rate"]),
                        sa["small_sample"].get<bool>() ? "是" : "否", num_text(aw["respondents"]),
                        num_text(aw["all_core_correct"]), pct_text(aw["rate"]), num_text(c["filed"]), num_text(c["open"]),
                        num_text(c["closed"]), num_text(c["overdue"]), num_text(f["opened"]), num_text(f["closed"]),
                        num_text(f["overdue"])});
    };
    row(s.contains("township") ? s["township"].get<std::string>() : "全县", s);
    if (!s.contains("township"))
        for (auto& t : s["townships"]) row(t["code"], t);
    return rows;
}

std::vector<std::vector<std::string>> scorecard_rows(const json& sc) {
    std::vector<std::vector<std::string>> rows = {{"乡镇", "得分", "指标", "权重", "指标值", "原始数据"}};
    for (auto& t : sc["townships"])
        for (auto& p : t["parts"])
            rows.push_back({t["code"], num_text(t["score"]), p["part"], num_text(p["weight"]), pct_text(p["value"]),
                            p["raw"].dump()});
    return rows;
}

std::vector<std::vector<std::string>> fleet_rows(const json& f) {
    std::vector<std::vector<std::string>> rows = {
        {"终端", "乡镇", "最近上传", "时钟偏差(毫秒)", "待传记录", "打印机", "软件版本", "长时间未上传", "已吊销"}};
    for (auto& k : f["kiosks"])
        rows.push_back({k["kiosk_id"], k["township"], num_text(k["last_push"]), num_text(k["clock_offset_ms"]),
                        num_text(k["queue_depth"]), num_text(k["printer"]), num_text(k["software_version"]),
                        k["silent"].get<bool>() ? "是" : "否", k["revoked"].get<bool>() ? "是" : "否"});
    return rows;
}

std::vector<std::vector<std::string>> alert_rows(const std::vector<json>& alerts) {
    std::vector<std::vector<std::string>> rows = {{"编号", "类型", "乡镇", "终端", "状态", "重复次数", "整改期限", "说明"}};
    for (auto& a : alerts)
        rows.push_back({num_text(a["id"]), a["kind"], a.value("township", ""), a.value("kiosk_id", ""), a["state"],
                        num_text(a["repeats"]), a.contains("due_date") ? num_text(a["due_date"]) : "", a["detail"]});
    return rows;
}

std::vector<std::vector<std::string>> sample_rows(const json& d) {
    std::vector<std::vector<std::string>> rows = {{"月份", "种子", "办件编号", "项目", "乡镇", "核查结果", "说明"}};
    for (auto& s : d["samples"])
        rows.push_back({d["month"], d["seed"], s["receipt_number"], s["programme"], s["township"], num_text(s["finding"]),
                        s["note"]});
    return rows;
}

std::string to_csv(const std::vector<std::vector<std::string>>& rows) {
    std::string out = "\xEF\xBB\xBF";
    for (auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (i) out += ',';
            const std::string& v = row[i];
            if (v.find_first_of(",\"\r\n") != std::string::npos) {
                out += '"';
                for (char c : v) {
                    if (c == '"') out += '"';
                    out += c;
                }
                out += '"';
            } else {
                out += v;
            }
        }
        out += "\r\n";
    }
    return out;
}

namespace {
std::size_t display_width(const std::string& s) {
    std::size_t w = 0;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::uint32_t cp = c;
        std::size_t n = 1;
        if (c >= 0xF0) cp = c & 0x07, n = 4;
        else if (c >= 0xE0) cp = c & 0x0F, n = 3;
        else if (c >= 0xC0) cp = c & 0x1F, n = 2;
        for (std::size_t k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        w += cp >= 0x1100 ? 2 : 1;
        i += n;
    }
    return w;
}
}  // namespace

std::string to_table(const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths;
    for (auto& row : rows)
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (widths.size() <= i) widths.push_back(0);
            widths[i] = std::max(widths[i], display_width(row[i]));
        }
    std::string out;
    for (auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line += std::string(widths[i] - display_width(row[i]) + 2, ' ');
        }
        out += line + "\n";
    }
    return out;
}

}  // namespace yimen::county
