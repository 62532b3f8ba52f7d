// web_test.cpp — the back office over real TLS: sign-in, lock-out, sessions and CSRF, township isolation on pages and
// exports, security headers, CSV and XLSX contents; and the pieces below it (HTML escaping, CSV rules, idle expiry).
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>

#include "county/web_auth.hpp"
#include "county/web_export.hpp"
#include "county/web_html.hpp"
#include "support/county_http.hpp"
#include "support/web_client.hpp"

using namespace yimen;
using namespace yimen::test;
namespace rec = yimen::records;
namespace web = yimen::county::web;
using nlohmann::json;

namespace {

void check_page_headers(const Raw& r) {
    CHECK(r.has_header("X-Content-Type-Options: nosniff"));
    CHECK(r.has_header("X-Frame-Options: DENY"));
    CHECK(r.has_header("Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' "
                       "data:; frame-ancestors 'none'; form-action 'self'"));
    CHECK(r.has_header("Referrer-Policy: no-referrer"));
    // No inline script or style anywhere in the markup.
    CHECK(r.body.find("<script>") == std::string::npos);
    CHECK(r.body.find("style=") == std::string::npos);
    CHECK(r.body.find(" onclick=") == std::string::npos);
}

// Applications of one kiosk, synced to the county; answers their receipt numbers.
std::vector<std::string> applications(Kiosk& k, int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) {
        auto a = k.application(i % 2 ? "linshi_jinan" : "dibao");
        if (i % 2) a.materials_received = {"id_card"}, a.materials_missing = {};  // 急难型's own legal list
        k.append(rec::type::application_submitted, a);
        out.push_back(a.receipt_number);
    }
    auto synced = k.uploader->sync_once();
    INFO(synced.message << " " << synced.detail);
    REQUIRE(synced.category == sync::ErrorCategory::none);
    return out;
}

std::int64_t stages_of(County& c, const std::string& receipt) {
    return count(c, "SELECT count(*) FROM stage_events WHERE receipt_number = '" + receipt + "'");
}

}  // namespace

TEST_CASE("web: without a session every page redirects to /login, headers on every page", "[county][web]") {
    County c;
    Browser b{c, {}};
    for (const char* path : {"/", "/cases", "/cases/11040126112700018", "/users", "/fleet", "/no/such/page"}) {
        INFO(path);
        auto r = b.get(path);
        CHECK(r.status == 303);
        CHECK(r.has_header("Location: /login"));
        check_page_headers(r);
    }
    auto login = b.get("/login");
    CHECK(login.status == 200);
    check_page_headers(login);
    CHECK(login.has_header("Cache-Control: no-store"));
    CHECK(login.body.find("name=\"username\"") != std::string::npos);
    CHECK(login.body.find("name=\"password\"") != std::string::npos);
    CHECK(login.body.find("<input type=\"hidden\" name=\"csrf_token\" value=\"") != std::string::npos);
    // The pre-login cookie carries every required attribute.
    bool pre_cookie = false;
    for (auto& h : login.headers)
        if (h.rfind("Set-Cookie: __Host-yimen-pre=", 0) == 0)
            pre_cookie = h.find("; Secure; HttpOnly; SameSite=Strict; Path=/") != std::string::npos;
    CHECK(pre_cookie);
    auto css = b.get("/static/app.css");
    CHECK(css.status == 200);
    CHECK(css.has_header("Content-Type: text/css"));
    check_page_headers(css);
    CHECK(b.get("/static/..%2Fserver.key").status >= 400);
    CHECK(b.get("/static/server.key").status == 404);  // only style sheets, scripts and images of assets/web

    // Signed in: every page of the navigation answers with the layout and the same headers.
    add_web_user(c, "A900001", "county-admin");
    REQUIRE(sign_in(b, "A900001").status == 303);
    for (const char* path : {"/", "/townships", "/cases", "/follow-ups", "/complaints", "/alerts", "/samples",
                             "/scorecard", "/fleet", "/users"}) {
        INFO(path);
        auto r = b.get(path);
        CHECK(r.status == 200);
        check_page_headers(r);
        CHECK(r.has_header("Cache-Control: no-store"));
        CHECK(r.body.find("退出登录") != std::string::npos);
        CHECK(r.body.find("href=\"/cases\"") != std::string::npos);
    }
    // The JSON API keeps its own strict policy.
    auto api = b.get("/api/v1/health");
    CHECK(api.has_header("Content-Security-Policy: default-src 'none'"));
}

