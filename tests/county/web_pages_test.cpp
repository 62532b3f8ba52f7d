// web_pages_test.cpp — the back office's figure and follow-through pages over real TLS, on a small county made here:
// the dashboard's headline figures equal Figures::summary for the same period, the SVG charts are well formed with
// one group per month, township staff get 404 for another township's drill-down, follow-up, complaint and alert,
// the step forms change state only with the CSRF token, the spot-check draw and findings go through their forms, and
// the new tables export with BOM, header and every row.
#include <regex>

#include "county/stats.hpp"
#include "county/web_pages.hpp"
#include "support/chain_writer.hpp"
#include "support/county_http.hpp"
#include "support/web_client.hpp"

using namespace yimen;
using namespace yimen::test;
namespace rec = yimen::records;
using nlohmann::json;

namespace {

const std::string kA = "230523104", kC = "230523105";

// 10:00 in the county on a civil date, as UTC milliseconds.
UtcMillis at(CivilDate d) { return d.to_days() * 86'400'000 + 2 * 3'600'000; }

json rating(int level) {
    return {{"receipt_number", ""}, {"level", level}, {"sub_indicators", json::object()}, {"reason_codes", json::array()},
            {"callback_phone", ""}, {"channel", "kiosk"}, {"served_by", ""}};
}

json quiz_all_right() {
    json answers = json::array();
    for (auto& q : shared_policy().quiz.questions())
        answers.push_back({{"question_id", q.id}, {"choice", q.answer}, {"correct", true}});
    return {{"quiz_version", shared_policy().quiz.version()}, {"answers", answers}};
}

json complaint(const std::string& receipt) {
    return {{"receipt_number", receipt}, {"category", "attitude"}, {"text", "窗口态度不好"}, {"anonymous", true},
            {"contact", ""}, {"query_code_hash", sha256_hex("2468" + receipt)}};
}

// The small county: township A with a decided case, ratings 1/5/4, a quiz response and a complaint; township C with
// a bad rating (its own follow-up), a complaint and an alert. (Each complaint also raises its own "complaint" alert.)
struct Small {
    County c;
    std::string complaint_a, complaint_c, decided_case;
    std::int64_t follow_up_a = 0, follow_up_c = 0, alert_c = 0;
    CivilDate confirmed_on;

    Small() {
        auto ka = c.add_kiosk(kA + "-01", kA);
        auto kc = c.add_kiosk(kC + "-01", kC);
        const UtcMillis now = c.clock.now_utc_ms();
        const CivilDate today = c.clock.today();
        complaint_a = make_receipt_number(ReceiptType::complaint, 104, 1, today, 7)->text;
        complaint_c = make_receipt_number(ReceiptType::complaint, 105, 1, today, 8)->text;
        push(*ka, {{rec::type::rating_given, rating(1)}, {rec::type::rating_given, rating(5)}, {rec::type::rating_given, rating(4)},
                   {rec::type::quiz_answered, quiz_all_right()}, {rec::type::complaint_filed, complaint(complaint_a)}});
        push(*kc, {{rec::type::rating_given, rating(2)}, {rec::type::complaint_filed, complaint(complaint_c)}});
        // A 低保 case accepted 30 days ago and confirmed 10 days ago: one decided case in the period.
        const CivilDate applied = today.plus_days(-30);
        confirmed_on = today.plus_days(-10);
        decided_case = make_receipt_number(ReceiptType::application, 104, 1, applied, 3)->text;
        auto& store = c.server->store();
        REQUIRE(store.insert_application({decided_case, "dibao", kA, kA + "-01", "self", "", "key-1", false, "",
                                          at(applied), {{"materials_received", {"id_card"}},
                                                                                 {"materials_missing", json::array()}}})
                    .ok());
        for (auto& [stage, day] : std::vector<std::pair<std::string, CivilDate>>{
                 {"applied", applied}, {"accepted", applied}, {"confirmed", confirmed_on}})
        {
            county::StageRow row{0, decided_case, "dibao", stage, day.iso(), "104001", "", json::object(), {}, at(day), "county"};
            REQUIRE(store.insert_stage(row).ok());
        }
        REQUIRE(store.raise_alert("kiosk_silent", kC + "-01", kC, "终端超过 48 小时没有上传", now).ok());
        (void)store.query("SELECT township, id FROM follow_ups", {}, [&](const county::SqlRow& r) {
            (r.text(0) == kA ? follow_up_a : follow_up_c) = r.integer(1);
        });
        (void)store.query("SELECT id FROM alerts WHERE township = ?1 AND kind = 'kiosk_silent'", {kC}, [&](const county::SqlRow& r) { alert_c = r.integer(0); });
        REQUIRE(follow_up_a > 0);
        REQUIRE(follow_up_c > 0);
        REQUIRE(alert_c > 0);
    }

