// web_auth.cpp — sessions in migration 5's web_sessions table, through the store's plain SQL (portable to PostgreSQL).
#include "county/web_auth.hpp"

#include <openssl/crypto.h>

#include "base/canonical_json.hpp"
#include "base/secrets.hpp"

namespace yimen::county::web {

namespace {

// A last-use time older than this is rewritten on the next request; finer bookkeeping would cost a write per page.
constexpr std::int64_t kTouchEveryMs = 30'000;

bool is_hex64(const std::string& s) {
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(const std::string& body) {
    std::vector<std::pair<std::string, std::string>> out;
    std::string_view rest(body);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        std::string k, v;
        if (!http::percent_decode(pair.substr(0, eq), k, true) ||
            !http::percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), v, true))
            return std::nullopt;
        out.emplace_back(std::move(k), std::move(v));
    }
    return out;
}

std::string form_value(const std::vector<std::pair<std::string, std::string>>& form, const std::string& name) {
    for (auto& [k, v] : form)
        if (k == name) return v;
    return "";
}

std::string cookie_value(const http::Request& req, const std::string& name) {
    const std::string header = req.headers.get("Cookie");
    std::string_view rest(header);
    while (!rest.empty()) {
        const auto semi = rest.find(';');
        std::string_view item = rest.substr(0, semi);
        rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        const auto eq = item.find('=');
        if (eq != std::string_view::npos && item.substr(0, eq) == name) return std::string(item.substr(eq + 1));
    }
    return "";
}

std::string set_cookie(const std::string& name, const std::string& value) {
    return name + "=" + value + "; Secure; HttpOnly; SameSite=Strict; Path=/";
}

std::string clear_cookie(const std::string& name) {
    return name + "=; Secure; HttpOnly; SameSite=Strict; Path=/; Max-Age=0";
}

std::optional<WebSession> WebAuth::find(const std::string& cookie, bool want_user) {
    // A cookie value is 64 lower-hex characters; anything else is not looked up.
    if (!is_hex64(cookie)) return std::nullopt;
    const std::string key = sha256_hex(cookie);
    const UtcMillis now = clock_.now_utc_ms();
    std::optional<WebSession> found;
    std::string user_id;
    std::int64_t last_seen = 0;
    bool has_user = false;
    (void)store_.query("SELECT user_id, csrf, last_seen_ms FROM web_sessions WHERE id_sha256 = ?1", {key},
                       [&](const SqlRow& r) {
                           found = WebSession{key, std::nullopt, r.text(1)};
                           has_user = !r.is_null(0);
                           user_id = has_user ? r.text(0) : "";
                           last_seen = r.integer(2);
                       });
    if (!found || has_user != want_user) return std::nullopt;
    if (last_seen + idle_ms_ <= now) {
        (void)end(key);
        return std::nullopt;
    }
    if (want_user) {
        auto u = store_.user(user_id);
        if (!u || !u->active) {
            (void)end(key);
            return std::nullopt;
        }
        found->user = *u;
    }
    if (now - last_seen >= kTouchEveryMs)
        (void)store_.execute("UPDATE web_sessions SET last_seen_ms = ?2 WHERE id_sha256 = ?1", {key, std::int64_t{now}});
    return found;
}

std::optional<WebSession> WebAuth::signed_in(const http::Request& req) {
    return find(cookie_value(req, kSessionCookie), true);
}

std::optional<WebSession> WebAuth::pre_login(const http::Request& req) {
    return find(cookie_value(req, kPreSessionCookie), false);
}

Result<std::pair<std::string, WebSession>> WebAuth::start(const std::optional<User>& user) {
    const UtcMillis now = clock_.now_utc_ms();
    const std::string cookie = secrets::random_token();
    WebSession s{sha256_hex(cookie), user, secrets::random_token()};
    auto swept = store_.execute("DELETE FROM web_sessions WHERE last_seen_ms <= ?1", {std::int64_t{now - idle_ms_}});
    if (!swept) return swept.error();
    if (!user) {
        // A flood of sign-in pages must not grow the table without bound: past max_pre_login_ the oldest pre-login
        // sessions go (a person whose form was among them reloads it).
        std::int64_t pre = 0;
        if (auto q = store_.query("SELECT count(*) FROM web_sessions WHERE user_id IS NULL", {},
                                  [&](const SqlRow& r) { pre = r.integer(0); });
            !q)
            return q.error();
        if (pre >= max_pre_login_) {
            auto trimmed = store_.execute(
                "DELETE FROM web_sessions WHERE user_id IS NULL AND last_seen_ms <= (SELECT last_seen_ms FROM web_sessions"
                " WHERE user_id IS NULL ORDER BY last_seen_ms DESC LIMIT 1 OFFSET ?1)",
                {max_pre_login_ - 1});
            if (!trimmed) return trimmed.error();
        }
    }
    const SqlParam who = user ? SqlParam(user->user_id) : SqlParam(nullptr);
    auto n = store_.execute("INSERT INTO web_sessions(id_sha256, user_id, csrf, created_ms, last_seen_ms)"
                            " VALUES(?1, ?2, ?3, ?4, ?4)",
                            {s.id_sha256, who, s.csrf, std::int64_t{now}});
    if (!n) return n.error();
    return std::make_pair(cookie, s);
}

Status WebAuth::end(const std::string& id_sha256) {
    auto n = store_.execute("DELETE FROM web_sessions WHERE id_sha256 = ?1", {id_sha256});
    return n ? Status(Ok{}) : Status(n.error());
}

bool WebAuth::csrf_ok(const http::Request& req, const std::vector<std::pair<std::string, std::string>>& form,
                      const WebSession& session) {
    std::string sent = form_value(form, "csrf_token");
    if (sent.empty()) sent = req.headers.get("X-CSRF-Token");
    return sent.size() == session.csrf.size() && !sent.empty() &&
           CRYPTO_memcmp(sent.data(), session.csrf.data(), sent.size()) == 0;
}

}  // namespace yimen::county::web
