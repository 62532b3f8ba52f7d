// web_auth.hpp — browser sessions of the back office. A session id is 32 random bytes in a Secure, HttpOnly,
// SameSite=Strict cookie; the store keeps only its SHA-256, the user, a CSRF token, and when it was made and last used
// (idle expiry). The sign-in form has its own pre-login session whose CSRF token the POST must return; a sign-in
// always makes a fresh session and deletes the pre-login one, so no cookie that existed before sign-in is ever
// promoted (session fixation fails). Internal to county/.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "county/http_core.hpp"
#include "county/store.hpp"

namespace yimen::county::web {

inline constexpr const char* kSessionCookie = "__Host-yimen";       // __Host-: Secure, Path=/, no Domain, by rule
inline constexpr const char* kPreSessionCookie = "__Host-yimen-pre";

struct WebSession {
    std::string id_sha256;
    std::optional<User> user;  // nullopt: a pre-login session (the sign-in form's)
    std::string csrf;
};

// application/x-www-form-urlencoded → (name, value) pairs, decoded; nullopt when an escape is malformed.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(const std::string& body);
std::string form_value(const std::vector<std::pair<std::string, std::string>>& form, const std::string& name);
// The value of one cookie of the Cookie header, or "".
std::string cookie_value(const http::Request& req, const std::string& name);
// Set-Cookie values: a session cookie (no Max-Age: it ends with the browser or the idle expiry) and its removal.
std::string set_cookie(const std::string& name, const std::string& value);
std::string clear_cookie(const std::string& name);

class WebAuth {
public:
    // max_pre_login: how many pre-login sessions (open sign-in forms) are kept at most.
    WebAuth(Store& store, const Clock& clock, std::int64_t idle_ms, std::int64_t max_pre_login = 5000)
        : store_(store), clock_(clock), idle_ms_(idle_ms), max_pre_login_(max_pre_login) {}

    // The signed-in session of the request (its user active), its last use updated; nullopt when there is none, it
    // has been idle too long, or the user was disabled.
    std::optional<WebSession> signed_in(const http::Request& req);
    // The request's pre-login session, or nullopt.
    std::optional<WebSession> pre_login(const http::Request& req);
    // A new session (user nullopt: pre-login); answers the cookie value. Expired sessions are swept here.
    Result<std::pair<std::string, WebSession>> start(const std::optional<User>& user);
    Status end(const std::string& id_sha256);

    // The request carries the session's CSRF token: form field csrf_token, or the X-CSRF-Token header (fetch).
    static bool csrf_ok(const http::Request& req, const std::vector<std::pair<std::string, std::string>>& form,
                        const WebSession& session);

private:
    std::optional<WebSession> find(const std::string& cookie, bool want_user);

    Store& store_;
    const Clock& clock_;
    std::int64_t idle_ms_;
    std::int64_t max_pre_login_;
};

}  // namespace yimen::county::web
