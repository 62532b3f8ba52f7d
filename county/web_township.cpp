// web_township.cpp — 乡镇 drill-down (/townships/{code}): every part of the figure set for one township over the
// period — timeliness by programme, channel and month, acceptance delay and the overdue open cases (each linking to
// its 办件), convenience, satisfaction with its level distribution as an SVG bar chart and sub-indicators,
// awareness per question, complaints, follow-ups and spot checks. Township staff reach only their own township.
#include "county/web_app.hpp"
#include "county/web_pages.hpp"
#include "county/web_svg.hpp"

namespace yimen::county::web {

using nlohmann::json;

namespace {

// A <dl> of label → value pairs, the page's compact way to show a part's headline numbers.
void facts(Html& b, const std::vector<std::pair<std::string, std::string>>& items) {
    b.open("dl", {{"class", "facts"}});
    for (auto& [k, v] : items) b.el("dt", k).el("dd", v);
    b.close();
}

// {key: {decided, within_limit, rate}} or {key: {ratings, satisfied, rate}} as rows, keys named by `label`.
template <typename Label>
void count_rows(Table& t, const json& by, Label label, const char* n_key, const char* k_key) {
    for (auto& [key, v] : by.items())
        t.rows.push_back({label(key), num(v[n_key]), num(v[k_key]), pct(v["rate"])});
}

}  // namespace

http::Response WebApp::township_page(const Ctx& c, const std::string& code) {
    // Another township's page is answered exactly like a township that does not exist.
    bool known = false;
    if (!c.township_only() || code == c.user.township)
        (void)store_.query("SELECT township FROM kiosks WHERE township = ?1 UNION SELECT township FROM applications"
                           " WHERE township = ?1",
                           {code}, [&](const SqlRow&) { known = true; });
    if (!known) return not_found(c, "townships", "/townships", "返回乡镇列表");

    const CivilDate today = clock_.today();
    const Period p = period_of(c.req, today);
    Figures figures(store_, policy_, stats_, today);
    auto s = figures.summary({p.from, p.to, code});
    if (!s) return figures_unavailable(c, "townships", s.error());
    const json &tl = (*s)["timeliness"], &cv = (*s)["convenience"], &sa = (*s)["satisfaction"], &aw = (*s)["awareness"],
               &co = (*s)["complaints"], &fu = (*s)["follow_ups"], &sc = (*s)["spot_checks"];
    const json overdue = (*s)["townships"].empty() ? json::array()
                                                    : (*s)["townships"][0]["timeliness"].value("overdue_cases", json::array());
    auto programme_name = [&](const std::string& id) {
        const Programme* pr = policy_.rules.programme(id);
        return pr ? pr->name : id == "unbound" ? "未关联办件" : id;
    };

    // The page's tables, each exportable with ?table=<name>.
    Table by_programme{{"项目", "办结", "按时办结", "办理及时率"}, {}}, by_channel = by_programme, by_month = by_programme;
    by_channel.header[0] = "申请渠道";
    by_month.header[0] = "月份";
    count_rows(by_programme, tl["by_programme"], programme_name, "decided", "within_limit");
    count_rows(by_channel, tl["by_channel"], channel_label, "decided", "within_limit");
    count_rows(by_month, tl["by_month"], [](const std::string& m) { return m; }, "decided", "within_limit");
    Table late{{"办件编号", "项目", "当前环节", "期限", "超期工作日"}, {}};
    for (auto& x : overdue) {
        const Programme* pr = policy_.rules.programme(x.value("programme", ""));
        const StageDef* st = pr ? pr->stage(x.value("current_stage", "")) : nullptr;
        late.rows.push_back({x["receipt_number"], programme_name(x["programme"]), st ? st->name : num(x["current_stage"]),
                             num(x["due"]), num(x["days_overdue_wd"])});
    }
    Table levels{{"评价等级", "条数"}, {}};
    std::vector<Bar> bars;
    for (int l = 5; l >= 1; --l) {
        const std::string name = policy_.rating.level_name(l);
        const json n = sa["by_level"].value(std::to_string(l), json(0));
        levels.rows.push_back({std::to_string(l) + " 星 " + name, num(n)});
        bars.push_back({std::to_string(l) + "星", n.get<std::int64_t>(), std::to_string(l) + " 星（" + name + "）" + num(n) + " 条"});
    }
    Table subs{{"分项指标", "评分条数", "平均分（5 分制）"}, {}};
    for (auto& [code_, v] : sa["sub_indicators"].items()) subs.rows.push_back({num(v["name"]), num(v["count"]), num(v["average"])});
    Table sat_channel{{"渠道", "评价数", "满意数", "满意率"}, {}};
    count_rows(sat_channel, sa["by_channel"], channel_label, "ratings", "satisfied");
    Table questions{{"题目", "核心题", "答题人数", "答对", "正确率"}, {}};
    for (auto& q : aw["by_question"]) {
        std::string text = num(q["id"]);
        for (auto& qq : policy_.quiz.questions())
            if (qq.id == q["id"]) text = qq.text;
        questions.rows.push_back({text, q.value("core", false) ? "是" : "", num(q["answered"]), num(q["correct"]), pct(q["rate"])});
    }
    const auto names = complaint_categories(policy_.assets_dir);
    Table categories{{"投诉类别", "件数"}, {}};
    for (auto& [k, v] : co["by_category"].items()) categories.rows.push_back({names.count(k) ? names.at(k) : k, num(v)});

    const std::vector<std::pair<std::string, std::pair<const Table*, std::string>>> tables = {
        {"overdue", {&late, "超期在办"}},      {"programme", {&by_programme, "按项目"}}, {"channel", {&by_channel, "按渠道"}},
        {"month", {&by_month, "按月"}},       {"levels", {&levels, "评价等级"}},       {"sub", {&subs, "分项指标"}},
        {"sat_channel", {&sat_channel, "满意度按渠道"}}, {"questions", {&questions, "知晓率按题"}},
        {"categories", {&categories, "投诉类别"}}};
    const std::string which = c.req.param("table");
    for (auto& [name, t] : tables)
        if (name == which || (which.empty() && name == "overdue"))
            if (auto e = export_if_asked(c, *t.first, t.second + "-" + code)) return *e;

    const std::string pq = query_of({{"from", p.from.iso()}, {"to", p.to.iso()}});
    const std::string self = "/townships/" + code;
    auto section = [&](Html& b, const char* id, const std::string& title) { b.el("h2", title, {{"id", id}}); };
    auto table = [&](Html& b, const char* name, const Table& t, const GridLinks& links = {}) {
        grid(b, t, links);
        export_links(b, self, pq + "&table=" + name);
    };

    Html b;
    period_form(b, self, p);
    b.el("p", "统计期 " + p.from.iso() + " 至 " + p.to.iso() + "；在办与超期按 " + (*s)["as_of"].get<std::string>() + " 计。",
         {{"class", "note"}});
    b.open("nav", {{"class", "sorts"}, {"aria-label", "本页目录"}});
    for (auto& [id, label] : std::vector<std::pair<std::string, std::string>>{
             {"timeliness", "办理时限"}, {"convenience", "便民"}, {"satisfaction", "满意度"}, {"awareness", "知晓率"},
             {"complaints", "投诉"}, {"follow_ups", "差评回访"}, {"spot_checks", "抽查"}})
        b.el("a", label, {{"href", "#" + id}});
    b.close();

    section(b, "timeliness", "办理时限");
    facts(b, {{"办结", num(tl["decided"])}, {"按时办结", num(tl["within_limit"])}, {"办理及时率", pct(tl["within_limit_rate"])},
              {"依法延期", num(tl["extended"])}, {"用时中位数", num(tl["median_wd"]) + " 个工作日"},
              {"用时90%分位", num(tl["p90_wd"]) + " 个工作日"}, {"在办", num(tl["open"])}, {"在办超期", num(tl["overdue_open"])},
              {"临近期限", num(tl["approaching"])}});
    b.el("h3", "受理时限（申请 → 受理）");
    const json& acc = tl["acceptance"];
    facts(b, {{"受理", num(acc["accepted"])}, {"期限", num(acc["limit_wd"]) + " 个工作日"}, {"超过期限", num(acc["over_limit"])},
              {"中位数", num(acc["median_wd"]) + " 个工作日"}});
    b.el("h3", "超期在办的办件（超期最久的在前）");
    table(b, "overdue", late, {[&](std::size_t row, std::size_t col) { return col == 0 ? "/cases/" + late.rows[row][0] : ""; },
                               [](std::size_t) { return std::string("overdue"); }});
    b.open("div", {{"class", "columns"}});
    b.open("div").el("h3", "按项目");
    table(b, "programme", by_programme);
    b.el("h3", "按申请渠道");
    table(b, "channel", by_channel);
    b.close();
    b.open("div").el("h3", "按办结月份");
    table(b, "month", by_month);
    b.close().close();

    section(b, "convenience", "便民（跑动次数、重复提交材料）");
    facts(b, {{"申请", num(cv["cases"])}, {"到场次数", num(cv["visits"])}, {"平均每件到场", num(cv["visits_per_case"])},
              {"多次到场的办件", num(cv["repeat_visit_cases"])}, {"一次性告知", num(cv["one_time_notices"])},
              {"一次性告知比例", pct(cv["one_time_notice_rate"])}, {"重复提交的材料", num(cv["repeated_materials"])},
              {"有重复提交的办件", num(cv["repeated_material_cases"])}});

    section(b, "satisfaction", "满意度");
    facts(b, {{"评价", num(sa["ratings"])}, {"满意", num(sa["satisfied"])}, {"满意率", pct(sa["rate"])},
              {"样本", sa.value("small_sample", false) ? "不足 " + std::to_string(stats_.small_sample) + " 条，仅供参考" : "足够"}});
    b.open("div", {{"class", "columns"}});
    b.open("div");
    b.append(bar_chart(bars, "各评价等级的条数"));
    table(b, "levels", levels);
    b.close();
    b.open("div").el("h3", "分项指标");
    table(b, "sub", subs);
    b.el("h3", "按渠道");
    table(b, "sat_channel", sat_channel);
    b.close().close();

    section(b, "awareness", "政策知晓率");
    facts(b, {{"答题人数", num(aw["respondents"])}, {"核心题全对", num(aw["all_core_correct"])}, {"知晓率", pct(aw["rate"])}});
    table(b, "questions", questions);

    section(b, "complaints", "投诉");
    facts(b, {{"受理", num(co["filed"])}, {"未办结", num(co["open"])}, {"已办结", num(co["closed"])},
              {"超期未答复", num(co["overdue"])}, {"逾期答复", num(co["replied_late"])},
              {"答复期限", num(co["reply_limit_wd"]) + " 个工作日"}, {"办结用时中位数", num(co["median_days_to_close"]) + " 天"}});
    table(b, "categories", categories);
    b.open("p").el("a", "查看投诉清单", {{"href", "/complaints"}}).close();

    section(b, "follow_ups", "差评回访");
    facts(b, {{"发起", num(fu["opened"])}, {"已办结", num(fu["closed"])}, {"未办结", num(fu["open"])}, {"超期", num(fu["overdue"])},
              {"回访期限", num(fu["due_wd"]) + " 个工作日"}});
    b.open("p").el("a", "查看回访清单", {{"href", "/follow-ups"}}).close();

    section(b, "spot_checks", "抽查");
    facts(b, {{"抽中", num(sc["drawn"])}, {"已核查", num(sc["checked"])}, {"无问题", num(sc["ok"])}, {"有问题", num(sc["problem"])},
              {"合格率", pct(sc["ok_rate"])}});
    b.open("p").el("a", "查看本月抽查", {{"href", "/samples"}}).close();
    return page(c, "townships", "乡镇 " + township_label(code), b);
}

}  // namespace yimen::county::web