TEST_CASE("web: a wrong password gives no session, five failures lock the login, audited without the password",
          "[county][web]") {
    County c;
    add_web_user(c, "S104001", "township-staff", "230523104");
    Browser b{c, {}};
    for (int i = 0; i < 4; ++i) {
        auto r = sign_in(b, "S104001", "wrong-password-123");
        CHECK(r.status == 200);
        CHECK(r.body.find("用户编号或密码不对") != std::string::npos);
        CHECK(b.session().empty());
    }
    // An unknown login is answered exactly like a wrong password.
    auto unknown = sign_in(b, "S999999", "wrong-password-123");
    CHECK(unknown.body.find("用户编号或密码不对") != std::string::npos);
    CHECK(b.session().empty());
    // The fifth failure locks; then even the right password is refused.
    auto fifth = sign_in(b, "S104001", "wrong-password-123");
    CHECK(fifth.body.find("暂停登录") != std::string::npos);
    auto right = sign_in(b, "S104001");
    CHECK(right.status == 200);
    CHECK(right.body.find("暂停登录") != std::string::npos);
    CHECK(b.session().empty());
    CHECK(b.get("/").status == 303);
    CHECK(count(c, "SELECT count(*) FROM audit_log WHERE action = 'login.failed' AND target = 'S104001'") == 6);
    CHECK(count(c, "SELECT count(*) FROM audit_log WHERE action = 'login.locked' AND target = 'S104001'") == 1);
    CHECK(count(c, "SELECT count(*) FROM audit_log WHERE detail LIKE '%wrong-password%' OR target LIKE '%wrong-password%'"
                   " OR target = 'S999999'") == 0);
    // The operator's new password lifts the lock-out.
    county::Actor by{"cli:test", c.clock.now_utc_ms(), county::kDefaultTokenTtlMs};
    REQUIRE(county::set_password(c.server->store(), "S104001", "另一个足够长的密码-2026", by).ok());
    CHECK(sign_in(b, "S104001", "另一个足够长的密码-2026").status == 303);
    CHECK_FALSE(b.session().empty());
}

TEST_CASE("web: POST /login without a valid csrf_token is 403 and signs nobody in", "[county][web]") {
    County c;
    add_web_user(c, "C900002", "county-staff");
    Browser b{c, {}};
    const std::string token = csrf_in(b.get("/login").body);
    REQUIRE(token.size() == 64);
    auto none = b.post("/login", form_encode({{"username", "C900002"}, {"password", kPassword}}));
    CHECK(none.status == 403);
    std::string wrong = token;
    wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
    auto bad = b.post("/login", form_encode({{"csrf_token", wrong}, {"username", "C900002"}, {"password", kPassword}}));
    CHECK(bad.status == 403);
    // Another browser's token does not fit this browser's pre-login cookie.
    Browser other{c, {}};
    const std::string theirs = csrf_in(other.get("/login").body);
    CHECK(b.post("/login", form_encode({{"csrf_token", theirs}, {"username", "C900002"}, {"password", kPassword}})).status ==
          403);
    // Without the pre-login cookie the right token is refused too.
    Browser bare{c, {}};
    CHECK(bare.post("/login", form_encode({{"csrf_token", token}, {"username", "C900002"}, {"password", kPassword}}))
              .status == 403);
    CHECK(b.session().empty());
    CHECK(count(c, "SELECT count(*) FROM web_sessions WHERE user_id IS NOT NULL") == 0);
    CHECK(count(c, "SELECT count(*) FROM audit_log WHERE action LIKE 'login.%'") == 0);
}

