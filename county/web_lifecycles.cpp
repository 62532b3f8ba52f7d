// web_lifecycles.cpp — 评价与回访 (/follow-ups), 投诉 (/complaints) and 预警 (/alerts): lists with state, due date and
// an overdue mark; a detail page per item with its step history and a form for the next step. Every change goes
// through the lifecycle functions of stats.hpp (change_follow_up, change_complaint, change_alert), which check the
// order of states and the user's township and write the audit row; the page only turns the form into their body.
#include <algorithm>

#include "county/web_app.hpp"
#include "county/web_pages.hpp"
#include "policy/receipt_number.hpp"
#include "policy/workflow.hpp"

namespace yimen::county::web {

using nlohmann::json;

namespace {

// The states a person may pick next: those after the current one, in order.
std::vector<std::pair<std::string, std::string>> next_states(const std::vector<std::pair<std::string, std::string>>& order,
                                                             const std::string& current) {
    auto at = std::find_if(order.begin(), order.end(), [&](auto& s) { return s.first == current; });
    if (at == order.end()) return {};
    return {at + 1, order.end()};
}

const std::vector<std::pair<std::string, std::string>> kFollowUpOrder = {
    {"open", "待回访"}, {"called_back", "已回访"}, {"rectified", "已整改"}, {"closed", "已办结"}};
const std::vector<std::pair<std::string, std::string>> kComplaintOrder = {
    {"received", "已收到"}, {"assigned", "已交办"}, {"replied", "已答复"}, {"closed", "已办结"}};
const std::vector<std::pair<std::string, std::string>> kAlertOrder = {
    {"raised", "待处理"}, {"notified", "已发提醒函"}, {"resolved", "已销号"}};

// The form that records the next step: state, date, note (and the assignee of a complaint, the deadline of an
// alert's notice). After a refusal the person's own words are put back so nothing typed is lost.
struct StepForm {
    std::string action;
    std::vector<std::pair<std::string, std::string>> states;
    bool assignee = false;
    bool due_date = false;
};

void step_form(Html& b, const Ctx& c, const StepForm& f, CivilDate today) {
    b.open("form", {{"method", "post"}, {"action", f.action}, {"class", "step"}});
    b.leaf("input", {{"type", "hidden"}, {"name", "csrf_token"}, {"value", c.session.csrf}});
    const std::string chosen = form_value(c.form, "state");
    b.open("label").text("下一步").open("select", {{"name", "state"}, {"required", ""}});
    for (auto& [code, name] : f.states) {
        if (code == chosen) b.el("option", name, {{"value", code}, {"selected", ""}});
        else b.el("option", name, {{"value", code}});
    }
    b.close().close();
    const std::string date = form_value(c.form, "date");
    b.open("label").text("日期");
    b.leaf("input", {{"type", "date"}, {"name", "date"}, {"value", date.empty() ? today.iso() : date}, {"max", today.iso()}});
    b.close();
    if (f.assignee) {
        b.open("label").text("交办给（交办时填写承办人或科室）");
        b.leaf("input", {{"name", "assignee"}, {"value", form_value(c.form, "assignee")}, {"maxlength", "64"}});
        b.close();
    }
    if (f.due_date) {
        b.open("label").text("整改期限（发提醒函时填写；不填按配置的工作日数计算）");
        b.leaf("input", {{"type", "date"}, {"name", "due_date"}, {"value", form_value(c.form, "due_date")}});
        b.close();
    }
    b.open("label").text("情况说明（必填）");
    b.open("textarea", {{"name", "note"}, {"rows", "3"}, {"required", ""}, {"maxlength", "600"}});
    b.text(form_value(c.form, "note"));
    b.close().close();
    b.el("button", "登记", {{"type", "submit"}});
    b.close();
}

// The posted form as the lifecycle functions' body; empty optional fields are left out (their defaults apply).
json step_body(const Ctx& c) {
    json body = {{"state", form_value(c.form, "state")}, {"note", form_value(c.form, "note")}};
    for (const char* k : {"date", "assignee", "due_date"})
        if (auto v = form_value(c.form, k); !v.empty()) body[k] = v;
    return body;
}

void steps_table(Html& b, const json& steps, std::string (*state_name)(const std::string&)) {
    Table t{{"步骤", "日期", "经办人", "情况说明", "登记时间"}, {}};
    for (auto& s : steps)
        t.rows.push_back({state_name(s["state"]), num(s["date"]), num(s["actor"]), mask_personal_text(s["note"]), local_time(s["at"])});
    grid(b, t);
}

std::string complaint_state_name(const std::string& s) {
    for (auto& [code, name] : kComplaintOrder)
        if (code == s) return name;
    return s;
}

std::string grouped_receipt(const std::string& r) {
    auto p = parse_receipt_number(r);
    return p ? p->grouped() : r;
}

bool digits(const std::string& s) { return !s.empty() && s.size() < 16 && s.find_first_not_of("0123456789") == std::string::npos; }

// A <select> filter: (value, label) options, the current one selected.
void select_filter(Html& b, const char* label, const char* name, const std::string& current,
                   const std::vector<std::pair<std::string, std::string>>& options) {
    b.open("label").text(label).open("select", {{"name", name}});
    for (auto& [v, l] : options) {
        if (v == current) b.el("option", l, {{"value", v}, {"selected", ""}});
        else b.el("option", l, {{"value", v}});
    }
    b.close().close();
}

void overdue_check(Html& b, bool on) {
    b.open("label", {{"class", "check"}});
    if (on) b.leaf("input", {{"type", "checkbox"}, {"name", "overdue"}, {"value", "1"}, {"checked", ""}});
    else b.leaf("input", {{"type", "checkbox"}, {"name", "overdue"}, {"value", "1"}});
    b.text("只看超期").close();
}

// Overdue first, then the ones still open, then by due date; closed ones last.
template <typename Item>
void sort_open_first(std::vector<Item>& items, const char* closed_state, const char* due_key) {
    std::stable_sort(items.begin(), items.end(), [&](const json& a, const json& b) {
        if (a.value("overdue", false) != b.value("overdue", false)) return a.value("overdue", false);
        const bool ca = a.value("state", "") == closed_state, cb = b.value("state", "") == closed_state;
        if (ca != cb) return cb;
        return a.value(due_key, "") < b.value(due_key, "");
    });
}

}  // namespace

http::Response WebApp::not_found(const Ctx& c, const std::string& nav, const std::string& back, const std::string& back_label) {
    Html b;
    b.el("p", "没有找到这一项，或它不属于您所在的乡镇。请回到列表重新查找。");
    b.open("p").el("a", back_label, {{"href", back}}).close();
    return page(c, nav, "没有找到", b, 404);
}

// ---- 评价与回访 ----

http::Response WebApp::follow_ups_list(const Ctx& c) {
    const CivilDate today = clock_.today();
    std::vector<json> items;
    for (std::int64_t after = 0;;) {
        auto page_ = list_follow_ups(store_, stats_, policy_.calendar, c.scope(), after, 1000, today);
        if (!page_) return figures_unavailable(c, "follow-ups", page_.error());
        for (auto& x : (*page_)["items"]) items.push_back(x);
        if (!(*page_)["more"].get<bool>()) break;
        after = (*page_)["next_after"].get<std::int64_t>();
    }
    const std::string state = c.req.param("state"), township = c.township_only() ? "" : c.req.param("township");
    const bool overdue_only = c.req.param("overdue") == "1";
    std::erase_if(items, [&](const json& x) {
        return (!state.empty() && !(state == "active" ? x["state"] != "closed" : x["state"] == state)) ||
               (overdue_only && !x["overdue"].get<bool>()) || (!township.empty() && x["township"] != township);
    });
    sort_open_first(items, "closed", "due");
    Table t{{"编号", "乡镇", "办件编号", "评价等级", "状态", "发起日期", "回访期限", "是否超期"}, {}};
    for (auto& x : items)
        t.rows.push_back({num(x["id"]), township_label(x["township"]), x["receipt_number"].is_string() ? grouped_receipt(x["receipt_number"]) : "未关联办件",
                          num(x["level"]) + " 星 " + policy_.rating.level_name(x["level"].get<int>()),
                          follow_up_state_name(x["state"]), num(x["opened"]), num(x["due"]), x["overdue"].get<bool>() ? "超期" : ""});
    if (auto e = export_if_asked(c, t, "差评回访")) return *e;

    Html b;
    b.el("p", "评价为“" + policy_.rating.level_name(1) + "”等差评时自动发起回访，须在 " + std::to_string(stats_.follow_up_working_days) +
                  " 个工作日内办结：回访 → 整改 → 办结，每一步写明情况。",
         {{"class", "note"}});
    b.open("form", {{"method", "get"}, {"action", "/follow-ups"}, {"class", "filters"}});
    std::vector<std::pair<std::string, std::string>> states = {{"", "全部"}, {"active", "未办结"}};
    states.insert(states.end(), kFollowUpOrder.begin(), kFollowUpOrder.end());
    select_filter(b, "状态", "state", state, states);
    if (!c.township_only()) {
        b.open("label").text("乡镇编号");
        b.leaf("input", {{"name", "township"}, {"value", township}, {"maxlength", "9"}, {"inputmode", "numeric"}});
        b.close();
    }
    overdue_check(b, overdue_only);
    b.el("button", "查询", {{"type", "submit"}});
    b.el("a", "清除条件", {{"href", "/follow-ups"}});
    b.close();
    const std::string q = query_of({{"state", state}, {"township", township}, {"overdue", overdue_only ? "1" : ""}});
    b.el("p", "共 " + std::to_string(items.size()) + " 件，其中超期 " +
                  std::to_string(std::count_if(items.begin(), items.end(), [](const json& x) { return x["overdue"].get<bool>(); })) + " 件。",
         {{"class", "summary"}});
    export_links(b, "/follow-ups", q);
    grid(b, t, {[&](std::size_t row, std::size_t col) -> std::string {
                    if (col == 0) return "/follow-ups/" + t.rows[row][0];
                    if (col == 2 && items[row]["receipt_number"].is_string())
                        return "/cases/" + items[row]["receipt_number"].get<std::string>();
                    return "";
                },
                [&](std::size_t row) { return items[row]["overdue"].get<bool>() ? "overdue" : ""; }});
    return page(c, "follow-ups", "评价与回访", b);
}

http::Response WebApp::follow_up_page(const Ctx& c, const std::string& id_text, const std::string& refusal) {
    const CivilDate today = clock_.today();
    auto f = digits(id_text) ? follow_up(store_, stats_, policy_.calendar, actor_of(c.user), std::stoll(id_text), today)
                             : Result<json>(Error{"not_found", ""});
    if (!f && f.error().code == "not_found") return not_found(c, "follow-ups", "/follow-ups", "返回回访清单");
    if (!f) return figures_unavailable(c, "follow-ups", f.error());
    const json& x = *f;
    Html b;
    if (!refusal.empty()) b.el("p", "未能登记：" + refusal, {{"class", "error"}, {"role", "alert"}});
    else if (c.req.param("done") == "1") b.el("p", "已登记。", {{"class", "notice"}, {"role", "status"}});
    b.open("dl", {{"class", "facts"}});
    b.el("dt", "乡镇").el("dd", township_label(x["township"]));
    b.el("dt", "办件编号").open("dd");
    if (x["receipt_number"].is_string())
        b.el("a", grouped_receipt(x["receipt_number"]), {{"href", "/cases/" + x["receipt_number"].get<std::string>()}});
    else b.text("未关联办件");
    b.close();
    b.el("dt", "评价").el("dd", num(x["level"]) + " 星（" + policy_.rating.level_name(x["level"].get<int>()) + "）");
    b.el("dt", "状态").el("dd", follow_up_state_name(x["state"]));
    b.el("dt", "发起日期").el("dd", num(x["opened"]));
    b.el("dt", "回访期限").el("dd", num(x["due"]) + (x["overdue"].get<bool>() ? "（已超期）" : ""));
    b.close();
    b.el("h2", "处理记录");
    steps_table(b, x["steps"], follow_up_state_name);
    b.el("h2", "登记下一步");
    auto next = next_states(kFollowUpOrder, x["state"]);
    if (next.empty()) b.el("p", "本回访已办结。");
    else step_form(b, c, {"/follow-ups/" + id_text, next, false, false}, today);
    return page(c, "follow-ups", "差评回访 " + id_text, b, refusal.empty() ? 200 : 422);
}

http::Response WebApp::follow_up_post(const Ctx& c, const std::string& id_text) {
    if (!digits(id_text)) return not_found(c, "follow-ups", "/follow-ups", "返回回访清单");
    auto r = change_follow_up(store_, stats_, policy_.calendar, actor_of(c.user), std::stoll(id_text), step_body(c),
                              clock_.now_utc_ms());
    if (!r && r.error().code == "not_found") return not_found(c, "follow-ups", "/follow-ups", "返回回访清单");
    if (!r) return follow_up_page(c, id_text, refusal_text(r.error()));
    return redirect("/follow-ups/" + id_text + "?done=1");
}

// ---- 投诉 ----

http::Response WebApp::complaints_list(const Ctx& c) {
    const CivilDate today = clock_.today();
    std::vector<json> items;
    for (std::string after;;) {
        auto page_ = list_complaints(store_, stats_, policy_.calendar, c.scope(), after, 1000, today);
        if (!page_) return figures_unavailable(c, "complaints", page_.error());
        for (auto& x : (*page_)["items"]) items.push_back(x);
        if (!(*page_)["more"].get<bool>()) break;
        after = (*page_)["next_after"].get<std::string>();
    }
    const std::string state = c.req.param("state"), township = c.township_only() ? "" : c.req.param("township");
    const bool overdue_only = c.req.param("overdue") == "1";
    std::erase_if(items, [&](const json& x) {
        return (!state.empty() && !(state == "active" ? x["state"] != "closed" : x["state"] == state)) ||
               (overdue_only && !x["overdue"].get<bool>()) || (!township.empty() && x["township"] != township);
    });
    sort_open_first(items, "closed", "reply_due");
    const auto names = complaint_categories(policy_.assets_dir);
    Table t{{"投诉编号", "乡镇", "类别", "状态", "受理日期", "答复期限", "承办人", "是否超期"}, {}};
    for (auto& x : items) {
        const std::string cat = x["category"];
        t.rows.push_back({x["receipt_number"], township_label(x["township"]), names.count(cat) ? names.at(cat) : cat,
                          complaint_state_name(x["state"]), num(x["filed"]), num(x["reply_due"]), num(x["assignee"]),
                          x["overdue"].get<bool>() ? "超期" : ""});
    }
    if (auto e = export_if_asked(c, t, "投诉")) return *e;

    Html b;
    b.el("p", "投诉须在受理后 " + std::to_string(stats_.complaint_reply_working_days) +
                  " 个工作日内答复：交办 → 答复 → 办结。群众可在一体机上用投诉编号和查询码查看进度。",
         {{"class", "note"}});
    b.open("form", {{"method", "get"}, {"action", "/complaints"}, {"class", "filters"}});
    std::vector<std::pair<std::string, std::string>> states = {{"", "全部"}, {"active", "未办结"}};
    states.insert(states.end(), kComplaintOrder.begin(), kComplaintOrder.end());
    select_filter(b, "状态", "state", state, states);
    if (!c.township_only()) {
        b.open("label").text("乡镇编号");
        b.leaf("input", {{"name", "township"}, {"value", township}, {"maxlength", "9"}, {"inputmode", "numeric"}});
        b.close();
    }
    overdue_check(b, overdue_only);
    b.el("button", "查询", {{"type", "submit"}});
    b.el("a", "清除条件", {{"href", "/complaints"}});
    b.close();
    b.el("p", "共 " + std::to_string(items.size()) + " 件。", {{"class", "summary"}});
    export_links(b, "/complaints", query_of({{"state", state}, {"township", township}, {"overdue", overdue_only ? "1" : ""}}));
    Table shown = t;  // on screen the number is grouped as printed on the resident's slip; the export keeps 17 characters
    for (auto& row : shown.rows) row[0] = grouped_receipt(row[0]);
    grid(b, shown, {[&](std::size_t row, std::size_t col) { return col == 0 ? "/complaints/" + t.rows[row][0] : ""; },
                    [&](std::size_t row) { return items[row]["overdue"].get<bool>() ? "overdue" : ""; }});
    return page(c, "complaints", "投诉", b);
}

http::Response WebApp::complaint_page(const Ctx& c, const std::string& receipt_text, const std::string& refusal) {
    const CivilDate today = clock_.today();
    auto parsed = parse_receipt_number(receipt_text);
    auto x = parsed ? complaint(store_, stats_, policy_.calendar, actor_of(c.user), parsed->text, today)
                    : Result<json>(Error{"not_found", ""});
    if (!x && x.error().code == "not_found") return not_found(c, "complaints", "/complaints", "返回投诉清单");
    if (!x) return figures_unavailable(c, "complaints", x.error());
    const auto names = complaint_categories(policy_.assets_dir);
    const std::string cat = (*x)["category"];
    Html b;
    if (!refusal.empty()) b.el("p", "未能登记：" + refusal, {{"class", "error"}, {"role", "alert"}});
    else if (c.req.param("done") == "1") b.el("p", "已登记。", {{"class", "notice"}, {"role", "status"}});
    b.open("dl", {{"class", "facts"}});
    auto fact = [&](const std::string& k, const std::string& v) { b.el("dt", k).el("dd", v); };
    fact("投诉编号", parsed->grouped());
    fact("乡镇", township_label((*x)["township"]));
    fact("类别", names.count(cat) ? names.at(cat) : cat);
    fact("状态", complaint_state_name((*x)["state"]));
    fact("受理日期", num((*x)["filed"]));
    fact("答复期限", num((*x)["reply_due"]) + ((*x)["overdue"].get<bool>() ? "（已超期）" : ""));
    fact("承办人", (*x)["assignee"].get<std::string>().empty() ? "—" : (*x)["assignee"].get<std::string>());
    fact("答复日期", num((*x)["replied"]));
    fact("办结日期", num((*x)["closed"]));
    b.close();
    std::vector<std::string> cases;
    (void)store_.query("SELECT case_receipt FROM complaint_links WHERE complaint_receipt = ?1 ORDER BY case_receipt",
                       {parsed->text}, [&](const SqlRow& r) { cases.push_back(r.text(0)); });
    if (!cases.empty()) {
        b.open("p").text("涉及的办件：");
        for (auto& cr : cases) b.el("a", grouped_receipt(cr), {{"href", "/cases/" + cr}});
        b.close();
    }
    b.el("h2", "处理记录");
    steps_table(b, (*x)["steps"], complaint_state_name);
    b.el("h2", "登记下一步");
    auto next = next_states(kComplaintOrder, (*x)["state"]);
    if (next.empty()) b.el("p", "本投诉已办结。");
    else step_form(b, c, {"/complaints/" + parsed->text, next, true, false}, today);
    return page(c, "complaints", "投诉 " + parsed->grouped(), b, refusal.empty() ? 200 : 422);
}

http::Response WebApp::complaint_post(const Ctx& c, const std::string& receipt_text) {
    auto parsed = parse_receipt_number(receipt_text);
    if (!parsed) return not_found(c, "complaints", "/complaints", "返回投诉清单");
    auto r = change_complaint(store_, stats_, policy_.calendar, actor_of(c.user), parsed->text, step_body(c), clock_.now_utc_ms());
    if (!r && r.error().code == "not_found") return not_found(c, "complaints", "/complaints", "返回投诉清单");
    if (!r) return complaint_page(c, parsed->text, refusal_text(r.error()));
    return redirect("/complaints/" + parsed->text + "?done=1");
}

// ---- 预警 ----

http::Response WebApp::alerts_list(const Ctx& c) {
    const CivilDate today = clock_.today();
    const std::string state = c.req.param("state");
    std::vector<json> items;
    (void)store_.query(
        "SELECT id, kind, kiosk_id, township, detail, state, repeats, updated_ms, due_date FROM alerts"
        " WHERE (?1 = '' OR township = ?1) ORDER BY id DESC",
        {c.scope()}, [&](const SqlRow& r) {
            const std::string due = r.is_null(8) ? "" : r.text(8);
            items.push_back({{"id", r.integer(0)}, {"kind", r.text(1)}, {"kiosk_id", r.is_null(2) ? "" : r.text(2)},
                             {"township", r.is_null(3) ? "" : r.text(3)}, {"detail", r.text(4)}, {"state", r.text(5)},
                             {"repeats", r.integer(6)}, {"updated", format_rfc3339(r.integer(7))}, {"due", due},
                             {"overdue", r.text(5) == "notified" && !due.empty() && due < today.iso()}});
        });
    std::erase_if(items, [&](const json& x) {
        return !state.empty() && !(state == "active" ? x["state"] != "resolved" : x["state"] == state);
    });
    sort_open_first(items, "resolved", "due");
    Table t{{"编号", "类型", "乡镇", "终端", "说明", "状态", "重复次数", "最近发生", "整改期限", "是否超期"}, {}};
    for (auto& x : items)
        t.rows.push_back({num(x["id"]), alert_kind_name(x["kind"]), township_label(x["township"]), num(x["kiosk_id"]),
                          mask_personal_text(x["detail"]), alert_state_name(x["state"]), num(x["repeats"]),
                          local_time(x["updated"]), x["due"].get<std::string>().empty() ? "—" : num(x["due"]),
                          x["overdue"].get<bool>() ? "超期" : ""});
    if (auto e = export_if_asked(c, t, "预警")) return *e;

    Html b;
    if (auto n = c.req.param("evaluated"); !n.empty())
        b.el("p", "已按规则检查一遍：新发或重复出现的预警 " + n + " 条。", {{"class", "notice"}, {"role", "status"}});
    b.el("p", "预警由规则自动发出（超期占比、满意率下降、回访或投诉超期、待县级入户核查、终端长时间未上传）。"
              "县级人员发提醒函并给出整改期限，整改后销号。",
         {{"class", "note"}});
    b.open("form", {{"method", "get"}, {"action", "/alerts"}, {"class", "filters"}});
    std::vector<std::pair<std::string, std::string>> states = {{"", "全部"}, {"active", "未销号"}};
    states.insert(states.end(), kAlertOrder.begin(), kAlertOrder.end());
    select_filter(b, "状态", "state", state, states);
    b.el("button", "查询", {{"type", "submit"}});
    b.close();
    if (!c.township_only()) {
        b.open("form", {{"method", "post"}, {"action", "/alerts/evaluate"}, {"class", "inline"}});
        b.leaf("input", {{"type", "hidden"}, {"name", "csrf_token"}, {"value", c.session.csrf}});
        b.el("button", "立即按规则检查", {{"type", "submit"}});
        b.close();
    }
    export_links(b, "/alerts", query_of({{"state", state}}));
    grid(b, t, {[&](std::size_t row, std::size_t col) { return col == 0 ? "/alerts/" + t.rows[row][0] : ""; },
                [&](std::size_t row) { return items[row]["overdue"].get<bool>() ? "overdue" : ""; }});
    return page(c, "alerts", "预警", b);
}

http::Response WebApp::alert_page(const Ctx& c, const std::string& id_text, const std::string& refusal) {
    const CivilDate today = clock_.today();
    auto x = digits(id_text) ? alert_with_history(store_, actor_of(c.user), std::stoll(id_text), today)
                             : Result<json>(Error{"not_found", ""});
    if (!x && x.error().code == "not_found") return not_found(c, "alerts", "/alerts", "返回预警清单");
    if (!x) return figures_unavailable(c, "alerts", x.error());
    Html b;
    if (!refusal.empty()) b.el("p", "未能登记：" + refusal, {{"class", "error"}, {"role", "alert"}});
    else if (c.req.param("done") == "1") b.el("p", "已登记。", {{"class", "notice"}, {"role", "status"}});
    b.open("dl", {{"class", "facts"}});
    b.el("dt", "类型").el("dd", alert_kind_name((*x)["kind"]));
    b.el("dt", "乡镇").el("dd", township_label((*x)["township"]));
    b.el("dt", "终端").el("dd", (*x)["kiosk_id"].get<std::string>().empty() ? "—" : (*x)["kiosk_id"].get<std::string>());
    b.el("dt", "说明").el("dd", mask_personal_text((*x)["detail"]));
    b.el("dt", "状态").el("dd", alert_state_name((*x)["state"]));
    b.el("dt", "重复次数").el("dd", num((*x)["repeats"]));
    b.el("dt", "首次发生").el("dd", local_time((*x)["created"]));
    b.el("dt", "整改期限").el("dd", num((*x)["due_date"]) + ((*x)["overdue"].get<bool>() ? "（已超期）" : ""));
    b.close();
    b.el("h2", "处理记录");
    steps_table(b, (*x)["steps"], alert_state_name);
    b.el("h2", "登记下一步");
    auto next = next_states(kAlertOrder, (*x)["state"]);
    if (next.empty()) b.el("p", "本预警已销号。");
    else if (c.township_only()) b.el("p", "预警的提醒函和销号由县民政局登记。整改情况请报县民政局。");
    else step_form(b, c, {"/alerts/" + id_text, next, false, true}, today);
    return page(c, "alerts", "预警 " + id_text, b, refusal.empty() ? 200 : 422);
}

http::Response WebApp::alert_post(const Ctx& c, const std::string& id_text) {
    if (!digits(id_text)) return not_found(c, "alerts", "/alerts", "返回预警清单");
    auto r = change_alert(store_, stats_, policy_.calendar, actor_of(c.user), std::stoll(id_text), step_body(c),
                          clock_.now_utc_ms());
    if (!r && r.error().code == "not_found") return not_found(c, "alerts", "/alerts", "返回预警清单");
    if (!r) return alert_page(c, id_text, refusal_text(r.error()));
    return redirect("/alerts/" + id_text + "?done=1");
}

http::Response WebApp::alerts_evaluate_post(const Ctx& c) {
    if (c.township_only()) return not_found(c, "alerts", "/alerts", "返回预警清单");
    Figures figures(store_, policy_, stats_, clock_.today());
    auto n = figures.evaluate_alerts(clock_.now_utc_ms());
    if (!n) return figures_unavailable(c, "alerts", n.error());
    (void)store_.append_audit({0, clock_.now_utc_ms(), c.user.user_id, "alerts.evaluated", "alerts", std::to_string(*n)});
    return redirect("/alerts?evaluated=" + std::to_string(*n));
}

}  // namespace yimen::county::web
