// calendar.cpp — working-day arithmetic over the holiday data in assets/calendar/.
#include "policy/calendar.hpp"

#include <fstream>
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
    return d.iso_weekday() <= 5 && !fixed_off_.count({d.month, d.day});
}

std::string WorkCalendar::holiday_name(CivilDate d) const {
    auto it = names_.find(d.to_days());
    if (it != names_.end() && off_days_.count(d.to_days())) return it->second;
    return "";
}

bool WorkCalendar::provisional_between(CivilDate a, CivilDate b) const {
    if (b < a) std::swap(a, b);
    for (int y = a.year; y <= b.year; ++y)
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