    void push(Kiosk& k, const std::vector<std::pair<const char*, json>>& events) {
        ChainWriter w{k.id, "boot-" + k.id};
        const std::string now = format_rfc3339(c.clock.now_utc_ms());
        std::vector<std::string> texts;
        for (auto& [type, payload] : events) texts.push_back(w.next(type, payload, now));
        auto r = raw(c, "POST", sync::protocol::kPushPath, w.body(texts, now), k.cert_dir, {"Content-Type: application/gzip"});
        REQUIRE(r.status == 200);
    }

    json summary(CivilDate from, CivilDate to, const std::string& township = "") {
        county::Figures f(c.server->store(), shared_policy(), county::StatsConfig{}, c.clock.today());
        auto s = f.summary({from, to, township});
        REQUIRE(s.ok());
        return *s;
    }
};

// The element data-figure="key" up to its closing </a>.
std::string figure_block(const std::string& html, const std::string& key) {
    const auto at = html.find("data-figure=\"" + key + "\"");
    if (at == std::string::npos) return "";
    return html.substr(at, html.find("</a>", at) - at);
}

std::string attr_after(const std::string& block, const std::string& pattern) {
    std::smatch m;
    return std::regex_search(block, m, std::regex(pattern)) ? m[1].str() : "<missing>";
}
std::string count_of(const std::string& block, const std::string& key) {
    return attr_after(block, "data-count=\"" + key + "\">([^<]*)<");
}
std::string value_of(const std::string& block) { return attr_after(block, "data-value=\"([^\"]*)\""); }

std::size_t occurrences(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = 0; (at = s.find(what, at)) != std::string::npos; at += what.size()) ++n;
    return n;
}

// Every SVG element opened in the chart is closed, and nothing else is left open.
void check_svg_balanced(const std::string& html) {
    const auto from = html.find("<svg"), to = html.find("</svg>");
    REQUIRE(from != std::string::npos);
    REQUIRE(to != std::string::npos);
    const std::string svg = html.substr(from, to + 6 - from);
    for (const char* tag : {"svg", "g", "line", "text", "circle", "polyline", "title", "rect"}) {
        INFO(tag);
        CHECK(occurrences(svg, std::string("<") + tag + " ") + occurrences(svg, std::string("<") + tag + ">") ==
              occurrences(svg, std::string("</") + tag + ">"));
    }
}

std::vector<std::string> csv_lines(const Raw& r) {
    REQUIRE(r.status == 200);
    REQUIRE(r.body.rfind("\xEF\xBB\xBF", 0) == 0);
    std::vector<std::string> out;
    std::size_t at = 3;
    for (std::size_t next; (next = r.body.find("\r\n", at)) != std::string::npos; at = next + 2) out.push_back(r.body.substr(at, next - at));
    return out;
}

CivilDate default_from(CivilDate today) {
    return today.month >= 12 ? CivilDate{today.year, today.month - 11, 1} : CivilDate{today.year - 1, today.month + 1, 1};
}

}  // namespace

