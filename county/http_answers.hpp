// http_answers.hpp — the county server's answer vocabulary, shared by its route files (server.cpp,
// server_supervision.cpp): JSON answers, {error, message} bodies with the status each error code maps to, and
// strict integer and paging parameters. Internal to county/.
#pragma once
#include <charconv>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "county/http_core.hpp"
#include "base/result.hpp"
#include "sync/protocol.hpp"

namespace yimen::county::answers {

using nlohmann::json;

inline http::Response json_response(int status, const json& body) {
    http::Response r;
    r.status = status;
    r.headers.set("Content-Type", "application/json; charset=utf-8");
    r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    return r;
}

inline http::Response error_response(int status, const std::string& code, const std::string& message) {
    return json_response(status, {{"error", code}, {"message", message}});
}

inline int http_status_for(const std::string& code) {
    if (code == "forbidden" || code == "wrong_actor" || code == sync::protocol::reason::wrong_kiosk) return 403;
    if (code == "unknown_case" || code == "not_found" || code == "unknown_user") return 404;
    if (code == "unauthorised") return 401;
    if (code == "bad_request" || code == "bad_gzip" || code == "too_deep" || code == "too_many_events") return 400;
    if (code == "too_large") return 413;
    if (code == "db_error" || code == "disk_full" || code == "busy") return 503;
    return 422;
}

inline http::Response from_error(const Error& e) { return error_response(http_status_for(e.code), e.code, e.message); }

inline std::int64_t int_param(const http::Request& req, const char* name, std::int64_t fallback, std::int64_t lo, std::int64_t hi,
                       bool& ok) {
    if (!req.has_param(name)) return fallback;
    const std::string v = req.param(name);
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    // The whole value must be the number: "5-3", "-", "" and "1e3" are refused, not read in part.
    if (v.empty() || ec != std::errc() || end != v.data() + v.size() || n < lo || n > hi) {
        ok = false;
        return fallback;
    }
    return n;
}

// ?after=N&limit=M on every list: after ≥ 0, 1 ≤ limit ≤ 1000 (default 100). Nullopt: the 400 to answer.
inline std::optional<http::Response> paging(const http::Request& req, std::int64_t& after, std::int64_t& limit) {
    bool ok = true;
    after = int_param(req, "after", 0, 0, INT64_MAX / 2, ok);
    limit = int_param(req, "limit", 100, 1, 1000, ok);
    if (ok) return std::nullopt;
    return error_response(400, "bad_request", "after 须为不小于 0 的整数，limit 须在 1 到 1000 之间。");
}

}  // namespace yimen::county::answers
