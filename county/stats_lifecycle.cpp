// stats_lifecycle.cpp — the follow-up, complaint and alert lifecycles and the spot-check findings: each state change
// checked (forward only, dated, with a note), written with its step and its audit row in one transaction; the lists
// and single items with their history; the kiosk's complaint status answer.
#include <algorithm>

#include "base/canonical_json.hpp"
#include "policy/receipt_number.hpp"
#include "county/stats.hpp"
#include "county/stats_internal.hpp"

namespace yimen::county {

using nlohmann::json;
using namespace stats_detail;


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


}  // namespace yimen::county