TEST_CASE("web pages: the dashboard's headline figures equal Figures::summary for the same period", "[county][web]") {
    Small s;
    add_web_user(s.c, "C910001", "county-staff");
    Browser b{s.c, {}};
    REQUIRE(sign_in(b, "C910001").status == 303);
    const CivilDate today = s.c.clock.today(), from = default_from(today);
    auto page = b.get("/");
    REQUIRE(page.status == 200);
    CHECK(page.body.find("name=\"from\" value=\"" + from.iso() + "\"") != std::string::npos);
    const json sum = s.summary(from, today);
    REQUIRE(sum["satisfaction"]["ratings"] == 4);  // the fixture holds what the comparison needs
    REQUIRE(sum["timeliness"]["decided"] == 1);

    const std::string tl = figure_block(page.body, "timeliness"), sa = figure_block(page.body, "satisfaction"),
                      aw = figure_block(page.body, "awareness"), co = figure_block(page.body, "complaints"),
                      fu = figure_block(page.body, "follow_ups"), al = figure_block(page.body, "alerts");
    CHECK(value_of(tl) == sum["timeliness"]["within_limit_rate"].dump());
    CHECK(count_of(tl, "decided") == sum["timeliness"]["decided"].dump());
    CHECK(count_of(tl, "within_limit") == sum["timeliness"]["within_limit"].dump());
    CHECK(value_of(sa) == sum["satisfaction"]["rate"].dump());
    CHECK(count_of(sa, "ratings") == "4");
    CHECK(count_of(sa, "satisfied") == sum["satisfaction"]["satisfied"].dump());
    CHECK(sa.find("data-mark=\"small_sample\"") != std::string::npos);  // 4 ratings < 30
    CHECK(value_of(aw) == sum["awareness"]["rate"].dump());
    CHECK(count_of(aw, "respondents") == sum["awareness"]["respondents"].dump());
    CHECK(count_of(co, "filed") == "2");
    CHECK(count_of(co, "open") == sum["complaints"]["open"].dump());
    CHECK(count_of(co, "overdue") == sum["complaints"]["overdue"].dump());
    CHECK(count_of(fu, "opened") == "2");
    CHECK(count_of(fu, "overdue") == sum["follow_ups"]["overdue"].dump());
    CHECK(count_of(al, "open") == std::to_string(count(s.c, "SELECT count(*) FROM alerts WHERE state <> 'resolved'")));
    CHECK(count_of(al, "open") != "0");
    for (auto* block : {&tl, &sa, &aw, &co, &fu, &al}) CHECK(block->find("href=\"/") != std::string::npos);

    // An explicit period is honoured: before the data, every count is zero and every rate empty.
    auto early = b.get("/?from=2020-01-01&to=2020-12-31");
    CHECK(count_of(figure_block(early.body, "satisfaction"), "ratings") == "0");
    CHECK(value_of(figure_block(early.body, "timeliness")) == "");
    CHECK(b.get("/?from=2026-13-01").body.find("日期请写成") != std::string::npos);

    // The ranking links each township to its drill-down and sorts on the server.
    CHECK(page.body.find("href=\"/townships/" + kA + "?") != std::string::npos);
    auto by_code = b.get("/?sort=code");
    CHECK(by_code.body.find(">" + county::web::township_label(kA) + "<") < by_code.body.find(">" + county::web::township_label(kC) + "<"));
    auto by_sat = b.get("/?sort=satisfaction");  // C: one rating of 2 (0 %); A: 2 of 3 satisfied
    CHECK(by_sat.body.find(">" + county::web::township_label(kA) + "<") < by_sat.body.find(">" + county::web::township_label(kC) + "<"));

    // A township user's dashboard is their township's figure set.
    add_web_user(s.c, "S910002", "township-staff", kC);
    Browser t{s.c, {}};
    REQUIRE(sign_in(t, "S910002").status == 303);
    auto own = t.get("/");
    const json mine = s.summary(from, today, kC);
    CHECK(count_of(figure_block(own.body, "satisfaction"), "ratings") == "1");
    CHECK(value_of(figure_block(own.body, "satisfaction")) == mine["satisfaction"]["rate"].dump());
    CHECK(count_of(figure_block(own.body, "complaints"), "filed") == "1");
    CHECK(own.body.find("href=\"/townships/" + kA) == std::string::npos);
}