TEST_CASE("web: session fixation fails, sign-out ends the session", "[county][web]") {
    County c;
    add_web_user(c, "C900003", "county-staff");
    Browser b{c, {}};
    // An attacker plants a session cookie before sign-in: it is never looked at, and never becomes the session.
    const std::string planted = std::string(64, 'a');
    b.cookies[web::kSessionCookie] = planted;
    const std::string form = b.get("/login").body;
    const std::string pre = b.cookies.at(web::kPreSessionCookie);
    auto ok = b.post("/login", form_encode({{"csrf_token", csrf_in(form)}, {"username", "C900003"}, {"password", kPassword}}));
    CHECK(ok.status == 303);
    CHECK(ok.has_header("Location: /"));
    const std::string session = b.session();
    CHECK(session.size() == 64);
    CHECK(session != planted);
    CHECK(session != pre);
    CHECK(b.cookies.count(web::kPreSessionCookie) == 0);
    CHECK(b.get("/").status == 200);
    // The pre-login cookie presented as a session cookie opens nothing.
    Browser thief{c, {{web::kSessionCookie, pre}}};
    CHECK(thief.get("/").status == 303);
    // Each sign-in gives a new id.
    Browser again{c, {}};
    REQUIRE(sign_in(again, "C900003").status == 303);
    CHECK(again.session() != session);

    // Sign-out needs the CSRF token, then the session is gone for good.
    CHECK(b.post("/logout", "").status == 403);
    CHECK(b.get("/").status == 200);
    const std::string token = csrf_in(b.get("/").body);
    auto out = b.post("/logout", form_encode({{"csrf_token", token}}));
    CHECK(out.status == 303);
    CHECK(out.has_header("Location: /login"));
    Browser replay{c, {{web::kSessionCookie, session}}};
    CHECK(replay.get("/").status == 303);
}

TEST_CASE("web: a state-changing POST without the session's CSRF token is 403 and changes nothing", "[county][web]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    const std::string receipt = applications(*k, 1).front();
    add_web_user(c, "S104002", "township-staff", "230523104");
    Browser b{c, {}};
    REQUIRE(sign_in(b, "S104002").status == 303);
    const auto page = b.get("/cases/" + receipt);
    REQUIRE(page.status == 200);
    const std::string token = csrf_in(page.body);
    REQUIRE(token.size() == 64);
    CHECK(page.body.find("登记：已受理") != std::string::npos);  // the form offers the legal next stage

    const Programme* p = shared_policy().rules.programme("dibao");
    std::vector<std::pair<std::string, std::string>> fields = {{"stage", "accepted"}};
    for (auto& d : p->stage("accepted")->documents) fields.emplace_back("documents", d);
    const std::int64_t before = stages_of(c, receipt);
    CHECK(b.post("/cases/" + receipt + "/stages", form_encode(fields)).status == 403);
    auto wrong = fields;
    wrong.emplace_back("csrf_token", std::string(64, '0'));
    CHECK(b.post("/cases/" + receipt + "/stages", form_encode(wrong)).status == 403);
    CHECK(b.post("/cases/" + receipt + "/stages", form_encode(fields), {"X-CSRF-Token: " + std::string(64, '1')}).status ==
          403);
    CHECK(stages_of(c, receipt) == before);

    // With the token (as a form field, or as the header a fetch would send) the stage is recorded.
    auto right = fields;
    right.emplace_back("csrf_token", token);
    auto done = b.post("/cases/" + receipt + "/stages", form_encode(right));
    CHECK(done.status == 303);
    CHECK(stages_of(c, receipt) == before + 1);
    CHECK(count(c, "SELECT count(*) FROM audit_log WHERE action = 'stage.recorded' AND user_id = 'S104002'") == 1);
    // An illegal step is refused in plain Chinese and changes nothing.
    auto again = b.post("/cases/" + receipt + "/stages", form_encode({{"stage", "confirmed"}}),
                        {"X-CSRF-Token: " + token});
    CHECK(again.status == 422);
    CHECK(again.body.find("未能登记") != std::string::npos);
    CHECK(stages_of(c, receipt) == before + 1);
}

TEST_CASE("web: township A cannot see township B's case page, list rows or export rows", "[county][web]") {
    County c;
    auto a = c.add_kiosk("230523104-01", "230523104");
    auto bk = c.add_kiosk("230523105-01", "230523105");
    const auto mine = applications(*a, 2);
    const auto theirs = applications(*bk, 2);
    add_web_user(c, "S104003", "township-staff", "230523104");
    add_web_user(c, "C900004", "county-staff");
    Browser b{c, {}};
    REQUIRE(sign_in(b, "S104003").status == 303);
    CHECK(b.get("/cases/" + mine[0]).status == 200);
    auto other = b.get("/cases/" + theirs[0]);
    CHECK(other.status == 404);
    CHECK(b.get("/cases/11040126112700018").status == 404);  // one answer for "not yours" and "does not exist"
    for (const std::string path : {"/cases", "/cases?township=230523105", "/cases?format=csv",
                                   "/cases?township=230523105&format=csv"}) {
        INFO(path);
        auto r = b.get(path);
        CHECK(r.status == 200);
        CHECK(r.body.find(mine[0]) != std::string::npos);
        for (auto& t : theirs) CHECK(r.body.find(t) == std::string::npos);
    }
    // The JSON API holds the same line.
    const Api api{c, add_web_user(c, "S104004", "township-staff", "230523104")};
    CHECK(api.get("/api/v1/cases/" + theirs[0]).first == 404);

    Browser county_user{c, {}};
    REQUIRE(sign_in(county_user, "C900004").status == 303);
    auto all = county_user.get("/cases?format=csv");
    for (auto& r : mine) CHECK(all.body.find(r) != std::string::npos);
    for (auto& r : theirs) CHECK(all.body.find(r) != std::string::npos);
    CHECK(county_user.get("/cases/" + theirs[0]).status == 200);
}

