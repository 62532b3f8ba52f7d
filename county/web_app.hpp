// web_app.hpp — the back office for county and township staff, on the same HTTPS listener as the kiosks' API: sign-in
// and sign-out, the common layout (header, navigation, security headers), the static style sheet, the 办件 list and
// 办件详情 with the casework form, the figure pages (总览, 乡镇, 考核, 终端) and the follow-through pages (评价与回访,
// 投诉, 预警, 抽查), each table with its exports. Every page
// needs a session; every POST needs the session's CSRF token; township staff see only their own township.
// Internal to county/: server.cpp hands it every path outside /api/.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "county/casework.hpp"
#include "county/http_core.hpp"
#include "county/stats.hpp"
#include "county/store.hpp"
#include "county/web_auth.hpp"
#include "county/web_export.hpp"
#include "county/web_html.hpp"
#include "county/web_pages.hpp"
#include "policy/policy_data.hpp"

namespace yimen::county::web {

inline constexpr std::int64_t kDefaultSessionIdleMs = 30LL * 60 * 1000;

// Who asks, with what: one signed-in request.
struct Ctx {
    const http::Request& req;
    const WebSession& session;
    const User& user;
    std::vector<std::pair<std::string, std::string>> form;  // a POST's decoded fields
    bool township_only() const { return user.role == "township-staff"; }
    // The township this user may see ("" = every one).
    std::string scope() const { return township_only() ? user.township : ""; }
};

class WebApp {
public:
    WebApp(Store& store, const PolicyData& policy, const StatsConfig& stats, const Clock& clock, Casework& casework,
           std::int64_t session_idle_ms)
        : store_(store), policy_(policy), stats_(stats), clock_(clock), casework_(casework),
          auth_(store, clock, session_idle_ms) {
        load_township_names(policy.assets_dir);
    }

    // Answers every path outside /api/. `route` is set to the route pattern for the access log (never the path).
    http::Response handle(http::Request& req, std::string& route);

private:
    http::Response dispatch(http::Request& req, std::string& route);
    http::Response login_form(const http::Request& req, const std::string& message, int status = 200);
    http::Response login_post(const http::Request& req);
    http::Response static_file(const std::string& name);
    http::Response table_page(const Ctx& c, const std::string& nav, const std::string& title, const std::string& note,
                              const Table& t, const std::string& file_stem);
    http::Response users_page(const Ctx& c);
    // Answers a page path that is not the 办件's; nullopt when no page has it.
    std::optional<http::Response> supervision_route(const Ctx& c, const std::string& path, bool post, std::string& route);
    // The one answer for "does not exist" and "another township's" (404), with a way back.
    http::Response not_found(const Ctx& c, const std::string& nav, const std::string& back, const std::string& back_label);
    http::Response figures_unavailable(const Ctx& c, const std::string& nav, const Error& e);

    // web_figures.cpp, web_township.cpp
    http::Response dashboard(const Ctx& c);
    http::Response townships_list(const Ctx& c);
    http::Response township_page(const Ctx& c, const std::string& code);
    http::Response scorecard_page(const Ctx& c);
    http::Response fleet_page(const Ctx& c);
    // web_lifecycles.cpp
    http::Response follow_ups_list(const Ctx& c);
    http::Response follow_up_page(const Ctx& c, const std::string& id, const std::string& refusal = "");
    http::Response follow_up_post(const Ctx& c, const std::string& id);
    http::Response complaints_list(const Ctx& c);
    http::Response complaint_page(const Ctx& c, const std::string& receipt, const std::string& refusal = "");
    http::Response complaint_post(const Ctx& c, const std::string& receipt);
    http::Response alerts_list(const Ctx& c);
    http::Response alert_page(const Ctx& c, const std::string& id, const std::string& refusal = "");
    http::Response alert_post(const Ctx& c, const std::string& id);
    http::Response alerts_evaluate_post(const Ctx& c);
    // web_samples.cpp
    http::Response samples_page(const Ctx& c, const std::string& refusal = "", int status = 200);
    http::Response samples_draw_post(const Ctx& c);
    http::Response sample_finding_post(const Ctx& c, const std::string& month, const std::string& receipt);

    // web_cases.cpp
    http::Response cases_list(const Ctx& c);
    http::Response case_detail(const Ctx& c, const std::string& receipt, const std::string& notice = "",
                               const std::string& refusal = "");
    http::Response case_stage_post(const Ctx& c, const std::string& receipt);

public:
    // The layout every signed-in page shares; `nav` names the current navigation entry.
    http::Response page(const Ctx& c, const std::string& nav, const std::string& title, const Html& body, int status = 200);
    // ?format=csv|xlsx of a table; nullopt when the request asks for the page.
    std::optional<http::Response> export_if_asked(const Ctx& c, const Table& t, const std::string& file_stem);

private:
    Store& store_;
    const PolicyData& policy_;
    const StatsConfig& stats_;
    const Clock& clock_;
    Casework& casework_;
    WebAuth auth_;
};

// Security headers of every back-office answer (CSP without inline script or style; no framing; no caching).
void page_headers(http::Response& r, bool cacheable = false);
http::Response redirect(const std::string& to);
std::string role_name(const std::string& role);

}  // namespace yimen::county::web
