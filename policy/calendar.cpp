// calendar.cpp — working-day arithmetic over the holiday data in assets/calendar/.
#include "policy/calendar.hpp"

#include <fstream>

#include "policy/lunar.hpp"
#include <nlohmann/json.hpp>
#include <sstream>

namespace yimen {

Result<WorkCalendar> WorkCalendar::from_json(const std::string& text) {
    const Error bad{"bad_calendar", "节假日数据文件无法读取，请联系县民政局信息科更新。"};
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("years") || !j["years"].is_object()) return bad;
    WorkCalendar cal;
    cal.version_ = j.value("version", "");
    for (auto& [year, entry] : j["years"].items()) {
        int y = 0;
        try {
            y = std::stoi(year);
        } catch (...) {
            return bad;
        }
        cal.published_years_.insert(y);
        for (const char* key : {"off", "work"}) {
            if (!entry.contains(key)) continue;
            for (auto& d : entry[key]) {
                if (!d.is_string()) return bad;
                auto date = CivilDate::parse(d.get<std::string>());
                if (!date) return bad;
                (std::string(key) == "off" ? cal.off_days_ : cal.make_up_days_).insert(date->to_days());
            }
        }
        if (entry.contains("names") && entry["names"].is_object())
            for (auto& [d, name] : entry["names"].items())
                if (auto date = CivilDate::parse(d); date && name.is_string())
                    cal.names_[date->to_days()] = name.get<std::string>();
    }
    if (j.contains("fallback") && j["fallback"].contains("fixed_off"))
        for (auto& md : j["fallback"]["fixed_off"]) {
            auto s = md.get<std::string>();
            auto probe = CivilDate::parse("2000-" + s);  // a leap year accepts every month-day
            if (!probe) return bad;
            cal.fixed_off_.insert({probe->month, probe->day});
        }
    // Unpublished years around the published ones: the fixed-date holidays' names and the lunar festivals.
    int spring_from = -1, spring_to = 6;
    if (j.contains("fallback") && j["fallback"].contains("spring_festival")) {
        const auto& sf = j["fallback"]["spring_festival"];
        spring_from = sf.value("from", spring_from);
        spring_to = sf.value("to", spring_to);
        if (spring_from > spring_to || spring_from < -10 || spring_to > 15) return bad;
    }
    if (!cal.published_years_.empty()) {
        const int first = *cal.published_years_.begin() - 10, last = *cal.published_years_.rbegin() + 20;
        auto mark = [&](CivilDate d, const char* name) {
            if (cal.off_days_.count(d.to_days()) || cal.make_up_days_.count(d.to_days())) return;
            cal.computed_off_.insert(d.to_days());
            cal.names_.emplace(d.to_days(), name);
        };
        for (int y = first; y <= last; ++y) {
            if (cal.is_published_year(y)) continue;
            for (auto [m, d] : cal.fixed_off_)
                if (CivilDate::valid(y, m, d))
                    cal.names_.emplace(CivilDate{y, m, d}.to_days(), m == 1 ? "元旦" : m == 5 ? "劳动节" : m == 10 ? "国庆节" : "节日");
            // 春节 of year y (除夕 may fall in January of y) and the previous lunar year's span reaching into y.
            for (int ly : {y, y + 1})
                if (auto ny = lunar_to_civil(ly, 1, 1))
                    for (int k = spring_from; k <= spring_to; ++k)
                        if (auto d = ny->plus_days(k); d.year == y) mark(d, "春节");
            mark(qingming(y), "清明节");
            if (auto d = lunar_to_civil(y, 5, 5)) mark(*d, "端午节");
            if (auto d = lunar_to_civil(y, 8, 15)) mark(*d, "中秋节");
        }
    }
    return cal;
}

Result<WorkCalendar> WorkCalendar::load_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{"calendar_missing", "找不到节假日数据文件：" + path};
    std::stringstream ss;
    ss << in.rdbuf();
    return from_json(ss.str());
}

bool WorkCalendar::is_working_day(CivilDate d) const {
    const auto z = d.to_days();
    if (is_published_year(d.year)) {
        if (make_up_days_.count(z)) return true;
        if (off_days_.count(z)) return false;
        return d.iso_weekday() <= 5;
    }
    // An off day of a published year can spill into this one (元旦 2023 began on 2022-12-31).
    if (off_days_.count(z)) return false;
    if (make_up_days_.count(z)) return true;
    return d.iso_weekday() <= 5 && !fixed_off_.count({d.month, d.day}) && !computed_off_.count(z);
}

std::string WorkCalendar::holiday_name(CivilDate d) const {
    auto it = names_.find(d.to_days());
    if (it != names_.end() && !is_working_day(d) &&
        (off_days_.count(d.to_days()) || computed_off_.count(d.to_days()) || !is_published_year(d.year)))
        return it->second;
    return "";
}

// The counted days are those after a up to and including b: only their years matter.
bool WorkCalendar::provisional_between(CivilDate a, CivilDate b) const {
    if (b < a) std::swap(a, b);
    if (!(a < b)) return false;  // nothing counted
    for (int y = a.plus_days(1).year; y <= b.year; ++y)
        if (!is_published_year(y)) return true;
    return false;
}

CalendarAnswer WorkCalendar::add_working_days(CivilDate start, int n) const {
    CivilDate d = start;
    for (int left = n; left > 0;) {
        d = d.plus_days(1);
        if (is_working_day(d)) --left;
    }
    return {d, provisional_between(start, d)};
}

CountAnswer WorkCalendar::working_days_between(CivilDate a, CivilDate b) const {
    if (b < a) {
        // Mirror of the forward count, so that between(a, b) == -between(b, a).
        auto fwd = working_days_between(b, a);
        return {-fwd.days, fwd.provisional};
    }
    std::int64_t n = 0;
    for (auto z = a.to_days() + 1; z <= b.to_days(); ++z)
        if (is_working_day(CivilDate::from_days(z))) ++n;
    return {n, provisional_between(a, b)};
}

CalendarAnswer WorkCalendar::add_calendar_days(CivilDate start, int n) const {
    // Calendar periods ignore holidays entirely, so no answer is provisional.
    return {start.plus_days(n), false};
}

SharedCalendar::SharedCalendar(WorkCalendar initial)
    : current_(std::make_shared<const WorkCalendar>(std::move(initial))) {}

std::shared_ptr<const WorkCalendar> SharedCalendar::get() const {
    std::lock_guard lock(mu_);
    return current_;
}

void SharedCalendar::replace(WorkCalendar next) {
    auto fresh = std::make_shared<const WorkCalendar>(std::move(next));
    std::lock_guard lock(mu_);
    current_ = std::move(fresh);
}

}  // namespace yimen
