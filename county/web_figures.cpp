// web_figures.cpp — the figure pages of the back office: 总览 (headline figures of the period with their counts, the
// monthly trend as SVG, the township ranking), 乡镇 (the main figures per township), 考核 (the scorecard with every
// part's weight and raw value) and 终端 (the kiosk fleet). Every number comes from the figures engine (stats.hpp),
// for the user's scope: township staff see their own township only.
#include <algorithm>

#include "county/web_app.hpp"
#include "county/web_pages.hpp"
#include "county/web_svg.hpp"

namespace yimen::county::web {

using nlohmann::json;

namespace {

// One headline figure: an element data-figure="<key>" (the browser test looks these up) linking to its drill-down.
struct Count {
    std::string label;
    std::string key;  // data-count="<key>"
    json value;
};

void headline(Html& b, const char* key, const std::string& label, const json& value, bool is_rate, const std::string& href,
              const std::vector<Count>& counts, const std::string& mark = "") {
    b.open("a", {{"class", "figure"}, {"data-figure", key}, {"href", href}});
    b.el("span", label, {{"class", "label"}});
    b.el("span", is_rate ? pct(value) : num(value), {{"class", "value"}, {"data-value", raw_value(value)}});
    b.open("span", {{"class", "counts"}});
    for (std::size_t i = 0; i < counts.size(); ++i) {
        if (i) b.text(" · ");
        b.text(counts[i].label + " ");
        b.el("b", num(counts[i].value), {{"data-count", counts[i].key}});
    }
    b.close();
    if (!mark.empty()) b.el("span", mark, {{"class", "mark"}, {"data-mark", "small_sample"}});
    b.close();
}

// Rates sort high to low with "no data" last; counts of trouble (overdue, complaints) high to low.
void sort_townships(std::vector<json>& list, const std::string& sort) {
    auto key = [&](const json& t) -> json {
        if (sort == "satisfaction") return t["satisfaction"]["rate"];
        if (sort == "awareness") return t["awareness"]["rate"];
        if (sort == "overdue") return t["timeliness"]["overdue_open"];
        if (sort == "complaints") return t["complaints"]["filed"];
        return t["timeliness"]["within_limit_rate"];
    };
    std::stable_sort(list.begin(), list.end(), [&](const json& a, const json& b) {
        if (sort == "code") return a["code"] < b["code"];
        const json ka = key(a), kb = key(b);
        if (ka.is_null() != kb.is_null()) return kb.is_null();
        if (!ka.is_null() && ka != kb) return ka.get<double>() > kb.get<double>();
        return a["code"] < b["code"];
    });
}

const std::vector<std::pair<std::string, std::string>> kSorts = {
    {"timeliness", "办理及时率"}, {"satisfaction", "满意率"}, {"awareness", "知晓率"},
    {"overdue", "在办超期"},      {"complaints", "投诉数"},   {"code", "乡镇编号"}};

// The ranking table (the dashboard's and the 乡镇 list's): every township of the figure set, `list` sorted in place
// so that row i is list[i].
Table township_table(std::vector<json>& list, const std::string& sort) {
    sort_townships(list, sort);
    Table t{{"名次", "乡镇", "办结", "按时办结", "办理及时率", "在办超期", "评价数", "满意率", "样本不足", "答题人数", "知晓率",
             "投诉", "投诉超期", "差评回访", "回访超期"},
            {}};
    int rank = 0;
    for (auto& x : list) {
        const json &tl = x["timeliness"], &sa = x["satisfaction"], &aw = x["awareness"], &co = x["complaints"],
                   &fu = x["follow_ups"];
        t.rows.push_back({std::to_string(++rank), township_label(x["code"]), num(tl["decided"]), num(tl["within_limit"]),
                          pct(tl["within_limit_rate"]), num(tl["overdue_open"]), num(sa["ratings"]), pct(sa["rate"]),
                          sa.value("small_sample", false) ? "是" : "", num(aw["respondents"]), pct(aw["rate"]),
                          num(co["filed"]), num(co["overdue"]), num(fu["opened"]), num(fu["overdue"])});
    }
    return t;
}

void sort_links(Html& b, const std::string& path, const std::string& period_query, const std::string& sort) {
    b.open("nav", {{"class", "sorts"}, {"aria-label", "排序"}});
    b.text("排序：");
    for (auto& [k, label] : kSorts) {
        const std::string href = path + "?" + period_query + "&sort=" + k;
        if (k == sort) b.el("a", label, {{"href", href}, {"class", "current"}, {"aria-current", "true"}});
        else b.el("a", label, {{"href", href}});
    }
    b.close();
}

std::string valid_sort(const std::string& s) {
    for (auto& [k, label] : kSorts)
        if (k == s) return k;
    return "timeliness";
}

}  // namespace

http::Response WebApp::figures_unavailable(const Ctx& c, const std::string& nav, const Error& e) {
    Html b;
    b.el("p", "暂时无法计算统计数据：" + e.message + " 请稍后刷新；若一直如此，请联系县民政局系统管理员。",
         {{"class", "error"}, {"role", "alert"}});
    return page(c, nav, "统计暂不可用", b, 503);
}

http::Response WebApp::dashboard(const Ctx& c) {
    const CivilDate today = clock_.today();
    const Period p = period_of(c.req, today);
    Figures figures(store_, policy_, stats_, today);
    auto s = figures.summary({p.from, p.to, c.scope()});
    if (!s) return figures_unavailable(c, "home", s.error());
    const json& sum = *s;
    const std::string pq = query_of({{"from", p.from.iso()}, {"to", p.to.iso()}});
    const std::string sort = valid_sort(c.req.param("sort"));

    // The trend: within-limit rate and satisfaction rate per month of the period.
    const auto months = months_of(p);
    Table trend{{"月份", "办结", "按时办结", "办理及时率", "评价数", "满意数", "满意率"}, {}};
    RateSeries timely{"办理及时率", {}, {}}, satisfied{"满意率", {}, {}};
    for (auto& m : months) {
        const json tm = sum["timeliness"]["by_month"].value(m, json{{"decided", 0}, {"within_limit", 0}, {"rate", nullptr}});
        const json sm = sum["satisfaction"]["by_month"].value(m, json{{"ratings", 0}, {"satisfied", 0}, {"rate", nullptr}});
        trend.rows.push_back({m, num(tm["decided"]), num(tm["within_limit"]), pct(tm["rate"]), num(sm["ratings"]),
                              num(sm["satisfied"]), pct(sm["rate"])});
        timely.values.push_back(tm["rate"].is_number() ? std::optional<double>(tm["rate"].get<double>()) : std::nullopt);
        timely.notes.push_back(m + " 办理及时率 " + pct(tm["rate"]) + "（办结 " + num(tm["decided"]) + " 件）");
        satisfied.values.push_back(sm["rate"].is_number() ? std::optional<double>(sm["rate"].get<double>()) : std::nullopt);
        satisfied.notes.push_back(m + " 满意率 " + pct(sm["rate"]) + "（评价 " + num(sm["ratings"]) + " 条）");
    }
    std::vector<json> list(sum["townships"].begin(), sum["townships"].end());
    const Table ranking = township_table(list, sort);
    const bool want_trend = c.req.param("table") == "trend";
    if (auto e = export_if_asked(c, want_trend ? trend : ranking, want_trend ? "月度趋势" : "乡镇排名")) return *e;

    std::int64_t open_alerts = 0;
    (void)store_.query("SELECT count(*) FROM alerts WHERE state <> 'resolved' AND (?1 = '' OR township = ?1)", {c.scope()},
                       [&](const SqlRow& r) { open_alerts = r.integer(0); });

    Html b;
    period_form(b, "/", p, {{"sort", c.req.param("sort")}});
    b.el("p", "统计期 " + p.from.iso() + " 至 " + p.to.iso() + (c.township_only() ? "，本乡镇 " + township_label(c.user.township) : "，全县") +
                  "。每个比率旁是它的计数；点击数字进入明细。",
         {{"class", "note"}});
    // Drill-downs: a township user's own township page; for the county the list sorted by that figure.
    auto drill = [&](const std::string& sort_key, const std::string& anchor) {
        if (c.township_only()) return "/townships/" + c.user.township + "?" + pq + "#" + anchor;
        return "/townships?" + pq + "&sort=" + sort_key;
    };
    const json &tl = sum["timeliness"], &sa = sum["satisfaction"], &aw = sum["awareness"], &co = sum["complaints"],
               &fu = sum["follow_ups"];
    b.open("div", {{"class", "figures"}});
    headline(b, "timeliness", "办理及时率", tl["within_limit_rate"], true, drill("timeliness", "timeliness"),
             {{"办结", "decided", tl["decided"]}, {"按时", "within_limit", tl["within_limit"]}, {"在办超期", "overdue_open", tl["overdue_open"]}});
    headline(b, "satisfaction", "满意率", sa["rate"], true, drill("satisfaction", "satisfaction"),
             {{"评价", "ratings", sa["ratings"]}, {"满意", "satisfied", sa["satisfied"]}},
             sa.value("small_sample", false) ? "样本不足" + std::to_string(stats_.small_sample) + "条，仅供参考" : "");
    headline(b, "awareness", "知晓率", aw["rate"], true, drill("awareness", "awareness"),
             {{"答题", "respondents", aw["respondents"]}, {"核心题全对", "all_core_correct", aw["all_core_correct"]}},
             aw.value("small_sample", false) ? "样本不足" + std::to_string(stats_.small_sample) + "人，仅供参考" : "");
    headline(b, "complaints", "投诉", co["filed"], false, "/complaints",
             {{"受理", "filed", co["filed"]}, {"未办结", "open", co["open"]}, {"超期未答复", "overdue", co["overdue"]}});
    headline(b, "follow_ups", "差评回访", fu["opened"], false, "/follow-ups",
             {{"发起", "opened", fu["opened"]}, {"已办结", "closed", fu["closed"]}, {"超期", "overdue", fu["overdue"]}});
    headline(b, "alerts", "未销号预警", json(open_alerts), false, "/alerts", {{"未销号", "open", json(open_alerts)}});
    b.close();

    b.el("h2", "月度趋势");
    b.append(rate_chart(months, {timely, satisfied}, "各月办理及时率与满意率"));
    b.open("details", {{"class", "table-fallback"}});
    b.el("summary", "按月数据表");
    grid(b, trend);
    export_links(b, "/", pq + "&table=trend");
    b.close();

    b.el("h2", c.township_only() ? "本乡镇" : "乡镇排名");
    if (!c.township_only()) sort_links(b, "/", pq, sort);
    export_links(b, "/", pq + "&sort=" + sort);
    grid(b, ranking, {[&](std::size_t row, std::size_t col) {
                          return col == 1 ? "/townships/" + list[row]["code"].get<std::string>() + "?" + pq : std::string();
                      },
                      {}});
    return page(c, "home", "总览", b);
}

http::Response WebApp::townships_list(const Ctx& c) {
    const CivilDate today = clock_.today();
    const Period p = period_of(c.req, today);
    Figures figures(store_, policy_, stats_, today);
    auto s = figures.summary({p.from, p.to, c.scope()});
    if (!s) return figures_unavailable(c, "townships", s.error());
    const std::string pq = query_of({{"from", p.from.iso()}, {"to", p.to.iso()}});
    const std::string sort = valid_sort(c.req.param("sort"));
    std::vector<json> list((*s)["townships"].begin(), (*s)["townships"].end());
    const Table t = township_table(list, sort);
    if (auto e = export_if_asked(c, t, "乡镇")) return *e;
    Html b;
    period_form(b, "/townships", p, {{"sort", c.req.param("sort")}});
    b.el("p", "点击乡镇进入它的全部指标：办理时限、便民、满意度、知晓率、投诉和差评回访。", {{"class", "note"}});
    sort_links(b, "/townships", pq, sort);
    export_links(b, "/townships", pq + "&sort=" + sort);
    grid(b, t, {[&](std::size_t row, std::size_t col) {
                    return col == 1 ? "/townships/" + list[row]["code"].get<std::string>() + "?" + pq : std::string();
                },
                [&](std::size_t row) { return t.rows[row][5] != "0" && t.rows[row][5] != "—" ? "overdue" : ""; }});
    return page(c, "townships", "乡镇", b);
}

namespace {

std::string part_name(const std::string& part) {
    if (part == "timeliness") return "办理及时率";
    if (part == "satisfaction") return "满意率";
    if (part == "awareness") return "知晓率";
    if (part == "complaints") return "投诉按时答复率";
    if (part == "follow_ups") return "回访按时率";
    if (part == "spot_checks") return "抽查合格率";
    return part;
}

std::string raw_text(const json& raw) {
    static const std::vector<std::pair<std::string, std::string>> kNames = {
        {"decided", "办结"},    {"within_limit", "按时"}, {"ratings", "评价"}, {"satisfied", "满意"},
        {"respondents", "答题"}, {"all_core_correct", "全对"}, {"filed", "投诉"}, {"opened", "回访"},
        {"overdue", "超期"},    {"checked", "已查"},       {"ok", "合格"}};
    std::string out;
    for (auto& [k, name] : kNames)
        if (raw.contains(k)) out += (out.empty() ? "" : "，") + name + " " + num(raw[k]);
    return out;
}

}  // namespace

http::Response WebApp::scorecard_page(const Ctx& c) {
    const CivilDate today = clock_.today();
    const Period p = period_of(c.req, today);
    Figures figures(store_, policy_, stats_, today);
    auto s = figures.scorecard({p.from, p.to, c.scope()});
    if (!s) return figures_unavailable(c, "scorecard", s.error());
    const std::string pq = query_of({{"from", p.from.iso()}, {"to", p.to.iso()}});
    std::vector<json> list((*s)["townships"].begin(), (*s)["townships"].end());
    // Highest score first; a township without any value last.
    std::stable_sort(list.begin(), list.end(), [](const json& a, const json& b) {
        if (a["score"].is_null() != b["score"].is_null()) return b["score"].is_null();
        return !a["score"].is_null() && a["score"].get<double>() > b["score"].get<double>();
    });
    Table t{{"名次", "乡镇", "得分"}, {}};
    if (!list.empty())
        for (auto& part : list.front()["parts"])
            t.header.push_back(part_name(part["part"]) + "（权重 " + num(part["weight"]) + "）");
    int rank = 0;
    for (auto& x : list) {
        std::vector<std::string> row = {std::to_string(++rank), township_label(x["code"]), num(x["score"])};
        for (auto& part : x["parts"]) row.push_back(pct(part["value"]) + "（" + raw_text(part["raw"]) + "）");
        t.rows.push_back(std::move(row));
    }
    if (auto e = export_if_asked(c, t, "考核")) return *e;
    Html b;
    period_form(b, "/scorecard", p);
    b.el("p", (*s)["note"].get<std::string>() + "。权重在县服务器配置 county.toml 的 [stats.weights] 中设定；括号内是指标的原始计数。",
         {{"class", "note"}});
    export_links(b, "/scorecard", pq);
    grid(b, t, {[&](std::size_t row, std::size_t col) {
                    return col == 1 ? "/townships/" + list[row]["code"].get<std::string>() + "?" + pq : std::string();
                },
                {}});
    return page(c, "scorecard", "乡镇考核", b);
}

http::Response WebApp::fleet_page(const Ctx& c) {
    Figures figures(store_, policy_, stats_, clock_.today());
    const json f = figures.fleet(c.scope(), clock_.now_utc_ms());
    Table t{{"终端", "乡镇", "最近上传", "待传记录", "时钟偏差(秒)", "打印机", "软件版本", "长时间未上传", "已吊销"}, {}};
    std::vector<bool> silent;
    for (auto& k : f["kiosks"]) {
        std::string offset = "—";
        if (k["clock_offset_ms"].is_number()) offset = num(json(k["clock_offset_ms"].get<double>() / 1000.0));
        t.rows.push_back({k["kiosk_id"], township_label(k["township"]), local_time(k["last_push"]), num(k["queue_depth"]),
                          offset, num(k["printer"]), num(k["software_version"]), k["silent"].get<bool>() ? "是" : "否",
                          k["revoked"].get<bool>() ? "是" : "否"});
        silent.push_back(k["silent"].get<bool>() && !k["revoked"].get<bool>());
    }
    if (auto e = export_if_asked(c, t, "终端")) return *e;
    Html b;
    b.el("p", "超过 " + num(f["silent_after_hours"]) + " 小时没有上传的终端标为“长时间未上传”（红色），请联系乡镇检查电源和网络。时间为北京时间。",
         {{"class", "note"}});
    export_links(b, "/fleet", "");
    grid(b, t, {{}, [&](std::size_t row) { return silent[row] ? "overdue" : ""; }});
    return page(c, "fleet", "终端", b);
}

}  // namespace yimen::county::web
