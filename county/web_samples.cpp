// web_samples.cpp — 抽查 (/samples?month=YYYY-MM): the month's random draw with its seed and whether redrawing from
// that seed gives the same list, the findings, a form per sample for county checkers (record_spot_finding), and the
// button that draws a month not yet drawn (draw_spot_checks; county roles only). Township staff see the samples of
// their own township and record nothing.
#include "county/web_app.hpp"
#include "county/web_pages.hpp"
#include "policy/receipt_number.hpp"

namespace yimen::county::web {

using nlohmann::json;

namespace {

bool county_role(const User& u) { return u.role == "county-admin" || u.role == "county-staff"; }

// "YYYY-MM" that names a real month, or "".
std::string valid_month(const std::string& m) {
    if (m.size() != 7 || m[4] != '-' || !CivilDate::parse(m + "-01")) return "";
    return m;
}

std::string finding_name(const json& f) {
    if (f == "ok") return "无问题";
    if (f == "problem") return "有问题";
    return "未核查";
}

}  // namespace

http::Response WebApp::samples_page(const Ctx& c, const std::string& refusal, int status) {
    const CivilDate today = clock_.today();
    const std::string asked = c.req.param("month").empty() ? form_value(c.form, "month") : c.req.param("month");
    std::string month = valid_month(asked);
    Html b;
    if (!asked.empty() && month.empty())
        b.el("p", "月份请写成 年-月，例如 " + today.iso().substr(0, 7) + "。下面显示本月。", {{"class", "error"}, {"role", "alert"}});
    if (month.empty()) month = today.iso().substr(0, 7);
    if (!refusal.empty()) b.el("p", "未能登记：" + refusal, {{"class", "error"}, {"role", "alert"}});
    else if (auto done = c.req.param("done"); !done.empty())
        b.el("p", done == "draw" ? "已抽取本月样本。" : "已登记核查结果。", {{"class", "notice"}, {"role", "status"}});

    auto draw = spot_checks(store_, stats_, month, c.scope());
    if (!draw && draw.error().code != "not_found") return figures_unavailable(c, "samples", draw.error());
    Table t{{"序号", "办件编号", "项目", "乡镇", "核查结果", "说明", "核查人", "核查时间"}, {}};
    if (draw) {
        int n = 0;
        for (auto& s : (*draw)["samples"]) {
            const Programme* p = policy_.rules.programme(s["programme"]);
            t.rows.push_back({std::to_string(++n), s["receipt_number"], p ? p->name : num(s["programme"]), township_label(s["township"]),
                              finding_name(s["finding"]), num(s["note"]), num(s["checker"]), local_time(s["checked_at"])});
        }
    }
    if (draw)
        if (auto e = export_if_asked(c, t, "抽查-" + month)) return *e;

    b.open("form", {{"method", "get"}, {"action", "/samples"}, {"class", "filters"}});
    b.open("label").text("月份");
    b.leaf("input", {{"type", "month"}, {"name", "month"}, {"value", month}, {"max", today.iso().substr(0, 7)}});
    b.close();
    b.el("button", "查看", {{"type", "submit"}});
    b.close();
    b.el("p", "每月从当月审批确认的办件中随机抽取 " + std::to_string(stats_.spot_check_ratio_pct) +
                  "%（特困供养至少 30%）。抽取用的随机种子记录在案，任何人用同一种子重抽都得到同一名单。",
         {{"class", "note"}});
    if (!draw) {
        b.el("p", month + " 尚未抽取抽查样本。");
        if (county_role(c.user)) {
            b.open("form", {{"method", "post"}, {"action", "/samples/draw"}});
            b.leaf("input", {{"type", "hidden"}, {"name", "csrf_token"}, {"value", c.session.csrf}});
            b.leaf("input", {{"type", "hidden"}, {"name", "month"}, {"value", month}});
            b.el("button", "抽取 " + month + " 的样本", {{"type", "submit"}});
            b.close();
            b.el("p", "每月只能抽取一次，抽取后不能重抽。", {{"class", "note"}});
        } else {
            b.el("p", "抽查样本由县民政局抽取。", {{"class", "note"}});
        }
        return page(c, "samples", "抽查 " + month, b, status);
    }
    const json& d = *draw;
    b.open("dl", {{"class", "facts"}});
    b.el("dt", "随机种子").el("dd", num(d["seed"]), {{"class", "seed"}});
    b.el("dt", "可复现").el("dd", d["reproducible"].get<bool>() ? "是：用此种子重抽得到同一名单" : "否：重抽结果与记录不同，请报告系统管理员",
                          {{"class", d["reproducible"].get<bool>() ? "ok" : "warn"}, {"data-reproducible", d["reproducible"].dump()}});
    b.el("dt", "抽取比例").el("dd", num(d["ratio_pct"]) + "%");
    b.el("dt", "当月确认办件").el("dd", num(d["candidates"]));
    b.el("dt", "抽中").el("dd", num(d["drawn"]) + (c.township_only() ? "（本乡镇 " + std::to_string(t.rows.size()) + "）" : ""));
    b.el("dt", "抽取时间").el("dd", local_time(d["drawn_at"]) + "，" + num(d["drawn_by"]));
    b.close();
    export_links(b, "/samples", query_of({{"month", month}}));

    // The table by hand: a county checker's row ends with its finding form.
    const bool checker = county_role(c.user);
    b.open("table", {{"class", "grid"}}).open("thead").open("tr");
    for (auto& h : t.header) b.el("th", h, {{"scope", "col"}});
    if (checker) b.el("th", "登记核查结果", {{"scope", "col"}});
    b.close().close().open("tbody");
    for (auto& row : t.rows) {
        b.open("tr", {{"class", row[4] == "有问题" ? "overdue" : ""}});
        b.el("td", row[0]);
        auto r = parse_receipt_number(row[1]);
        b.open("td").el("a", r ? r->grouped() : row[1], {{"href", "/cases/" + row[1]}}).close();
        for (std::size_t k = 2; k < row.size(); ++k) b.el("td", row[k]);
        if (checker) {
            b.open("td").open("form", {{"method", "post"}, {"action", "/samples/" + month + "/" + row[1]}, {"class", "finding"}});
            b.leaf("input", {{"type", "hidden"}, {"name", "csrf_token"}, {"value", c.session.csrf}});
            b.leaf("input", {{"type", "hidden"}, {"name", "month"}, {"value", month}});
            b.open("select", {{"name", "finding"}, {"aria-label", "核查结果"}});
            b.el("option", "无问题", {{"value", "ok"}}).el("option", "有问题", {{"value", "problem"}});
            b.close();
            b.leaf("input", {{"name", "note"}, {"placeholder", "有问题时写明问题"}, {"maxlength", "600"}, {"aria-label", "说明"}});
            b.el("button", "登记", {{"type", "submit"}});
            b.close().close();
        }
        b.close();
    }
    if (t.rows.empty()) b.open("tr").el("td", "本月没有抽中的办件。", {{"colspan", checker ? "9" : "8"}}).close();
    b.close().close();
    return page(c, "samples", "抽查 " + month, b, status);
}

http::Response WebApp::samples_draw_post(const Ctx& c) {
    if (!county_role(c.user)) return samples_page(c, "抽查样本由县民政局抽取。", 403);
    const std::string month = valid_month(form_value(c.form, "month"));
    if (month.empty()) return samples_page(c, "月份请写成 年-月，例如 " + clock_.today().iso().substr(0, 7) + "。", 422);
    if (month > clock_.today().iso().substr(0, 7)) return samples_page(c, "不能抽取还没有到的月份。", 422);
    auto d = draw_spot_checks(store_, stats_, month, c.user.user_id, clock_.now_utc_ms());
    if (!d) return samples_page(c, d.error().message, 422);
    return redirect("/samples?month=" + month + "&done=draw");
}

http::Response WebApp::sample_finding_post(const Ctx& c, const std::string& month, const std::string& receipt) {
    json body = {{"finding", form_value(c.form, "finding")}, {"note", form_value(c.form, "note")}};
    auto r = record_spot_finding(store_, actor_of(c.user), month, receipt, body, clock_.now_utc_ms());
    if (!r && r.error().code == "not_found") return not_found(c, "samples", "/samples?month=" + month, "返回抽查");
    if (!r) {
        const std::string text = r.error().code == "note_required" ? "选择“有问题”时，请在说明里写明问题。" : refusal_text(r.error());
        return samples_page(c, text, r.error().code == "forbidden" ? 403 : 422);
    }
    return redirect("/samples?month=" + month + "&done=" + receipt);
}

}  // namespace yimen::county::web
