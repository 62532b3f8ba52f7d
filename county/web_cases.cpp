// web_cases.cpp — 办件 (the case list with its filters and exports), 办件详情 (timeline with working days used and
// left, documents, rating and complaints, audit trail) and the casework form, which posts through the same Casework
// code path as POST /api/v1/cases/{receipt}/stages. Each case is judged by policy's evaluate_case, like the kiosks'
// status records; names and ID numbers are shown masked.
#include <algorithm>
#include <cctype>
#include <map>

#include "county/web_app.hpp"
#include "policy/money.hpp"
#include "policy/receipt_number.hpp"
#include "policy/resident_id.hpp"
#include "policy/workflow.hpp"

namespace yimen::county::web {

using nlohmann::json;

namespace {

constexpr int kPageRows = 50;

struct CaseLine {
    std::string receipt, programme, township;
    UtcMillis submitted_ms = 0;
    bool close_relative = false;
    std::vector<StageEntry> history;
    CaseStatus st;
};

// Every case of a scope ("" = the county) with its status today: applications and referrals, their stages in
// order, and the complaints that name them, in three queries.
std::vector<CaseLine> load_cases(Store& store, const PolicyData& policy, const std::string& township, CivilDate today) {
    std::vector<CaseLine> out;
    std::map<std::string, std::size_t> at;
    (void)store.query(
        "SELECT receipt_number, programme, township, submitted_ms, close_relative FROM applications"
        " WHERE ?1 = '' OR township = ?1"
        " UNION ALL SELECT receipt_number, programme, township, issued_ms, 0 FROM referrals WHERE ?1 = '' OR township = ?1",
        {township}, [&](const SqlRow& r) {
            at[r.text(0)] = out.size();
            out.push_back({r.text(0), r.text(1), r.text(2), r.integer(3), r.integer(4) != 0, {}, {}});
        });
    (void)store.query(
        "SELECT receipt_number, stage, date, actor, reason, fields, documents FROM stage_events"
        " WHERE ?1 = '' OR receipt_number IN (SELECT receipt_number FROM applications WHERE township = ?1"
        " UNION ALL SELECT receipt_number FROM referrals WHERE township = ?1) ORDER BY receipt_number, id",
        {township}, [&](const SqlRow& r) {
            auto it = at.find(r.text(0));
            if (it == at.end()) return;
            auto d = CivilDate::parse(r.text(2));
            StageEntry e{r.text(1), d ? *d : CivilDate{}, r.text(3), r.text(4), json::parse(r.text(5), nullptr, false), {}};
            if (!e.fields.is_object()) e.fields = json::object();
            auto docs = json::parse(r.text(6), nullptr, false);
            if (docs.is_array())
                for (auto& x : docs)
                    if (x.is_string()) e.documents.push_back(x.get<std::string>());
            out[it->second].history.push_back(std::move(e));
        });
    std::map<std::string, int> complaints;
    (void)store.query("SELECT case_receipt, count(*) FROM complaint_links GROUP BY case_receipt", {},
                      [&](const SqlRow& r) { complaints[r.text(0)] = static_cast<int>(r.integer(1)); });
    for (auto& c : out) {
        const Programme* p = policy.rules.programme(c.programme);
        if (!p || c.history.empty()) continue;
        auto n = complaints.find(c.receipt);
        CaseFacts facts{c.close_relative, "", n == complaints.end() ? 0 : n->second};
        c.st = evaluate_case(*p, facts, c.history, today, policy.calendar, policy.rules);
    }
    return out;
}

std::string grouped(const std::string& receipt) {
    auto r = parse_receipt_number(receipt);
    return r ? r->grouped() : receipt;
}

// "1104 0126-1127 0001 8x" → "110401261127000 18X": what a person types, as stored.
std::string normalise_search(const std::string& q) {
    std::string out;
    for (char ch : q) {
        if (ch == ' ' || ch == '-' || ch == '\t') continue;
        out += ch == 'x' ? 'X' : ch;
    }
    return out;
}

std::string state_text(const CaseStatus& st) {
    if (st.closed) return "已办结";
    if (st.overdue) return "超期";
    if (st.decided) return "已决定";
    if (!st.accepted) return "待受理";
    return "办理中";
}

std::string stage_name(const Programme* p, const std::string& id) {
    const StageDef* d = p ? p->stage(id) : nullptr;
    return d ? d->name : id;
}

// 王秀英 → 王**: the first character, the rest hidden (a name is rarely needed in full on a screen).
std::string mask_name(const std::string& name) {
    if (name.empty()) return "";
    std::size_t first = 1;
    while (first < name.size() && (static_cast<unsigned char>(name[first]) & 0xC0) == 0x80) ++first;
    std::size_t rest = 0;
    for (std::size_t i = first; i < name.size(); ++i) rest += (static_cast<unsigned char>(name[i]) & 0xC0) != 0x80;
    return name.substr(0, first) + std::string(std::max<std::size_t>(rest, 1), '*');
}

// ?page=N, 1 ≤ N ≤ pages; ok = false (and page 1) for anything else.
std::int64_t page_number(const http::Request& req, std::int64_t pages, bool& ok) {
    const std::string v = req.param("page");
    if (v.empty()) return 1;
    std::int64_t n = 0;
    for (char ch : v) {
        if (ch < '0' || ch > '9' || n > 1'000'000) {
            ok = false;
            return 1;
        }
        n = n * 10 + (ch - '0');
    }
    if (n < 1 || n > pages) {
        ok = false;
        return 1;
    }
    return n;
}

}  // namespace

http::Response WebApp::cases_list(const Ctx& c) {
    const CivilDate today = clock_.today();
    // Township staff get their own township whatever the query says; a county user may narrow to one.
    const std::string township = c.township_only() ? c.user.township : c.req.param("township");
    const std::string programme = c.req.param("programme"), stage = c.req.param("stage");
    const bool overdue_only = c.req.param("overdue") == "1";
    const std::string search = normalise_search(c.req.param("q"));
    auto all = load_cases(store_, policy_, c.scope(), today);
    std::vector<std::string> townships;
    for (auto& x : all) townships.push_back(x.township);
    std::sort(townships.begin(), townships.end());
    townships.erase(std::unique(townships.begin(), townships.end()), townships.end());

    std::vector<const CaseLine*> rows;
    for (auto& x : all) {
        if (!township.empty() && x.township != township) continue;
        if (!programme.empty() && x.programme != programme) continue;
        if (!stage.empty() && x.st.current_stage != stage) continue;
        if (overdue_only && !x.st.overdue) continue;
        if (!search.empty() && x.receipt.find(search) == std::string::npos) continue;
        rows.push_back(&x);
    }
    // Overdue first, then the newest application first.
    std::stable_sort(rows.begin(), rows.end(), [](const CaseLine* a, const CaseLine* b) {
        if (a->st.overdue != b->st.overdue) return a->st.overdue;
        if (a->submitted_ms != b->submitted_ms) return a->submitted_ms > b->submitted_ms;
        return a->receipt < b->receipt;
    });

    auto due_left = [&](const CaseLine& x) -> std::pair<std::string, std::string> {
        if (!x.st.overall_due || x.st.decided || x.st.closed) return {"", ""};
        const auto left = policy_.calendar.working_days_between(today, x.st.overall_due->date).days;
        return {x.st.overall_due->date.iso(), std::to_string(left)};
    };
    Table t{{"办件编号", "乡镇", "项目", "当前环节", "申请日期", "已用工作日", "法定期限", "剩余工作日", "状态"}, {}};
    for (auto* x : rows) {
        const Programme* p = policy_.rules.programme(x->programme);
        auto [due, left] = due_left(*x);
        t.rows.push_back({x->receipt, township_label(x->township), p ? p->name : x->programme, stage_name(p, x->st.current_stage),
                          county_date_at(x->submitted_ms).iso(),
                          x->st.accepted ? std::to_string(x->st.working_days_used) : "", due, left, state_text(x->st)});
    }
    if (auto e = export_if_asked(c, t, "办件")) return *e;

    bool ok = true;
    const auto pages = std::max<std::int64_t>(1, (static_cast<std::int64_t>(rows.size()) + kPageRows - 1) / kPageRows);
    const std::int64_t page_no = page_number(c.req, pages, ok);
    Html b;
    b.open("form", {{"method", "get"}, {"action", "/cases"}, {"class", "filters"}});
    if (!c.township_only()) {
        b.open("label").text("乡镇").open("select", {{"name", "township"}});
        b.el("option", "全部", {{"value", ""}});
        for (auto& code : townships) {
            if (code == township) b.el("option", township_label(code), {{"value", code}, {"selected", ""}});
            else b.el("option", township_label(code), {{"value", code}});
        }
        b.close().close();
    }
    b.open("label").text("项目").open("select", {{"name", "programme"}});
    b.el("option", "全部", {{"value", ""}});
    std::vector<std::pair<std::string, std::string>> stages;
    for (auto& p : policy_.rules.programmes()) {
        if (p.id == programme) b.el("option", p.name, {{"value", p.id}, {"selected", ""}});
        else b.el("option", p.name, {{"value", p.id}});
        for (auto& s : p.stages)
            if (std::none_of(stages.begin(), stages.end(), [&](auto& x) { return x.first == s.id; }))
                stages.emplace_back(s.id, s.name);
    }
    b.close().close();
    b.open("label").text("当前环节").open("select", {{"name", "stage"}});
    b.el("option", "全部", {{"value", ""}});
    for (auto& [id, name] : stages) {
        if (id == stage) b.el("option", name, {{"value", id}, {"selected", ""}});
        else b.el("option", name, {{"value", id}});
    }
    b.close().close();
    b.open("label", {{"class", "check"}});
    if (overdue_only) b.leaf("input", {{"type", "checkbox"}, {"name", "overdue"}, {"value", "1"}, {"checked", ""}});
    else b.leaf("input", {{"type", "checkbox"}, {"name", "overdue"}, {"value", "1"}});
    b.text("只看超期").close();
    b.open("label").text("办件编号");
    b.leaf("input", {{"name", "q"}, {"value", c.req.param("q")}, {"placeholder", "可带空格"}, {"maxlength", "40"}});
    b.close();
    b.el("button", "查询", {{"type", "submit"}});
    b.el("a", "清除条件", {{"href", "/cases"}});
    b.close();

    // The same filters for the exports and the page links.
    std::string query;
    auto add = [&](const char* k, const std::string& v) {
        if (v.empty()) return;
        std::string enc;
        static const char* hex = "0123456789ABCDEF";
        for (unsigned char ch : v) {
            if (std::isalnum(ch) || ch == '-' || ch == '_') enc += static_cast<char>(ch);
            else enc += '%', enc += hex[ch >> 4], enc += hex[ch & 15];
        }
        query += std::string(query.empty() ? "" : "&") + k + "=" + enc;
    };
    if (!c.township_only()) add("township", township);
    add("programme", programme);
    add("stage", stage);
    add("overdue", overdue_only ? "1" : "");
    add("q", c.req.param("q"));
    const std::string base = "/cases?" + query + (query.empty() ? "" : "&");

    std::int64_t overdue_n = 0;
    for (auto* x : rows) overdue_n += x->st.overdue;
    b.open("p", {{"class", "summary"}});
    b.text("共 " + std::to_string(rows.size()) + " 件，其中超期 " + std::to_string(overdue_n) + " 件。");
    b.el("a", "导出 CSV", {{"href", base + "format=csv"}});
    b.el("a", "导出 Excel", {{"href", base + "format=xlsx"}});
    b.close();

    b.open("table", {{"class", "grid cases"}}).open("thead").open("tr");
    for (auto& h : t.header) b.el("th", h, {{"scope", "col"}});
    b.close().close().open("tbody");
    const std::size_t first = static_cast<std::size_t>((page_no - 1) * kPageRows);
    for (std::size_t i = first; i < rows.size() && i < first + kPageRows; ++i) {
        const auto& row = t.rows[i];
        b.open("tr", {{"class", rows[i]->st.overdue ? "overdue" : ""}});
        b.open("td").el("a", grouped(row[0]), {{"href", "/cases/" + row[0]}}).close();
        for (std::size_t k = 1; k < row.size(); ++k) b.el("td", row[k]);
        b.close();
    }
    if (rows.empty()) b.open("tr").el("td", "没有符合条件的办件。", {{"colspan", "9"}}).close();
    b.close().close();
    if (pages > 1) {
        b.open("nav", {{"class", "pages"}, {"aria-label", "翻页"}});
        if (page_no > 1) b.el("a", "上一页", {{"href", base + "page=" + std::to_string(page_no - 1)}});
        b.el("span", "第 " + std::to_string(page_no) + " / " + std::to_string(pages) + " 页");
        if (page_no < pages) b.el("a", "下一页", {{"href", base + "page=" + std::to_string(page_no + 1)}});
        b.close();
    }
    if (!ok) b.el("p", "页码超出范围，已显示第一页。", {{"class", "note"}});
    return page(c, "cases", "办件", b);
}


namespace {

// Who recorded a stage, as staff read it: the resident at a kiosk, or a staff number.
std::string actor_label(const std::string& actor) {
    if (actor == "resident") return "群众（自助终端）";
    if (actor == "system") return "系统";
    return actor;
}

// What staff read for a stage field of programmes.json (the rules name fields for machines).
std::string field_label(const std::string& name) {
    static const std::map<std::string, std::string> labels = {
        {"amount_fen", "金额（元）"},          {"first_month", "首次发放月份"},
        {"income_per_capita_fen", "家庭月人均收入（元）"}, {"investigators", "调查人员（至少两人）"},
        {"members", "家庭人口数"},            {"months", "渐退月数"},
        {"standard_fen", "保障标准（元/月）"}, {"support_form", "供养方式"},
        {"tier", "护理等级"},                 {"time", "时间（时:分）"}};
    auto it = labels.find(name);
    return it == labels.end() ? name : it->second;
}

std::string option_label(const std::string& option) {
    if (option == "concentrated") return "集中供养";
    if (option == "dispersed") return "分散供养";
    return option;
}

// One <form> per legal next stage: the fields and documents its definition asks for (programmes.json), nothing else.
void stage_form(Html& b, const Ctx& c, const Rules& rules, const Programme& p, const StageDef& d,
                const std::string& receipt, CivilDate today, bool decided) {
    b.open("details", {{"class", "stage-form"}});
    b.el("summary", "登记：" + d.name);
    b.open("form", {{"method", "post"}, {"action", "/cases/" + receipt + "/stages"}});
    b.leaf("input", {{"type", "hidden"}, {"name", "csrf_token"}, {"value", c.session.csrf}});
    b.leaf("input", {{"type", "hidden"}, {"name", "stage"}, {"value", d.id}});
    b.open("label").text("日期");
    b.leaf("input", {{"type", "date"}, {"name", "date"}, {"value", today.iso()}, {"max", today.iso()}, {"required", ""}});
    b.close();
    for (auto& f : d.fields) {
        const std::string name = "field." + f.name;
        const std::string label = field_label(f.name) + (f.required ? "" : "（可选）");
        if (f.type == "self_care_grade") continue;  // derived from the six indicators when recorded
        if (f.type == "self_care") {
            b.open("fieldset").el("legend", "自理能力六项指标（勾选能自理的项目）");
            for (int i = 0; i < 6; ++i) {
                b.open("label", {{"class", "check"}});
                b.leaf("input", {{"type", "checkbox"}, {"name", name}, {"value", std::to_string(i)}});
                b.text("第" + std::to_string(i + 1) + "项").close();
            }
            b.close();
        } else if (f.type == "choice") {
            b.open("label").text(label).open("select", {{"name", name}});
            b.el("option", "请选择", {{"value", ""}});
            for (auto& o : f.options) b.el("option", option_label(o), {{"value", o}});
            b.close().close();
        } else {
            const char* type = f.type == "month" ? "month" : f.type == "time" ? "time" : "text";
            std::string hint = f.type == "fen" || f.type == "fen0" ? "金额，单位元，如 1200.50"
                               : f.type == "names"                   ? "姓名之间用顿号或空格分开"
                               : f.type == "count"                   ? "整数"
                                                                     : "";
            b.open("label").text(label);
            b.leaf("input", {{"type", type}, {"name", name}, {"placeholder", hint}});
            b.close();
        }
    }
    if (!d.documents.empty()) {
        b.open("fieldset").el("legend", "本环节须附材料（请勾选已收到的）");
        for (auto& doc : d.documents) {
            b.open("label", {{"class", "check"}});
            b.leaf("input", {{"type", "checkbox"}, {"name", "documents"}, {"value", doc}});
            b.text(rules.document_name(doc)).close();
        }
        b.close();
    }
    if (d.reason_required) {
        b.open("label").text("理由（将书面告知申请人）");
        b.open("textarea", {{"name", "reason"}, {"rows", "3"}, {"required", ""}}).close();
        b.close();
    }
    // After the decision there is nothing left to extend (the rules refuse it too).
    if (!decided && !d.terminal && !rules.extension_reasons().empty() && p.overall && p.overall->extended_working_days > 0) {
        b.open("label").text("延期理由（仅在需要延长办理期限时选择）").open("select", {{"name", "field.extension_reason"}});
        b.el("option", "不延期", {{"value", ""}});
        for (auto& [code, text] : rules.extension_reasons()) b.el("option", text, {{"value", code}});
        b.close().close();
    }
    b.el("button", "登记" + d.name, {{"type", "submit"}});
    b.close().close();
}

// The posted form → the casework API's body (the same checks follow in Casework::record_stage).
Result<json> stage_body(const Ctx& c, const Programme& p) {
    json body = {{"stage", form_value(c.form, "stage")}, {"fields", json::object()}, {"documents", json::array()}};
    if (auto d = form_value(c.form, "date"); !d.empty()) body["date"] = d;
    if (auto r = form_value(c.form, "reason"); !r.empty()) body["reason"] = r;
    const StageDef* d = p.stage(body["stage"].get<std::string>());
    std::vector<bool> self_care(6, false);
    bool has_self_care = false;
    for (auto& [k, v] : c.form) {
        if (k == "documents") body["documents"].push_back(v);
        if (k.rfind("field.", 0) != 0 || v.empty()) continue;
        const std::string name = k.substr(6);
        const FieldRule* rule = nullptr;
        if (d)
            for (auto& f : d->fields)
                if (f.name == name) rule = &f;
        if (name == "extension_reason" || !rule || rule->type == "text" || rule->type == "choice" || rule->type == "month" ||
            rule->type == "time") {
            body["fields"][name] = v;
        } else if (rule->type == "fen" || rule->type == "fen0") {
            auto fen = parse_yuan(v);
            if (!fen) return Error{"bad_field", "金额“" + v + "”看不懂：请只写数字，单位元，最多两位小数。"};
            body["fields"][name] = *fen;
        } else if (rule->type == "count") {
            if (v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos)
                return Error{"bad_field", "“" + field_label(name) + "”须为整数。"};
            body["fields"][name] = std::stoi(v);
        } else if (rule->type == "names") {
            json names = json::array();
            std::string cur;
            auto flush = [&] {
                if (!cur.empty()) names.push_back(cur);
                cur.clear();
            };
            for (std::size_t i = 0; i < v.size();) {
                if (v.compare(i, 3, "、") == 0 || v.compare(i, 3, "，") == 0) { flush(); i += 3; continue; }
                if (v[i] == ' ' || v[i] == ',') { flush(); ++i; continue; }
                cur += v[i++];
            }
            flush();
            body["fields"][name] = names;
        } else if (rule->type == "self_care") {
            has_self_care = true;
            if (v.size() == 1 && v[0] >= '0' && v[0] <= '5') self_care[static_cast<std::size_t>(v[0] - '0')] = true;
        }
    }
    if (d)
        for (auto& f : d->fields)
            if (f.type == "self_care" && (has_self_care || f.required)) body["fields"][f.name] = self_care;
    return body;
}

}  // namespace

http::Response WebApp::case_detail(const Ctx& c, const std::string& receipt_text, const std::string& notice,
                                   const std::string& refusal) {
    auto not_found = [&] {
        Html b;
        b.el("p", "没有这个办件。请核对办件编号，或回到办件列表查找。");
        b.open("p").el("a", "返回办件列表", {{"href", "/cases"}}).close();
        return page(c, "cases", "没有这个办件", b, 404);
    };
    auto parsed = parse_receipt_number(receipt_text);
    if (!parsed) return not_found();
    const std::string receipt = parsed->text;
    // The same check as the API: another township's case is answered exactly like one that does not exist.
    auto view = casework_.view(c.user, receipt);
    if (!view || view->is_null()) return not_found();
    const CivilDate today = clock_.today();
    const auto rows = store_.stages(receipt);
    const auto app = store_.application(receipt);
    const Programme* p = policy_.rules.programme(view->value("programme", ""));
    if (!p || rows.empty()) return not_found();
    std::vector<StageEntry> history;
    for (auto& r : rows) {
        auto d = CivilDate::parse(r.date);
        history.push_back({r.stage, d ? *d : CivilDate{}, r.actor, r.reason, r.fields, r.documents});
    }
    CaseFacts facts{app && app->close_relative, "", store_.complaints_about(receipt)};
    const CaseStatus st = evaluate_case(*p, facts, history, today, policy_.calendar, policy_.rules);

    Html b;
    if (const std::string done = c.req.param("recorded"); notice.empty() && refusal.empty() && !done.empty())
        b.el("p", "已登记“" + stage_name(p, done) + "”。", {{"class", "notice"}, {"role", "status"}});
    if (!notice.empty()) b.el("p", notice, {{"class", "notice"}, {"role", "status"}});
    if (!refusal.empty()) b.el("p", "未能登记：" + refusal, {{"class", "error"}, {"role", "alert"}});
    b.open("dl", {{"class", "facts"}});
    auto fact = [&](const std::string& k, const std::string& v) { b.el("dt", k).el("dd", v.empty() ? "—" : v); };
    fact("办件编号", parsed->grouped());
    fact("项目", p->name);
    fact("乡镇", township_label(view->value("township", "")));
    if (app) {
        const json& a = app->payload.contains("applicant") ? app->payload["applicant"] : json::object();
        fact("申请人", a.contains("name") && a["name"].is_string() ? mask_name(a["name"].get<std::string>()) : "");
        fact("身份证号", a.contains("id_number") && a["id_number"].is_string()
                             ? mask_resident_id(a["id_number"].get<std::string>())
                             : "");
        fact("申请渠道", app->channel == "assisted" ? "工作人员协助" : "自助申请");
        fact("申请时间", format_rfc3339(app->submitted_ms).substr(0, 10));
        if (app->close_relative) fact("近亲属备案", "是（决定前须县级入户核查）");
    }
    fact("当前环节", stage_name(p, st.current_stage));
    fact("状态", state_text(st));
    fact("已用工作日", st.accepted ? std::to_string(st.working_days_used) : "未受理，尚未计时");
    if (st.overall_due) {
        const auto left = policy_.calendar.working_days_between(today, st.overall_due->date).days;
        std::string v = st.overall_due->date.iso() + "（共 " + std::to_string(st.overall_working_days) + " 个工作日";
        if (!st.decided && !st.closed) v += left >= 0 ? "，剩余 " + std::to_string(left) + " 个" : "，已超 " + std::to_string(-left) + " 个";
        v += st.overall_unconfirmed ? "；" + std::string(kUnconfirmedNote) + "）" : "）";
        fact("法定期限", v);
    }
    b.close();

    b.el("h2", "办理时间线");
    b.open("table", {{"class", "grid"}}).open("thead").open("tr");
    for (const char* h : {"环节", "日期", "经办人", "自受理起工作日", "材料", "理由"}) b.el("th", h, {{"scope", "col"}});
    b.close().close().open("tbody");
    for (auto& r : rows) {
        auto d = CivilDate::parse(r.date);
        std::string used;
        if (st.clock_start && d && !(*d < *st.clock_start))
            used = std::to_string(policy_.calendar.working_days_between(*st.clock_start, *d).days);
        std::string docs;
        for (auto& code : r.documents) docs += (docs.empty() ? "" : "、") + policy_.rules.document_name(code);
        b.open("tr").el("td", stage_name(p, r.stage)).el("td", r.date).el("td", actor_label(r.actor)).el("td", used).el("td", docs);
        b.el("td", mask_personal_text(r.reason)).close();
    }
    b.close().close();

    if (!st.next_deadlines.empty()) {
        b.el("h2", "下一步期限");
        b.open("table", {{"class", "grid"}}).open("thead").open("tr");
        for (const char* h : {"环节", "截止日期", "剩余工作日"}) b.el("th", h, {{"scope", "col"}});
        b.close().close().open("tbody");
        for (auto& dl : st.next_deadlines) {
            const auto left = policy_.calendar.working_days_between(today, dl.due.date).days;
            b.open("tr", {{"class", left < 0 ? "overdue" : ""}}).el("td", stage_name(p, dl.stage));
            b.el("td", dl.due.date.iso() + (dl.due_time.empty() ? "" : " " + dl.due_time));
            b.el("td", left < 0 ? "已超 " + std::to_string(-left) : std::to_string(left)).close();
        }
        b.close().close();
    }

    if (app) {
        b.el("h2", "申请材料");
        b.open("ul", {{"class", "docs"}});
        for (const char* key : {"materials_received", "materials_missing"})
            if (app->payload.contains(key) && app->payload[key].is_array())
                for (auto& m : app->payload[key])
                    if (m.is_string())
                        b.el("li", policy_.rules.document_name(m.get<std::string>()) +
                                       (std::string(key) == "materials_received" ? "：已收" : "：一次性告知待补"),
                             {{"class", std::string(key) == "materials_received" ? "have" : "missing"}});
        b.close();
    }

    b.el("h2", "评价与投诉");
    auto rating = store_.counted_rating(receipt);
    b.el("p", rating ? "评价：" + std::to_string(rating->level) + " 星（1 为非常不满意，5 为非常满意）" : "尚无评价。");
    std::vector<std::pair<std::string, std::string>> complaints;
    (void)store_.query("SELECT l.complaint_receipt, coalesce(c.state, '') FROM complaint_links l"
                       " LEFT JOIN complaints c ON c.receipt_number = l.complaint_receipt WHERE l.case_receipt = ?1",
                       {receipt}, [&](const SqlRow& r) { complaints.emplace_back(r.text(0), r.text(1)); });
    if (complaints.empty()) b.el("p", "没有涉及本办件的投诉。");
    for (auto& [cr, state] : complaints) b.el("p", "投诉 " + grouped(cr) + "：" + (state.empty() ? "已收到" : state));

    // Township staff record township stages; county staff the county's own (the rules' "actor" of each stage).
    const std::string actor = c.township_only() ? "township" : "county";
    std::vector<const StageDef*> offer;
    for (auto& id : st.legal_next)
        if (const StageDef* d = p->stage(id); d && d->actor == actor) offer.push_back(d);
    b.el("h2", "登记下一环节");
    if (offer.empty()) b.el("p", st.closed ? "本办件已办结。" : "当前没有由您登记的环节。");
    for (auto* d : offer) stage_form(b, c, policy_.rules, *p, *d, receipt, today, st.decided);

    b.el("h2", "操作记录");
    b.open("table", {{"class", "grid"}}).open("thead").open("tr");
    for (const char* h : {"时间", "人员", "操作", "内容"}) b.el("th", h, {{"scope", "col"}});
    b.close().close().open("tbody");
    (void)store_.query("SELECT at_ms, user_id, action, detail FROM audit_log WHERE target = ?1 ORDER BY id", {receipt},
                       [&](const SqlRow& r) {
                           b.open("tr").el("td", format_rfc3339(r.integer(0)).substr(0, 19).replace(10, 1, " ") + " UTC");
                           b.el("td", r.text(1)).el("td", r.text(2)).el("td", stage_name(p, r.text(3))).close();
                       });
    b.close().close();
    return page(c, "cases", "办件 " + parsed->grouped(), b, refusal.empty() ? 200 : 422);
}

http::Response WebApp::case_stage_post(const Ctx& c, const std::string& receipt_text) {
    auto parsed = parse_receipt_number(receipt_text);
    if (!parsed) return case_detail(c, receipt_text);
    auto view = casework_.view(c.user, parsed->text);
    if (!view) return case_detail(c, parsed->text);  // the same "not found" as the page
    const Programme* p = policy_.rules.programme(view->value("programme", ""));
    if (!p) return case_detail(c, parsed->text);
    auto body = stage_body(c, *p);
    if (!body) return case_detail(c, parsed->text, "", body.error().message);
    auto out = casework_.record_stage(c.user, parsed->text, *body);
    if (!out) return case_detail(c, parsed->text, "", out.error().message);
    return redirect("/cases/" + parsed->text + "?recorded=" + (*body)["stage"].get<std::string>());
}

}  // namespace yimen::county::web