TEST_CASE("web pages: the SVG charts are well formed, one group per month and one bar per level", "[county][web]") {
    Small s;
    add_web_user(s.c, "C910003", "county-staff");
    Browser b{s.c, {}};
    REQUIRE(sign_in(b, "C910003").status == 303);
    auto page = b.get("/");
    check_svg_balanced(page.body);
    CHECK(occurrences(page.body, "<g class=\"month\">") == 12);
    CHECK(page.body.find("style=") == std::string::npos);
    CHECK(page.body.find("<script") == std::string::npos);
    // A three-month period draws three months; the month with the decided case has a point with its value.
    auto q = b.get("/?from=" + s.confirmed_on.plus_days(-40).iso() + "&to=" + s.confirmed_on.iso());
    CHECK(occurrences(q.body, "<g class=\"month\">") >= 2);
    CHECK(q.body.find(s.confirmed_on.iso().substr(0, 7) + " 办理及时率 100.0%") != std::string::npos);

    auto town = b.get("/townships/" + kA);
    REQUIRE(town.status == 200);
    check_svg_balanced(town.body);
    CHECK(occurrences(town.body, "<g class=\"bar\">") == 5);
    CHECK(town.body.find("5 星") != std::string::npos);
}

TEST_CASE("web pages: township staff get 404 for another township's drill-down, follow-up, complaint and alert",
          "[county][web]") {
    Small s;
    add_web_user(s.c, "S910004", "township-staff", kA);
    Browser b{s.c, {}};
    REQUIRE(sign_in(b, "S910004").status == 303);
    CHECK(b.get("/townships/" + kA).status == 200);
    CHECK(b.get("/follow-ups/" + std::to_string(s.follow_up_a)).status == 200);
    CHECK(b.get("/complaints/" + s.complaint_a).status == 200);
    const auto theirs = {"/townships/" + kC, "/follow-ups/" + std::to_string(s.follow_up_c), "/complaints/" + s.complaint_c,
                         "/alerts/" + std::to_string(s.alert_c)};
    for (const std::string& path : theirs) {
        INFO(path);
        auto r = b.get(path);
        CHECK(r.status == 404);
        CHECK(r.body.find("没有找到") != std::string::npos);
    }
    // The same answer as an item that does not exist.
    CHECK(b.get("/follow-ups/999999").status == 404);
    CHECK(b.get("/townships/230523999").status == 404);
    // Lists and exports hold only their own township's rows.
    for (const std::string path : {"/follow-ups?format=csv", "/complaints?format=csv", "/alerts?format=csv", "/townships?format=csv"}) {
        INFO(path);
        auto r = b.get(path);
        CHECK(r.status == 200);
        CHECK(r.body.find(kC) == std::string::npos);
    }
    // Nor can they change it.
    const std::string token = csrf_in(b.get("/").body);
    auto post = b.post("/follow-ups/" + std::to_string(s.follow_up_c),
                       form_encode({{"csrf_token", token}, {"state", "called_back"}, {"note", "已回访"}}));
    CHECK(post.status == 404);
    CHECK(count(s.c, "SELECT count(*) FROM follow_ups WHERE state <> 'open'") == 0);
}

