// web_app.cpp — routing of the back office, sign-in and sign-out, the layout, the style sheet, exports, and the
// users table. The pages themselves live in web_cases.cpp, web_figures.cpp, web_township.cpp, web_lifecycles.cpp and
// web_samples.cpp.
#include "county/web_app.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "county/users.hpp"

namespace yimen::county::web {

namespace {

struct NavEntry {
    const char* key;
    const char* href;
    const char* label;
    bool admin_only;
};

constexpr NavEntry kNav[] = {
    {"home", "/", "总览", false},          {"townships", "/townships", "乡镇", false},
    {"cases", "/cases", "办件", false},    {"follow-ups", "/follow-ups", "评价与回访", false},
    {"complaints", "/complaints", "投诉", false}, {"alerts", "/alerts", "预警", false},
    {"samples", "/samples", "抽查", false}, {"scorecard", "/scorecard", "考核", false},
    {"fleet", "/fleet", "终端", false},    {"users", "/users", "用户", true},
};

constexpr const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
    "form-action 'self'";

std::string head_html(const std::string& title) {
    Html h;
    h.open("head");
    h.leaf("meta", {{"charset", "utf-8"}});
    h.leaf("meta", {{"name", "viewport"}, {"content", "width=device-width, initial-scale=1"}});
    h.el("title", title + " · 一门 社会救助监管");
    h.leaf("link", {{"rel", "stylesheet"}, {"href", "/static/app.css"}});
    h.close();
    return h.str();
}

http::Response html_response(int status, const std::string& title, const Html& body_inner, const char* body_class) {
    Html body;
    body.open("body", {{"class", body_class}}).append(body_inner).close();
    http::Response r;
    r.status = status;
    r.headers.set("Content-Type", "text/html; charset=utf-8");
    r.body = "<!DOCTYPE html>\n<html lang=\"zh-CN\">" + head_html(title) + body.str() + "</html>\n";
    return r;
}

// A plain page for refusals that happen before or outside the layout (403 without CSRF, 404 of a stray path).
http::Response bare_page(int status, const std::string& title, const std::string& message, const std::string& back) {
    Html b;
    b.open("main", {{"class", "bare"}});
    b.el("h1", title).el("p", message);
    b.open("p").el("a", "返回", {{"href", back}}).close();
    b.close();
    return html_response(status, title, b, "plain");
}

}  // namespace

void page_headers(http::Response& r, bool cacheable) {
    r.headers.set("X-Content-Type-Options", "nosniff");
    r.headers.set("X-Frame-Options", "DENY");
    r.headers.set("Content-Security-Policy", kCsp);
    r.headers.set("Referrer-Policy", "no-referrer");
    r.headers.set("Cache-Control", cacheable ? "max-age=300" : "no-store");
}

http::Response redirect(const std::string& to) {
    http::Response r;
    r.status = 303;
    r.headers.set("Location", to);
    r.headers.set("Content-Type", "text/plain; charset=utf-8");
    r.body = "请前往 " + to + "\n";
    return r;
}

std::string role_name(const std::string& role) {
    if (role == "county-admin") return "县级管理员";
    if (role == "county-staff") return "县级工作人员";
    if (role == "township-staff") return "乡镇工作人员";
    return role;
}

http::Response WebApp::handle(http::Request& req, std::string& route) {
    http::Response r = dispatch(req, route);
    if (!r.headers.has("Content-Security-Policy")) page_headers(r);
    return r;
}

http::Response WebApp::dispatch(http::Request& req, std::string& route) {
    const std::string& path = req.path;
    if (path.rfind("/static/", 0) == 0) {
        route = "/static/{file}";
        if (req.method != "GET") return bare_page(405, "不支持的请求", "这个地址只接受 GET 请求。", "/");
        return static_file(path.substr(8));
    }
    if (path == "/login") {
        route = path;
        if (req.method == "POST") return login_post(req);
        if (auth_.signed_in(req)) return redirect("/");
        return login_form(req, "");
    }

    auto session = auth_.signed_in(req);
    if (!session) {
        route = "(web)";
        return redirect("/login");
    }
    Ctx c{req, *session, *session->user, {}};
    if (req.method == "POST") {
        // One check for every state-changing request, before any handler runs: nothing changes without the token.
        auto form = parse_form(req.body);
        if (form) c.form = std::move(*form);
        if (!form || !WebAuth::csrf_ok(req, c.form, *session)) {
            route = "(csrf)";
            auto r = bare_page(403, "请求被拒绝", "页面已过期或请求来源不明，操作没有执行。请回到上一页刷新后重新提交。", "/");
            r.principal = "user:" + c.user.user_id;
            return r;
        }
    } else if (req.method != "GET") {
        route = "(web)";
        return bare_page(405, "不支持的请求", "这个地址只接受 GET 或 POST 请求。", "/");
    }

    http::Response r;
    const bool post = req.method == "POST";
    if (path == "/logout") {
        route = path;
        if (!post) return redirect("/");
        (void)auth_.end(session->id_sha256);
        (void)store_.append_audit({0, clock_.now_utc_ms(), c.user.user_id, "logout", c.user.user_id, ""});
        r = redirect("/login");
        r.headers.items.emplace_back("Set-Cookie", clear_cookie(kSessionCookie));
    } else if (path == "/cases") {
        route = path;
        r = post ? bare_page(405, "不支持的请求", "办件列表只能查看。", "/cases") : cases_list(c);
    } else if (path.rfind("/cases/", 0) == 0) {
        std::string rest = path.substr(7);
        const bool stage_post = rest.size() > 7 && rest.ends_with("/stages");
        if (stage_post) rest.resize(rest.size() - 7);
        if (rest.empty() || rest.find('/') != std::string::npos) {
            route = "(unknown)";
            r = bare_page(404, "没有这个页面", "请从导航栏进入。", "/");
        } else if (stage_post) {
            route = "/cases/{receipt}/stages";
            r = post ? case_stage_post(c, rest) : redirect("/cases/" + rest);
        } else {
            route = "/cases/{receipt}";
            r = post ? bare_page(405, "不支持的请求", "请使用页面上的表单。", "/cases") : case_detail(c, rest);
        }
    } else if (auto answered = supervision_route(c, path, post, route)) {
        r = std::move(*answered);
    } else {
        route = "(unknown)";
        r = bare_page(404, "没有这个页面", "请从导航栏进入。", "/");
    }
    r.principal = "user:" + c.user.user_id;
    return r;
}

http::Response WebApp::login_form(const http::Request& req, const std::string& message, int status) {
    // The form's CSRF token belongs to a pre-login session: reuse the browser's, or start one.
    auto pre = auth_.pre_login(req);
    std::string new_cookie;
    if (!pre) {
        auto started = auth_.start(std::nullopt);
        if (!started) std::fprintf(stderr, "web: a sign-in form could not start its session: %s\n", started.error().message.c_str());
        if (!started) return bare_page(503, "暂时无法登录", "服务器存储暂不可用，请稍后再试。", "/login");
        new_cookie = started->first;
        pre = started->second;
    }
    Html b;
    b.open("main", {{"class", "login"}});
    b.el("h1", "一门 · 社会救助监管平台");
    b.el("p", "县民政局与乡镇民政工作人员登录", {{"class", "sub"}});
    if (!message.empty()) b.el("p", message, {{"class", "error"}, {"role", "alert"}});
    b.open("form", {{"method", "post"}, {"action", "/login"}});
    b.leaf("input", {{"type", "hidden"}, {"name", "csrf_token"}, {"value", pre->csrf}});
    b.open("label").text("用户编号");
    b.leaf("input", {{"name", "username"}, {"autocomplete", "username"}, {"required", ""}, {"maxlength", "64"}});
    b.close();
    b.open("label").text("密码");
    b.leaf("input", {{"type", "password"}, {"name", "password"}, {"autocomplete", "current-password"}, {"required", ""}});
    b.close();
    b.el("button", "登录", {{"type", "submit"}});
    b.close();
    b.el("p", "连续输错5次密码，账号将暂停登录15分钟。忘记密码请联系县民政局系统管理员。", {{"class", "hint"}});
    b.close();
    auto r = html_response(status, "登录", b, "plain");
    if (!new_cookie.empty()) r.headers.items.emplace_back("Set-Cookie", set_cookie(kPreSessionCookie, new_cookie));
    return r;
}

http::Response WebApp::login_post(const http::Request& req) {
    auto pre = auth_.pre_login(req);
    auto form = parse_form(req.body);
    if (!pre || !form || !WebAuth::csrf_ok(req, *form, *pre))
        return bare_page(403, "登录请求被拒绝", "登录页已过期或来源不明。请重新打开登录页再登录。", "/login");
    auto user = sign_in(store_, form_value(*form, "username"), form_value(*form, "password"), clock_.now_utc_ms());
    if (!user) return login_form(req, user.error().message, 200);
    // A fresh session: the pre-login cookie, whatever its value, is deleted and never becomes the session.
    (void)auth_.end(pre->id_sha256);
    auto started = auth_.start(*user);
    if (!started) return bare_page(503, "暂时无法登录", "服务器存储暂不可用，请稍后再试。", "/login");
    auto r = redirect("/");
    r.headers.items.emplace_back("Set-Cookie", set_cookie(kSessionCookie, started->first));
    r.headers.items.emplace_back("Set-Cookie", clear_cookie(kPreSessionCookie));
    r.principal = "user:" + user->user_id;
    return r;
}

http::Response WebApp::static_file(const std::string& name) {
    // Only plain file names of the web folder: no path separators, no dot files.
    const bool css = name.ends_with(".css"), js = name.ends_with(".js"), svg = name.ends_with(".svg");
    const bool plain = !name.empty() && name.front() != '.' &&
                       name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_.") == std::string::npos &&
                       name.find("..") == std::string::npos;
    if (!plain || !(css || js || svg)) return bare_page(404, "没有这个文件", "请从导航栏进入。", "/");
    std::ifstream in(policy_.assets_dir + "/web/" + name, std::ios::binary);
    if (!in) return bare_page(404, "没有这个文件", "请从导航栏进入。", "/");
    std::ostringstream bytes;
    bytes << in.rdbuf();
    http::Response r;
    r.headers.set("Content-Type", css ? "text/css; charset=utf-8"
                                  : js ? "text/javascript; charset=utf-8"
                                       : "image/svg+xml");
    r.body = bytes.str();
    page_headers(r, true);
    return r;
}

http::Response WebApp::page(const Ctx& c, const std::string& nav, const std::string& title, const Html& content,
                            int status) {
    Html b;
    b.open("header", {{"class", "top"}});
    b.el("a", "一门 · 社会救助监管", {{"class", "brand"}, {"href", "/"}});
    b.open("div", {{"class", "who"}});
    std::string who = c.user.name + " · " + role_name(c.user.role);
    if (c.township_only()) who += "（" + c.user.township + "）";
    b.el("span", who);
    b.open("form", {{"method", "post"}, {"action", "/logout"}, {"class", "inline"}});
    b.leaf("input", {{"type", "hidden"}, {"name", "csrf_token"}, {"value", c.session.csrf}});
    b.el("button", "退出登录", {{"type", "submit"}, {"class", "link"}});
    b.close().close().close();
    b.open("nav", {{"class", "main"}, {"aria-label", "主导航"}});
    for (auto& n : kNav) {
        if (n.admin_only && c.user.role != "county-admin") continue;
        if (nav == n.key) b.el("a", n.label, {{"href", n.href}, {"class", "current"}, {"aria-current", "page"}});
        else b.el("a", n.label, {{"href", n.href}});
    }
    b.close();
    b.open("main", {{"class", "content"}});
    b.el("h1", title);
    b.append(content);
    b.close();
    return html_response(status, title, b, "app");
}

std::optional<http::Response> WebApp::export_if_asked(const Ctx& c, const Table& t, const std::string& file_stem) {
    const std::string format = c.req.param("format");
    if (format != "csv" && format != "xlsx") return std::nullopt;
    const std::string day = clock_.today().iso();
    http::Response r;
    if (format == "csv") {
        r.body = table_csv(t);
        r.headers.set("Content-Type", "text/csv; charset=utf-8");
    } else {
        auto bytes = table_xlsx(t, file_stem);
        if (!bytes) return bare_page(503, "导出失败", bytes.error().message, "/");
        r.body = std::move(*bytes);
        r.headers.set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    }
    r.headers.set("Content-Disposition",
                  attachment_disposition(file_stem + "-" + day + "." + format, "yimen-" + day + "." + format));
    (void)store_.append_audit({0, clock_.now_utc_ms(), c.user.user_id, "export", c.req.path, format});
    return r;
}

http::Response WebApp::table_page(const Ctx& c, const std::string& nav, const std::string& title,
                                  const std::string& note, const Table& t, const std::string& file_stem) {
    if (auto e = export_if_asked(c, t, file_stem)) return *e;
    Html b;
    if (!note.empty()) b.el("p", note, {{"class", "note"}});
    b.open("p", {{"class", "exports"}});
    b.el("a", "导出 CSV", {{"href", c.req.path + "?format=csv"}});
    b.el("a", "导出 Excel", {{"href", c.req.path + "?format=xlsx"}});
    b.close();
    b.open("table", {{"class", "grid"}}).open("thead").open("tr");
    for (auto& h : t.header) b.el("th", h, {{"scope", "col"}});
    b.close().close().open("tbody");
    for (auto& row : t.rows) {
        b.open("tr");
        for (auto& cell : row) b.el("td", cell);
        b.close();
    }
    if (t.rows.empty()) b.open("tr").el("td", "暂无数据", {{"colspan", std::to_string(std::max<std::size_t>(1, t.header.size()))}}).close();
    b.close().close();
    return page(c, nav, title, b);
}

namespace {

// "/follow-ups/12" under "/follow-ups/" → "12"; nullopt for another path, an empty rest or a deeper one.
std::optional<std::string> one_segment(const std::string& path, const std::string& prefix) {
    if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
    std::string rest = path.substr(prefix.size());
    if (rest.find('/') != std::string::npos) return std::nullopt;
    return rest;
}

}  // namespace

std::optional<http::Response> WebApp::supervision_route(const Ctx& c, const std::string& path, bool post, std::string& route) {
    auto view_only = [&](const std::string& pattern, auto&& handler) -> http::Response {
        route = pattern;
        if (post) return bare_page(405, "不支持的请求", "这个页面只能查看。", path);
        return handler();
    };
    auto form_only = [&](const std::string& pattern, const std::string& back, auto&& handler) -> http::Response {
        route = pattern;
        if (!post) return redirect(back);
        return handler();
    };
    if (path == "/") return view_only(path, [&] { return dashboard(c); });
    if (path == "/townships") return view_only(path, [&] { return townships_list(c); });
    if (path == "/follow-ups") return view_only(path, [&] { return follow_ups_list(c); });
    if (path == "/complaints") return view_only(path, [&] { return complaints_list(c); });
    if (path == "/alerts") return view_only(path, [&] { return alerts_list(c); });
    if (path == "/samples") return view_only(path, [&] { return samples_page(c); });
    if (path == "/scorecard") return view_only(path, [&] { return scorecard_page(c); });
    if (path == "/fleet") return view_only(path, [&] { return fleet_page(c); });
    if (path == "/users")
        return view_only(path, [&] {
            if (c.user.role != "county-admin") return bare_page(404, "没有这个页面", "只有县级管理员可以查看用户。", "/");
            return users_page(c);
        });
    if (path == "/alerts/evaluate") return form_only(path, "/alerts", [&] { return alerts_evaluate_post(c); });
    if (path == "/samples/draw") return form_only(path, "/samples", [&] { return samples_draw_post(c); });
    if (auto code = one_segment(path, "/townships/"))
        return view_only("/townships/{code}", [&] { return township_page(c, *code); });
    if (auto id = one_segment(path, "/follow-ups/")) {
        route = "/follow-ups/{id}";
        return post ? follow_up_post(c, *id) : follow_up_page(c, *id);
    }
    if (auto receipt = one_segment(path, "/complaints/")) {
        route = "/complaints/{receipt}";
        return post ? complaint_post(c, *receipt) : complaint_page(c, *receipt);
    }
    if (auto id = one_segment(path, "/alerts/")) {
        route = "/alerts/{id}";
        return post ? alert_post(c, *id) : alert_page(c, *id);
    }
    if (path.rfind("/samples/", 0) == 0) {
        const std::string rest = path.substr(9);
        const auto slash = rest.find('/');
        if (slash != 7 || rest.find('/', slash + 1) != std::string::npos || rest.size() == 8) return std::nullopt;
        const std::string month = rest.substr(0, 7), receipt = rest.substr(8);
        return form_only("/samples/{month}/{receipt}", "/samples?month=" + month,
                         [&] { return sample_finding_post(c, month, receipt); });
    }
    return std::nullopt;
}

http::Response WebApp::users_page(const Ctx& c) {
    Table t{{"用户编号", "姓名", "角色", "乡镇", "状态", "后台密码", "一体机 PIN"}, {}};
    for (auto& u : store_.users())
        t.rows.push_back({u.user_id, u.name, role_name(u.role), u.township, u.active ? "在用" : "已停用",
                          has_password(store_, u.user_id) ? "有" : "无", u.pin_hash.empty() ? "无" : "有"});
    return table_page(c, "users", "用户", "用户的增加、停用和密码设置在服务器上用 county-server users 命令完成。", t, "用户");
}

}  // namespace yimen::county::web
