// web_svg.hpp — the back office's charts, drawn on the server as inline SVG: no script, no library, nothing from
// the internet, and they print. Colours come from classes in assets/web/app.css; every point and bar carries a
// <title> with its exact value so that a screen reader (or a hover) gives the number. Internal to county/.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "county/web_html.hpp"

namespace yimen::county::web {

// One line of a rate chart: a value 0–1 per month (nullopt: no data that month, the line breaks there) and the
// text of each point's <title>.
struct RateSeries {
    std::string name;
    std::vector<std::optional<double>> values;
    std::vector<std::string> notes;
};

// A line chart of rates per month (y axis 0–100 %), one <g class="month"> per month holding its axis label and
// points. `caption` names the chart for assistive technology.
Html rate_chart(const std::vector<std::string>& months, const std::vector<RateSeries>& series, const std::string& caption);

struct Bar {
    std::string label;
    std::int64_t value = 0;
    std::string note;  // the bar's <title>
};

// Vertical bars of counts (e.g. ratings per level), the y axis scaled to the largest.
Html bar_chart(const std::vector<Bar>& bars, const std::string& caption);

}  // namespace yimen::county::web
