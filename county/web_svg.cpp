// web_svg.cpp — server-side SVG charts of the back office (see web_svg.hpp). Elements are written through Html, so
// every label is escaped; empty elements are written as <x …></x>, which the HTML parser reads correctly for SVG.
#include "county/web_svg.hpp"

#include <algorithm>
#include <cstdio>

namespace yimen::county::web {

namespace {

constexpr double kWidth = 760, kHeight = 250;
constexpr double kLeft = 46, kRight = 14, kTop = 30, kBottom = 34;

std::string f1(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

void svg_open(Html& b, const std::string& caption, const char* css) {
    b.open("svg", {{"xmlns", "http://www.w3.org/2000/svg"},
                   {"viewBox", "0 0 " + f1(kWidth) + " " + f1(kHeight)},
                   {"class", css},
                   {"role", "img"}});
    b.el("title", caption);
}

void line(Html& b, double x1, double y1, double x2, double y2, const char* css) {
    b.el("line", "", {{"x1", f1(x1)}, {"y1", f1(y1)}, {"x2", f1(x2)}, {"y2", f1(y2)}, {"class", css}});
}

void text(Html& b, double x, double y, const std::string& s, const char* css) {
    b.el("text", s, {{"x", f1(x)}, {"y", f1(y)}, {"class", css}});
}

}  // namespace

Html rate_chart(const std::vector<std::string>& months, const std::vector<RateSeries>& series, const std::string& caption) {
    Html b;
    svg_open(b, caption, "chart trend");
    const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
    const double step = months.empty() ? 0 : plot_w / static_cast<double>(months.size());
    auto x_of = [&](std::size_t i) { return kLeft + step * (static_cast<double>(i) + 0.5); };
    auto y_of = [&](double rate) { return kTop + plot_h * (1.0 - std::clamp(rate, 0.0, 1.0)); };

    // Grid and y axis: every 25 %.
    for (int pct = 0; pct <= 100; pct += 25) {
        const double y = y_of(pct / 100.0);
        line(b, kLeft, y, kWidth - kRight, y, pct == 0 ? "axis" : "gridline");
        text(b, kLeft - 6, y + 4, std::to_string(pct) + "%", "ylabel");
    }
    // Legend, top left: a short stroke in the series' colour and its name.
    double lx = kLeft;
    for (std::size_t s = 0; s < series.size(); ++s) {
        const std::string css = "s" + std::to_string(s);
        line(b, lx, 14, lx + 18, 14, ("legend " + css).c_str());
        text(b, lx + 24, 18, series[s].name, "legend-text");
        lx += 34 + 14.0 * static_cast<double>(series[s].name.size() / 3 + 1);
    }
    // Lines: one polyline per unbroken run of months with data.
    for (std::size_t s = 0; s < series.size(); ++s) {
        const std::string css = "line s" + std::to_string(s);
        std::string points;
        auto flush = [&] {
            if (points.find(' ') != std::string::npos) b.el("polyline", "", {{"points", points}, {"class", css}});
            points.clear();
        };
        for (std::size_t i = 0; i < months.size(); ++i) {
            const auto& v = i < series[s].values.size() ? series[s].values[i] : std::nullopt;
            if (!v) {
                flush();
                continue;
            }
            points += (points.empty() ? "" : " ") + f1(x_of(i)) + "," + f1(y_of(*v));
        }
        flush();
    }
    // Months: the label and each series' point with its exact value.
    for (std::size_t i = 0; i < months.size(); ++i) {
        b.open("g", {{"class", "month"}});
        const std::string& m = months[i];
        const std::string label = m.size() == 7 ? (m.substr(5, 2) == "01" || i == 0 ? m.substr(2, 2) + "年" : "") +
                                                      std::to_string(std::stoi(m.substr(5, 2))) + "月"
                                                : m;
        text(b, x_of(i), kHeight - kBottom + 18, label, "xlabel");
        for (std::size_t s = 0; s < series.size(); ++s) {
            const auto& v = i < series[s].values.size() ? series[s].values[i] : std::nullopt;
            if (!v) continue;
            b.open("circle", {{"cx", f1(x_of(i))}, {"cy", f1(y_of(*v))}, {"r", "3.5"}, {"class", "point s" + std::to_string(s)}});
            b.el("title", i < series[s].notes.size() ? series[s].notes[i] : series[s].name);
            b.close();
        }
        b.close();
    }
    b.close();
    return b;
}

Html bar_chart(const std::vector<Bar>& bars, const std::string& caption) {
    Html b;
    svg_open(b, caption, "chart bars");
    const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
    std::int64_t top = 1;
    for (auto& bar : bars) top = std::max(top, bar.value);
    line(b, kLeft, kTop + plot_h, kWidth - kRight, kTop + plot_h, "axis");
    text(b, kLeft - 6, kTop + 4, std::to_string(top), "ylabel");
    text(b, kLeft - 6, kTop + plot_h + 4, "0", "ylabel");
    const double step = bars.empty() ? 0 : plot_w / static_cast<double>(bars.size());
    for (std::size_t i = 0; i < bars.size(); ++i) {
        const double h = plot_h * static_cast<double>(bars[i].value) / static_cast<double>(top);
        const double x = kLeft + step * static_cast<double>(i), w = step * 0.6;
        b.open("g", {{"class", "bar"}});
        b.open("rect", {{"x", f1(x + step * 0.2)}, {"y", f1(kTop + plot_h - h)}, {"width", f1(w)}, {"height", f1(h)}, {"class", "b"}});
        b.el("title", bars[i].note);
        b.close();
        text(b, x + step / 2, kTop + plot_h - h - 4, std::to_string(bars[i].value), "vlabel");
        text(b, x + step / 2, kHeight - kBottom + 18, bars[i].label, "xlabel");
        b.close();
    }
    b.close();
    return b;
}

}  // namespace yimen::county::web
