// web_pages.hpp — pieces shared by the back office's figure and follow-through pages (web_figures.cpp,
// web_township.cpp, web_lifecycles.cpp, web_samples.cpp): the period and its GET form, rates and counts as text,
// query strings that carry a page's filters into its links and exports, tables whose cells may link, and the
// township's label. Internal to county/.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "county/http_core.hpp"
#include "county/stats.hpp"
#include "county/web_export.hpp"
#include "county/web_html.hpp"

namespace yimen::county::web {

// The period a figure page shows. Default: the 12 calendar months ending today (from the 1st of the month eleven
// months back), so the monthly trend always has twelve points. `error` is set (in Chinese) when ?from=/?to= were
// given but unusable; the default is then shown.
struct Period {
    CivilDate from;
    CivilDate to;
    std::string error;
};
Period period_of(const http::Request& req, CivilDate today);
// "YYYY-MM" of every month the period touches, oldest first.
std::vector<std::string> months_of(const Period& p);

std::string url_encode(std::string_view s);
// "a=1&b=x%20y" of the pairs with a non-empty value.
std::string query_of(const std::vector<std::pair<std::string, std::string>>& kv);
// path, plus "?" and the query when there is one.
std::string with_query(const std::string& path, const std::string& query);

// The GET form that chooses the period (and keeps the page's other filters as hidden fields).
void period_form(Html& b, const std::string& action, const Period& p,
                 const std::vector<std::pair<std::string, std::string>>& keep = {});
// "导出 CSV · 导出 Excel" links: the page's query (its filters) plus format=.
void export_links(Html& b, const std::string& path, const std::string& query);

// 0.853 → "85.3%"; null → "—".
std::string pct(const nlohmann::json& rate);
// A count or a number; null → "—".
std::string num(const nlohmann::json& v);
// The JSON value as an attribute for machines (tests, the browser test): a rate's full digits, "" for null.
std::string raw_value(const nlohmann::json& v);
// The township as people read it: its name from assets/rules/townships.json, or the code for one not listed.
std::string township_label(const std::string& code);
// Loads assets/rules/townships.json (once, at start; a missing or broken file leaves codes shown as codes).
void load_township_names(const std::string& assets_dir);
// An RFC 3339 UTC time as the county's local "YYYY-MM-DD HH:MM"; "—" when empty or unreadable.
std::string local_time(const nlohmann::json& rfc3339);

// A table whose cells may be links (href returns "" for plain cells) and whose rows may carry a class.
struct GridLinks {
    std::function<std::string(std::size_t row, std::size_t col)> href;
    std::function<std::string(std::size_t row)> row_class;
};
void grid(Html& b, const Table& t, const GridLinks& links = {}, const char* css = "grid");

// Names people read for the lifecycle states and codes (the API keeps the codes).
std::string follow_up_state_name(const std::string& state);  // open → 待回访 …
std::string alert_state_name(const std::string& state);      // raised → 待处理 …
std::string alert_kind_name(const std::string& kind);
std::string channel_label(const std::string& channel);       // self_service → 自助 …
// Complaint category code → its Chinese name, from the kiosk's own strings (assets/i18n/zh-CN.json); the code itself
// when the file or the key is missing.
std::map<std::string, std::string> complaint_categories(const std::string& assets_dir);

// The acting user for the lifecycle functions of stats.hpp.
StatsActor actor_of(const User& u);
// A lifecycle function's refusal in words that tell the person what to do next.
std::string refusal_text(const Error& e);

}  // namespace yimen::county::web