TEST_CASE("web pages: recording follow-up and complaint steps through the forms, refused without CSRF", "[county][web]") {
    Small s;
    add_web_user(s.c, "S910005", "township-staff", kA);
    Browser b{s.c, {}};
    REQUIRE(sign_in(b, "S910005").status == 303);
    const std::string fu = "/follow-ups/" + std::to_string(s.follow_up_a);
    auto detail = b.get(fu);
    REQUIRE(detail.status == 200);
    CHECK(detail.body.find("待回访") != std::string::npos);
    const std::string token = csrf_in(detail.body);
    REQUIRE(token.size() == 64);
    auto state_of = [&](const std::string& sql) {
        std::string v;
        (void)s.c.server->store().query(sql, {}, [&](const county::SqlRow& r) { v = r.text(0); });
        return v;
    };
    const std::string fu_state = "SELECT state FROM follow_ups WHERE id = " + std::to_string(s.follow_up_a);

    const std::vector<std::pair<std::string, std::string>> step = {{"state", "called_back"}, {"note", "已电话回访，群众表示理解"}};
    CHECK(b.post(fu, form_encode(step)).status == 403);
    auto wrong = step;
    wrong.emplace_back("csrf_token", std::string(64, '0'));
    CHECK(b.post(fu, form_encode(wrong)).status == 403);
    CHECK(state_of(fu_state) == "open");

    auto ok = step;
    ok.emplace_back("csrf_token", token);
    auto done = b.post(fu, form_encode(ok));
    CHECK(done.status == 303);
    CHECK(done.has_header("Location: " + fu + "?done=1"));
    CHECK(state_of(fu_state) == "called_back");
    CHECK(count(s.c, "SELECT count(*) FROM audit_log WHERE action = 'follow_up.called_back' AND user_id = 'S910005'") == 1);
    auto after = b.get(fu + "?done=1");
    CHECK(after.body.find("已电话回访") != std::string::npos);
    // Going back is refused in plain words, nothing changes; a missing note likewise.
    auto again = b.post(fu, form_encode(ok));
    CHECK(again.status == 422);
    CHECK(again.body.find("未能登记") != std::string::npos);
    CHECK(b.post(fu, form_encode({{"csrf_token", token}, {"state", "closed"}, {"note", ""}})).body.find("请填写情况说明") !=
          std::string::npos);
    CHECK(state_of(fu_state) == "called_back");

    // The complaint: assigned with its assignee, then replied.
    const std::string cp = "/complaints/" + s.complaint_a;
    const std::string cp_state = "SELECT state FROM complaints WHERE receipt_number = '" + s.complaint_a + "'";
    CHECK(b.post(cp, form_encode({{"state", "assigned"}, {"note", "交民政办"}, {"assignee", "104001"}})).status == 403);
    CHECK(state_of(cp_state) == "received");
    auto assigned = b.post(cp, form_encode({{"csrf_token", token}, {"state", "assigned"}, {"note", "交民政办"}, {"assignee", "104001"}}));
    CHECK(assigned.status == 303);
    CHECK(state_of(cp_state) == "assigned");
    CHECK(state_of("SELECT assignee FROM complaints WHERE receipt_number = '" + s.complaint_a + "'") == "104001");
    CHECK(b.post(cp, form_encode({{"csrf_token", token}, {"state", "replied"}, {"note", "已答复"}})).status == 303);
    CHECK(state_of(cp_state) == "replied");
    auto page = b.get(cp);
    CHECK(page.body.find("已交办") != std::string::npos);
    CHECK(page.body.find("已答复") != std::string::npos);

    // Alerts: township staff read but do not change them; the county notifies and resolves, and may run the rules.
    add_web_user(s.c, "C910006", "county-staff");
    Browser county{s.c, {}};
    REQUIRE(sign_in(county, "C910006").status == 303);
    const std::string al = "/alerts/" + std::to_string(s.alert_c);
    const std::string ctoken = csrf_in(county.get(al).body);
    auto notified = county.post(al, form_encode({{"csrf_token", ctoken}, {"state", "notified"}, {"note", "已发提醒函"},
                                                 {"due_date", s.c.clock.today().plus_days(20).iso()}}));
    CHECK(notified.status == 303);
    CHECK(state_of("SELECT state FROM alerts WHERE id = " + std::to_string(s.alert_c)) == "notified");
    CHECK(county.post("/alerts/evaluate", form_encode({{"csrf_token", ctoken}})).status == 303);
    CHECK(b.post("/alerts/evaluate", form_encode({{"csrf_token", token}})).status == 404);
}

