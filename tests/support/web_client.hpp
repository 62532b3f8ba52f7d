// web_client.hpp — a browser in miniature for the back office's tests: keeps the cookies the server sets, signs in
// through the real form with its CSRF token, and encodes forms; plus a user with a password made as an operator would.
#pragma once
#include <strings.h>

#include <cctype>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "county/users.hpp"
#include "county/web_auth.hpp"
#include "support/county_http.hpp"

namespace yimen::test {

inline constexpr const char* kPassword = "县民政局-测试密码2026";

// A browser in miniature: keeps the cookies the server sets and sends them back.
struct Browser {
    const County& c;
    std::map<std::string, std::string> cookies;

    Raw send(const std::string& method, const std::string& path, const std::string& body = "",
             std::vector<std::string> headers = {}) {
        RawOptions o;
        o.headers = std::move(headers);
        if (method == "POST") o.headers.push_back("Content-Type: application/x-www-form-urlencoded");
        std::string jar;
        for (auto& [k, v] : cookies) jar += (jar.empty() ? "" : "; ") + k + "=" + v;
        if (!jar.empty()) o.headers.push_back("Cookie: " + jar);
        Raw r = request(c.port, c.dir, method, path, body, o);
        REQUIRE(r.code == CURLE_OK);
        for (auto& h : r.headers) {
            if (strncasecmp(h.c_str(), "Set-Cookie: ", 12) != 0) continue;
            const std::string v = h.substr(12);
            const auto eq = v.find('='), semi = v.find(';');
            const std::string name = v.substr(0, eq), value = v.substr(eq + 1, semi - eq - 1);
            if (v.find("Max-Age=0") != std::string::npos) cookies.erase(name);
            else cookies[name] = value;
        }
        return r;
    }
    Raw get(const std::string& path) { return send("GET", path); }
    Raw post(const std::string& path, const std::string& body, std::vector<std::string> headers = {}) {
        return send("POST", path, body, std::move(headers));
    }
    std::string session() const {
        auto it = cookies.find(county::web::kSessionCookie);
        return it == cookies.end() ? "" : it->second;
    }
};

inline std::string csrf_in(const std::string& html) {
    std::smatch m;
    static const std::regex re("name=\"csrf_token\" value=\"([0-9a-f]+)\"");
    return std::regex_search(html, m, re) ? m[1].str() : "";
}

inline std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    static const char* hex = "0123456789ABCDEF";
    for (auto& [k, v] : fields) {
        out += (out.empty() ? "" : "&") + k + "=";
        for (unsigned char ch : v) {
            if (std::isalnum(ch)) out += static_cast<char>(ch);
            else out += '%', out += hex[ch >> 4], out += hex[ch & 15];
        }
    }
    return out;
}

// A user with a password (and, for township staff, a township), created as an operator would.
inline std::string add_web_user(County& c, const std::string& id, const std::string& role, const std::string& township = "") {
    county::Actor by{"cli:test", c.clock.now_utc_ms(), county::kDefaultTokenTtlMs};
    auto u = county::add_user(c.server->store(), {id, "张敏", role, township, std::nullopt}, by, std::string(kPassword));
    REQUIRE(u.ok());
    return u->token;
}

inline Raw sign_in(Browser& b, const std::string& id, const std::string& password = kPassword) {
    auto form = b.get("/login");
    REQUIRE(form.status == 200);
    return b.post("/login", form_encode({{"csrf_token", csrf_in(form.body)}, {"username", id}, {"password", password}}));
}

}  // namespace yimen::test