TEST_CASE("web: the 办件 exports hold every matching row (CSV with BOM, XLSX cells)", "[county][web]") {
    County c;
    auto k = c.add_kiosk("230523104-01");
    const auto receipts = applications(*k, 53);  // more than one page of 50
    add_web_user(c, "C900005", "county-staff");
    Browser b{c, {}};
    REQUIRE(sign_in(b, "C900005").status == 303);
    auto page = b.get("/cases");
    CHECK(page.body.find("共 53 件") != std::string::npos);
    CHECK(page.body.find("第 1 / 2 页") != std::string::npos);
    // Search with the spaces of the printed form finds the case.
    auto r0 = parse_receipt_number(receipts[7]);
    auto found = b.get("/cases?q=" + form_encode({{"", r0->grouped()}}).substr(1));
    CHECK(found.body.find("共 1 件") != std::string::npos);

    auto csv = b.get("/cases?format=csv");
    REQUIRE(csv.status == 200);
    CHECK(csv.has_header("Content-Type: text/csv; charset=utf-8"));
    CHECK(csv.has_header("Content-Disposition: attachment; filename=\"yimen-"));
    CHECK(csv.body.find("filename*=") == std::string::npos);  // the name is in the header, not the body
    bool utf8_name = false;
    for (auto& h : csv.headers) utf8_name |= h.find("filename*=UTF-8''%E5%8A%9E%E4%BB%B6-") != std::string::npos;
    CHECK(utf8_name);
    REQUIRE(csv.body.rfind("\xEF\xBB\xBF", 0) == 0);
    CHECK(csv.body.substr(3, csv.body.find("\r\n") - 3) ==
          "办件编号,乡镇,项目,当前环节,申请日期,已用工作日,法定期限,剩余工作日,状态");
    std::size_t lines = 0;
    for (std::size_t at = 0; (at = csv.body.find("\r\n", at)) != std::string::npos; at += 2) ++lines;
    CHECK(lines == 1 + receipts.size());
    for (auto& r : receipts) CHECK(csv.body.find("\r\n" + r + ",龙头镇,") != std::string::npos);  // 230523104 by name
    // Filters apply to the export as to the page.
    auto jinan = b.get("/cases?programme=linshi_jinan&format=csv");
    std::size_t jinan_lines = 0;
    for (std::size_t at = 0; (at = jinan.body.find("\r\n", at)) != std::string::npos; at += 2) ++jinan_lines;
    CHECK(jinan_lines == 1 + receipts.size() / 2);

    auto xlsx = b.get("/cases?format=xlsx");
    REQUIRE(xlsx.status == 200);
    CHECK(xlsx.has_header("Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    REQUIRE(xlsx.body.rfind("PK", 0) == 0);
    const std::string path = c.tmp.str() + "/cases.xlsx", out = c.tmp.str() + "/sheet1.xml";
    std::ofstream(path, std::ios::binary) << xlsx.body;
    const std::string cmd = "python3 -c \"import zipfile,sys; sys.stdout.buffer.write(zipfile.ZipFile('" + path +
                            "').read('xl/worksheets/sheet1.xml'))\" > " + out;
    REQUIRE(std::system(cmd.c_str()) == 0);
    std::ifstream in(out, std::ios::binary);
    const std::string sheet((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(sheet.find("<t>办件编号</t>") != std::string::npos);
    CHECK(sheet.find("<t>最低生活保障</t>") != std::string::npos);
    for (auto& r : receipts) CHECK(sheet.find("<t>" + r + "</t>") != std::string::npos);
    CHECK(sheet.find("r=\"A54\"") != std::string::npos);  // header + 53 rows
    CHECK(sheet.find("r=\"A55\"") == std::string::npos);
}

TEST_CASE("web: CSV cells are quoted and defused, HTML is escaped, download names are safe", "[county][web]") {
    web::Table t{{"a", "b"}, {{"=1+1", "x,\"y\""}, {"@SUM(A1)", "line\nbreak"}, {"-2", "+3"}, {"普通", ""}}};
    CHECK(web::table_csv(t) ==
          "\xEF\xBB\xBF" "a,b\r\n'=1+1,\"x,\"\"y\"\"\"\r\n'@SUM(A1),\"line\nbreak\"\r\n'-2,'+3\r\n普通,\r\n");
    web::Html h;
    h.open("p", {{"title", "\"><script>"}}).text("<b>&'").close();
    CHECK(h.str() == "<p title=\"&quot;&gt;&lt;script&gt;\">&lt;b&gt;&amp;&#39;</p>");
    CHECK(web::attachment_disposition("办件 \"x\".csv", "a\"b.csv") ==
          "attachment; filename=\"ab.csv\"; filename*=UTF-8''%E5%8A%9E%E4%BB%B6%20%22x%22.csv");
}

TEST_CASE("web: an idle session expires, a disabled user's session ends", "[county][web]") {
    TempDir tmp;
    auto store = county::open_sqlite_store(tmp.str() + "/county.db");
    REQUIRE(store.ok());
    FixedClock clock(1'800'000'000'000);
    web::WebAuth auth(**store, clock, 30 * 60'000);
    county::Actor by{"cli:test", clock.now_utc_ms(), county::kDefaultTokenTtlMs};
    auto u = county::add_user(**store, {"S104009", "李娜", "township-staff", "230523104", std::nullopt}, by,
                              std::string(kPassword));
    REQUIRE(u.ok());
    auto started = auth.start(u->user);
    REQUIRE(started.ok());
    county::http::Request req;
    req.headers.set("Cookie", std::string(web::kSessionCookie) + "=" + started->first);
    CHECK(auth.signed_in(req).has_value());
    clock.set(clock.now_utc_ms() + 29 * 60'000);  // used within the idle time: still valid, and touched
    CHECK(auth.signed_in(req).has_value());
    clock.set(clock.now_utc_ms() + 29 * 60'000);
    CHECK(auth.signed_in(req).has_value());
    clock.set(clock.now_utc_ms() + 30 * 60'000);  // idle for the whole period: gone
    CHECK_FALSE(auth.signed_in(req).has_value());
    CHECK_FALSE(auth.signed_in(req).has_value());

    auto again = auth.start(u->user);
    REQUIRE(again.ok());
    req.headers.set("Cookie", std::string(web::kSessionCookie) + "=" + again->first);
    CHECK(auth.signed_in(req).has_value());
    REQUIRE(county::disable_user(**store, "S104009", by).ok());
    CHECK_FALSE(auth.signed_in(req).has_value());
}

TEST_CASE("web: a flood of sign-in forms keeps at most the configured pre-login sessions, the newest", "[county][web]") {
    TempDir tmp;
    auto store = county::open_sqlite_store(tmp.str() + "/county.db");
    REQUIRE(store.ok());
    FixedClock clock(1'795'147'200'000);
    county::web::WebAuth auth(**store, clock, 30 * 60 * 1000, 10);
    std::vector<std::string> ids;
    for (int i = 0; i < 25; ++i) {
        clock.set(clock.now_utc_ms() + 1000);  // each form a second after the last
        auto s = auth.start(std::nullopt);
        REQUIRE(s.ok());
        ids.push_back(s->second.id_sha256);
    }
    std::int64_t kept = 0;
    REQUIRE((*store)->query("SELECT count(*) FROM web_sessions WHERE user_id IS NULL", {},
                            [&](const county::SqlRow& r) { kept = r.integer(0); }).ok());
    CHECK(kept <= 10);
    CHECK(kept >= 9);
    bool newest_kept = false, oldest_kept = false;
    REQUIRE((*store)->query("SELECT id_sha256 FROM web_sessions", {}, [&](const county::SqlRow& r) {
        newest_kept |= r.text(0) == ids.back();
        oldest_kept |= r.text(0) == ids.front();
    }).ok());
    CHECK(newest_kept);
    CHECK_FALSE(oldest_kept);
}
