// server_supervision.cpp — the county server's supervision routes: figures (/api/v1/stats/*), follow-ups,
// complaints, alerts and spot checks, over county/stats.hpp. County roles see every township; township staff their
// own, and another township's item is answered like one that does not exist.
#include <charconv>

#include "county/http_answers.hpp"
#include "county/server.hpp"
#include "county/stats.hpp"

namespace yimen::county {

using nlohmann::json;
namespace proto = yimen::sync::protocol;
using namespace answers;

http::Response CountyServer::handle_supervision(const User& user, const http::Request& req, const std::string& route) {
    const StatsActor who{user.user_id, user.role, user.role == "township-staff" ? user.township : ""};
    const bool county_role = user.role == "county-admin" || user.role == "county-staff";
    const std::string own = county_role ? "" : user.township;
    const UtcMillis now = clock_->now_utc_ms();
    const CivilDate today = county_date_at(now);
    const WorkCalendar& cal = policy_->calendar;
    auto answer = [](const Result<json>& r) { return r ? json_response(200, *r) : from_error(r.error()); };
    auto body = [&]() -> Result<json> { return proto::parse_json_bounded(req.body, cfg_.max_json_depth); };
    auto id_param = [&](std::int64_t& id) {
        const std::string& v = req.matches.at(0);
        const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), id);
        return ec == std::errc() && end == v.data() + v.size() && id > 0;
    };

    if (route == "/api/v1/stats/{figure}") {
        const std::string figure = req.matches.at(0);
        // Township staff see their own township; naming another one answers like an unknown item.
        std::string township = req.param("township");
        if (!township.empty() && (township.size() != 9 || township.find_first_not_of("0123456789") != std::string::npos))
            return error_response(400, "bad_request", "township 须为 9 位乡镇代码。");
        if (!county_role) {
            if (!township.empty() && township != own) return error_response(404, "not_found", "没有找到这一项，或不属于您所在的乡镇。");
            township = own;
        }
        Figures figures(*store_, *policy_, cfg_.stats, today);
        if (figure == "fleet") return json_response(200, figures.fleet(township, now));
        if (figure == "samples") return answer(spot_checks(*store_, cfg_.stats, req.param("month"), township));
        if (figure == "visits") return answer(home_visits(*store_, cfg_.stats, req.param("year"), "", now, township, false));
        StatsQuery q{CivilDate{today.year, 1, 1}, today, township};
        for (auto [name, target] : {std::pair{"from", &q.from}, std::pair{"to", &q.to}})
            if (req.has_param(name)) {
                auto d = CivilDate::parse(req.param(name));
                if (!d) return error_response(400, "bad_request", std::string(name) + " 须为 YYYY-MM-DD 日期。");
                *target = *d;
            }
        if (q.to < q.from) return error_response(400, "bad_request", "from 不能晚于 to。");
        if (figure == "summary") return answer(figures.summary(q));
        if (figure == "scorecard") return answer(figures.scorecard(q));
        if (figure == "events") return error_response(404, "not_found", "没有这个统计。");
        auto part = figures.part(figure, q);
        if (!part) return error_response(404, "not_found", "没有这个统计：" + figure + "（请对照 county/API.md）。");
        return json_response(200, *part);
    }
    if (route == "/api/v1/follow-ups" || route == "/api/v1/complaints") {
        std::int64_t after = 0, limit = 0;
        if (route == "/api/v1/complaints") {
            bool ok = true;
            limit = int_param(req, "limit", 100, 1, 1000, ok);
            if (!ok) return error_response(400, "bad_request", "limit 须在 1 到 1000 之间。");
            return answer(list_complaints(*store_, cfg_.stats, cal, own, req.param("after"), static_cast<int>(limit), today));
        }
        if (auto refused = paging(req, after, limit)) return *refused;
        return answer(list_follow_ups(*store_, cfg_.stats, cal, own, after, static_cast<int>(limit), today));
    }
    if (route == "/api/v1/follow-ups/{id}" || route == "/api/v1/follow-ups/{id}/state") {
        std::int64_t id = 0;
        if (!id_param(id)) return error_response(404, "not_found", "没有找到这一项，或不属于您所在的乡镇。");
        if (route.ends_with("/state")) {
            auto b = body();
            if (!b) return from_error(b.error());
            return answer(change_follow_up(*store_, cfg_.stats, cal, who, id, *b, now));
        }
        return answer(follow_up(*store_, cfg_.stats, cal, who, id, today));
    }
    if (route == "/api/v1/complaints/{receipt}" || route == "/api/v1/complaints/{receipt}/state") {
        if (route.ends_with("/state")) {
            auto b = body();
            if (!b) return from_error(b.error());
            return answer(change_complaint(*store_, cfg_.stats, cal, who, req.matches.at(0), *b, now));
        }
        return answer(complaint(*store_, cfg_.stats, cal, who, req.matches.at(0), today));
    }
    if (route == "/api/v1/alerts/evaluate") {
        if (!county_role) return error_response(403, "forbidden", "预警规则由县级民政部门运行。");
        Figures figures(*store_, *policy_, cfg_.stats, today);
        auto n = figures.evaluate_alerts(now);
        if (!n) return from_error(n.error());
        return json_response(200, {{"raised_or_repeated", *n}});
    }
    if (route == "/api/v1/alerts/{id}" || route == "/api/v1/alerts/{id}/state") {
        std::int64_t id = 0;
        if (!id_param(id)) return error_response(404, "not_found", "没有找到这一项，或不属于您所在的乡镇。");
        if (route.ends_with("/state")) {
            auto b = body();
            if (!b) return from_error(b.error());
            return answer(change_alert(*store_, cfg_.stats, cal, who, id, *b, now));
        }
        return answer(alert_with_history(*store_, who, id, today));
    }
    if (route == "/api/v1/samples/draw") {
        if (!county_role) return error_response(403, "forbidden", "抽查样本由县级民政部门抽取。");
        auto b = body();
        if (!b) return from_error(b.error());
        if (!b->is_object() || !b->contains("month") || !(*b)["month"].is_string())
            return error_response(400, "bad_request", "请求须包含月份（month，YYYY-MM）。");
        return answer(draw_spot_checks(*store_, cfg_.stats, (*b)["month"], user.user_id, now));
    }
    if (route == "/api/v1/samples/visits") {
        if (!county_role) return error_response(403, "forbidden", "入户核查名单由县级民政部门抽取。");
        auto b = body();
        if (!b) return from_error(b.error());
        if (!b->is_object() || !b->contains("year") || !(*b)["year"].is_string())
            return error_response(400, "bad_request", "请求须包含年份（year，YYYY）。");
        return answer(home_visits(*store_, cfg_.stats, (*b)["year"], user.user_id, now, "", true));
    }
    if (route == "/api/v1/samples/{month}/{receipt}/finding") {
        auto b = body();
        if (!b) return from_error(b.error());
        return answer(record_spot_finding(*store_, who, req.matches.at(0), req.matches.at(1), *b, now));
    }
    return error_response(404, "not_found", "没有这个接口：请对照 county/API.md 检查地址。");
}

}  // namespace yimen::county
