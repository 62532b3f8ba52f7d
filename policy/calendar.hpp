// calendar.hpp — the working-day calendar: official holidays and make-up working days, and the counting rules.
// Day 1 of "N working days from X" is the first working day after X (民法典 art. 201: the start day does not count).
// Years without a published notice fall back to Monday–Friday minus the fixed-date holidays and the lunar ones
// computed for that year (春节 eve–初六 by default, 清明 by the solar term, 端午, 中秋; see lunar.hpp), and every answer
// whose counted days touch such a year is marked provisional.
#pragma once
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "base/civil_date.hpp"

namespace yimen {

struct CalendarAnswer {
    CivilDate date;
    bool provisional = false;  // some day involved lies in a year with no published schedule
};

struct CountAnswer {
    std::int64_t days = 0;
    bool provisional = false;
};

class WorkCalendar {
public:
    // Parses the JSON of assets/calendar/holidays-cn.json (or a newer one that arrived by sync).
    static Result<WorkCalendar> from_json(const std::string& text);
    static Result<WorkCalendar> load_file(const std::string& path);

    bool is_working_day(CivilDate d) const;
    bool is_published_year(int year) const { return published_years_.count(year) != 0; }
    // The holiday's name for an off day (e.g. "国庆节"), or "" when it is an ordinary day.
    std::string holiday_name(CivilDate d) const;

    // N ≥ 0 working days after `start` (day 1 = first working day after start; N = 0 gives start itself).
    CalendarAnswer add_working_days(CivilDate start, int n) const;
    // Working days after `a` up to and including `b`; negative when b comes before a.
    // between(a, add_working_days(a, n)) == n.
    CountAnswer working_days_between(CivilDate a, CivilDate b) const;
    // Calendar-day periods (公示 7 days): start day not counted, holidays do not extend the period.
    CalendarAnswer add_calendar_days(CivilDate start, int n) const;

    const std::string& version() const { return version_; }

private:
    bool provisional_between(CivilDate a, CivilDate b) const;

    std::string version_;
    std::unordered_set<std::int64_t> off_days_;
    std::unordered_set<std::int64_t> make_up_days_;
    std::unordered_map<std::int64_t, std::string> names_;
    std::set<int> published_years_;
    std::set<std::pair<int, int>> fixed_off_;  // (month, day) for unpublished years
    std::unordered_set<std::int64_t> computed_off_;  // lunar festivals of unpublished years (provisional)
};

// A calendar that can be replaced at run time (a newer file arrives by sync) while readers hold the old one.
class SharedCalendar {
public:
    explicit SharedCalendar(WorkCalendar initial);
    std::shared_ptr<const WorkCalendar> get() const;
    void replace(WorkCalendar next);

private:
    mutable std::mutex mu_;
    std::shared_ptr<const WorkCalendar> current_;
};

}  // namespace yimen