TEST_CASE("web pages: the spot-check draw and its findings through the forms", "[county][web]") {
    Small s;
    add_web_user(s.c, "C910007", "county-staff");
    add_web_user(s.c, "S910008", "township-staff", kA);
    Browser b{s.c, {}}, t{s.c, {}};
    REQUIRE(sign_in(b, "C910007").status == 303);
    REQUIRE(sign_in(t, "S910008").status == 303);
    const std::string month = s.confirmed_on.iso().substr(0, 7);
    auto before = b.get("/samples?month=" + month);
    CHECK(before.body.find("尚未抽取") != std::string::npos);
    const std::string token = csrf_in(before.body), ttoken = csrf_in(t.get("/").body);
    CHECK(t.post("/samples/draw", form_encode({{"csrf_token", ttoken}, {"month", month}})).status == 403);
    CHECK(count(s.c, "SELECT count(*) FROM spot_draws") == 0);
    CHECK(b.post("/samples/draw", form_encode({{"csrf_token", token}, {"month", month}})).status == 303);
    auto drawn = b.get("/samples?month=" + month);
    std::string seed;
    (void)s.c.server->store().query("SELECT seed FROM spot_draws", {}, [&](const county::SqlRow& r) { seed = r.text(0); });
    CHECK(drawn.body.find(seed) != std::string::npos);
    CHECK(drawn.body.find("data-reproducible=\"true\"") != std::string::npos);
    CHECK(drawn.body.find(s.decided_case) != std::string::npos);  // the one confirmed case, 50 % rounded up
    const std::string action = "/samples/" + month + "/" + s.decided_case;
    auto no_note = b.post(action, form_encode({{"csrf_token", token}, {"month", month}, {"finding", "problem"}}));
    CHECK(no_note.status == 422);
    CHECK(no_note.body.find("写明问题") != std::string::npos);
    CHECK(b.post(action, form_encode({{"csrf_token", token}, {"finding", "problem"}, {"note", "缺少入户调查记录"}})).status == 303);
    CHECK(count(s.c, "SELECT count(*) FROM spot_samples WHERE finding = 'problem' AND note = '缺少入户调查记录'") == 1);
    CHECK(t.post(action, form_encode({{"csrf_token", ttoken}, {"finding", "ok"}})).status == 403);
    auto csv = csv_lines(b.get("/samples?month=" + month + "&format=csv"));
    REQUIRE(csv.size() == 2);
    CHECK(csv[1].find(s.decided_case) != std::string::npos);
    CHECK(csv[1].find("有问题") != std::string::npos);
}

TEST_CASE("web pages: the new tables export with BOM, header and every row", "[county][web]") {
    Small s;
    add_web_user(s.c, "C910009", "county-admin");
    Browser b{s.c, {}};
    REQUIRE(sign_in(b, "C910009").status == 303);
    struct Case {
        std::string path, header;
        std::size_t rows;
        std::vector<std::string> holds;
    };
    // Townships appear by name (assets/rules/townships.json).
    const std::string tA = county::web::township_label(kA), tC = county::web::township_label(kC);
    REQUIRE(tA == "龙头镇");
    const std::vector<Case> cases = {
        {"/?format=csv", "名次,乡镇,办结,按时办结,办理及时率", 2, {tA, tC}},
        {"/?table=trend&format=csv", "月份,办结,按时办结,办理及时率,评价数,满意数,满意率", 12, {s.confirmed_on.iso().substr(0, 7)}},
        {"/townships?format=csv", "名次,乡镇,办结", 2, {tA, tC}},
        {"/townships/" + kA + "?table=overdue&format=csv", "办件编号,项目,当前环节,期限,超期工作日", 0, {}},
        {"/townships/" + kA + "?table=levels&format=csv", "评价等级,条数", 5, {"1 星"}},
        {"/follow-ups?format=csv", "编号,乡镇,办件编号,评价等级,状态,发起日期,回访期限,是否超期", 2, {tA, tC}},
        {"/follow-ups?state=active&township=" + kC + "&format=csv", "编号,乡镇", 1, {tC}},
        {"/complaints?format=csv", "投诉编号,乡镇,类别,状态,受理日期,答复期限,承办人,是否超期", 2, {s.complaint_a, s.complaint_c}},
        {"/alerts?format=csv", "编号,类型,乡镇,终端,说明,状态",
         static_cast<std::size_t>(count(s.c, "SELECT count(*) FROM alerts")), {"终端长时间未上传"}},
        {"/scorecard?format=csv", "名次,乡镇,得分", 2, {tA, tC}},
        {"/fleet?format=csv", "终端,乡镇,最近上传,待传记录,时钟偏差(秒),打印机,软件版本,长时间未上传,已吊销", 2,
         {kA + "-01", kC + "-01"}},
    };
    for (auto& x : cases) {
        INFO(x.path);
        auto lines = csv_lines(b.get(x.path));
        REQUIRE(!lines.empty());
        CHECK(lines[0].rfind(x.header, 0) == 0);
        CHECK(lines.size() == 1 + x.rows);
        for (auto& h : x.holds) CHECK(b.get(x.path).body.find(h) != std::string::npos);
    }
    auto xlsx = b.get("/follow-ups?format=xlsx");
    CHECK(xlsx.status == 200);
    CHECK(xlsx.body.rfind("PK", 0) == 0);
}
