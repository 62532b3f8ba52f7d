// calendar_test.cpp — working days, holidays, make-up days, fallback years and time-zone independence.
#include "policy/calendar.hpp"

#include <memory>

#include <unicode/calendar.h>
#include <unicode/locid.h>
#include <unicode/timezone.h>

#include "policy/lunar.hpp"
#include "test_support.hpp"

using namespace yimen;
using yimen::test::date;

namespace {
const WorkCalendar& cal() { return yimen::test::policy_data().calendar; }
}  // namespace

TEST_CASE("working-day additions match the domain file's vectors", "[calendar]") {
    struct V { const char* start; int n; const char* expected; };
    const V vectors[] = {{"2025-09-22", 30, "2025-11-07"}, {"2025-09-22", 45, "2025-11-28"},
                         {"2026-02-09", 20, "2026-03-13"}, {"2024-12-25", 10, "2025-01-09"},
                         {"2023-09-25", 3, "2023-09-28"},  {"2026-01-30", 7, "2026-02-10"}};
    for (auto& v : vectors) {
        INFO(v.start << " + " << v.n);
        auto r = cal().add_working_days(date(v.start), v.n);
        CHECK(r.date.iso() == v.expected);
        CHECK_FALSE(r.provisional);
    }
}

TEST_CASE("working days per year match the official totals", "[calendar]") {
    const std::pair<int, int> totals[] = {{2022, 249}, {2023, 249}, {2024, 251}, {2025, 248}, {2026, 248}};
    for (auto [year, expected] : totals) {
        INFO(year);
        auto r = cal().working_days_between(CivilDate{year - 1, 12, 31}, CivilDate{year, 12, 31});
        CHECK(r.days == expected);
    }
}

TEST_CASE("between is the inverse of add, and negative backwards", "[calendar]") {
    const CivilDate start = date("2025-09-22");
    for (int n : {0, 1, 5, 20, 45, 200}) {
        auto end = cal().add_working_days(start, n).date;
        CHECK(cal().working_days_between(start, end).days == n);
        CHECK(cal().working_days_between(end, start).days == -n);
    }
    CHECK(cal().working_days_between(start, start).days == 0);
}

TEST_CASE("holiday blocks and make-up days", "[calendar]") {
    CHECK_FALSE(cal().is_working_day(date("2025-10-08")));  // 国庆+中秋, a Wednesday off
    CHECK(cal().is_working_day(date("2025-10-11")));        // make-up Saturday
    CHECK(cal().is_working_day(date("2025-09-28")));        // make-up Sunday
    CHECK(cal().is_working_day(date("2026-01-04")));        // make-up Sunday after 元旦
    CHECK(cal().is_working_day(date("2026-02-14")));        // make-up Saturday before 春节
    CHECK_FALSE(cal().is_working_day(date("2026-02-23")));  // Monday inside 春节
    CHECK_FALSE(cal().is_working_day(date("2022-12-31")));  // 元旦 2023 began in 2022
    CHECK(cal().holiday_name(date("2025-10-01")) == "国庆节、中秋节");
    CHECK(cal().holiday_name(date("2025-10-11")).empty());
    // Across the 2025 National Day block: Sept 30 + 1 working day = Oct 9.
    CHECK(cal().add_working_days(date("2025-09-30"), 1).date.iso() == "2025-10-09");
    // A make-up Saturday counts as day 1.
    CHECK(cal().add_working_days(date("2025-10-10"), 1).date.iso() == "2025-10-11");
}

TEST_CASE("an unpublished year falls back and says it is provisional", "[calendar]") {
    CHECK_FALSE(cal().is_published_year(2027));
    CHECK_FALSE(cal().is_working_day(date("2027-01-01")));  // Friday, fixed-date 元旦
    CHECK_FALSE(cal().is_working_day(date("2027-10-01")));
    CHECK(cal().is_working_day(date("2027-05-03")));        // Monday: no published block, so a working day
    CHECK_FALSE(cal().is_working_day(date("2027-02-10")));  // 春节 初五, computed from the lunar calendar
    CHECK(cal().is_working_day(date("2027-02-15")));        // the Monday after 初六
    auto r = cal().add_working_days(date("2026-12-31"), 1);
    CHECK(r.date.iso() == "2027-01-04");
    CHECK(r.provisional);
    CHECK(cal().working_days_between(date("2026-12-30"), date("2027-01-05")).provisional);
    CHECK_FALSE(cal().working_days_between(date("2026-12-01"), date("2026-12-31")).provisional);
}

TEST_CASE("29 February and invalid dates", "[calendar]") {
    CHECK(CivilDate::parse("2024-02-29").ok());
    CHECK(CivilDate::parse("2025-02-29").error().code == "bad_date");
    CHECK(CivilDate::parse("2100-02-29").error().code == "bad_date");
    CHECK(CivilDate::parse("2000-02-29").ok());
    CHECK(CivilDate::parse("2025-13-01").error().code == "bad_date");
    CHECK(CivilDate::parse("2025-9-22").error().code == "bad_date_format");
    CHECK(CivilDate::parse("").error().code == "bad_date_format");
    CHECK(cal().is_working_day(date("2024-02-29")));
    CHECK(cal().add_working_days(date("2024-02-28"), 1).date.iso() == "2024-02-29");
}

TEST_CASE("公示 is seven calendar days, start day not counted, not extended by holidays", "[calendar]") {
    auto r = cal().add_calendar_days(date("2025-09-30"), 7);
    CHECK(r.date.iso() == "2025-10-07");
    CHECK_FALSE(r.provisional);
}

TEST_CASE("a replacement calendar takes effect for new readers", "[calendar]") {
    SharedCalendar shared(cal());
    auto before = shared.get();
    auto next = WorkCalendar::from_json(R"({"version":"test","years":{"2027":{"off":["2027-03-10"],"work":["2027-03-06"]}}})");
    REQUIRE(next.ok());
    shared.replace(std::move(next).value());
    CHECK(shared.get()->version() == "test");
    CHECK_FALSE(shared.get()->is_working_day(date("2027-03-10")));
    CHECK(shared.get()->is_working_day(date("2027-03-06")));
    CHECK(shared.get()->is_published_year(2027));
    CHECK(before->is_working_day(date("2027-03-10")));  // old readers keep the old data
}

TEST_CASE("malformed calendar files are refused", "[calendar]") {
    CHECK(WorkCalendar::from_json("not json").error().code == "bad_calendar");
    CHECK(WorkCalendar::from_json(R"({"years":{"2027":{"off":["2027-02-30"]}}})").error().code == "bad_calendar");
    CHECK(WorkCalendar::load_file("/nonexistent/holidays.json").error().code == "calendar_missing");
}

TEST_CASE("civil dates use +08:00 whatever the process time zone", "[time]") {
    auto t = parse_rfc3339("2025-09-21T16:00:00Z");
    REQUIRE(t.ok());
    CHECK(county_date_at(*t).iso() == "2025-09-22");
    CHECK(county_date_at(*t - 1).iso() == "2025-09-21");
    // New Year's Eve, just before and after midnight in the county.
    CHECK(county_date_at(*parse_rfc3339("2026-12-31T15:59:59.999Z")).iso() == "2026-12-31");
    CHECK(county_date_at(*parse_rfc3339("2026-12-31T16:00:00Z")).iso() == "2027-01-01");
    FixedClock clock(*parse_rfc3339("2026-11-27T20:30:00Z"));
    CHECK(clock.today().iso() == "2026-11-28");
}

TEST_CASE("RFC 3339 round trip and rejects", "[time]") {
    auto t = parse_rfc3339("2026-11-27T07:04:46.123Z");
    REQUIRE(t.ok());
    CHECK(format_rfc3339(*t) == "2026-11-27T07:04:46.123Z");
    CHECK(format_rfc3339(0) == "1970-01-01T00:00:00.000Z");
    CHECK(format_rfc3339(-1) == "1969-12-31T23:59:59.999Z");
    CHECK(*parse_rfc3339("2026-11-27T07:04:46Z") == *t - 123);
    CHECK_FALSE(parse_rfc3339("2026-11-27T07:04:46+08:00").ok());
    CHECK_FALSE(parse_rfc3339("2026-11-27 07:04:46Z").ok());
    CHECK_FALSE(parse_rfc3339("2026-11-27T24:00:00Z").ok());
}

TEST_CASE("weekday arithmetic across eras", "[time]") {
    CHECK(date("1970-01-01").iso_weekday() == 4);
    CHECK(date("2026-11-27").iso_weekday() == 5);
    CHECK(date("1900-01-01").iso_weekday() == 1);
    CHECK(CivilDate::from_days(date("1800-01-01").to_days()).iso() == "1800-01-01");
    CHECK(date("2024-03-01").to_days() - date("2024-02-28").to_days() == 2);
}

namespace {

// The lunar month (1-based), day and leap flag of a civil date, asked of ICU in the Gregorian → Chinese direction
// (the library goes the other way), so the two cross-check each other.
struct LunarDay { int month, day; bool leap; };
LunarDay lunar_of(CivilDate d) {
    UErrorCode st = U_ZERO_ERROR;
    std::unique_ptr<icu::Calendar> c(icu::Calendar::createInstance(icu::TimeZone::createTimeZone("GMT+08:00"),
                                                                    icu::Locale("zh_CN@calendar=chinese"), st));
    REQUIRE(U_SUCCESS(st));
    c->setTime(static_cast<UDate>(d.to_days()) * 86'400'000.0 + 4.0 * 3'600'000, st);  // noon at +08:00
    LunarDay out{c->get(UCAL_MONTH, st) + 1, c->get(UCAL_DATE, st), c->get(UCAL_IS_LEAP_MONTH, st) != 0};
    REQUIRE(U_SUCCESS(st));
    return out;
}

}  // namespace

TEST_CASE("years without a notice rest on 春节 (eve to 初六), 清明, 端午 and 中秋 as ICU's Chinese calendar gives them, "
          "provisionally",
          "[calendar][rules]") {
    CHECK_FALSE(cal().is_working_day(date("2027-02-08")));  // 春节 初三, a Monday
    for (int y = 2027; y <= 2036; ++y) {
        INFO(y);
        REQUIRE_FALSE(cal().is_published_year(y));
        int festival_days = 0;
        for (CivilDate d{y, 1, 1}; d.year == y; d = d.plus_days(1)) {
            const LunarDay l = lunar_of(d);
            const LunarDay next = lunar_of(d.plus_days(1));
            const bool spring = (!l.leap && l.month == 1 && l.day <= 6) || (next.month == 1 && next.day == 1 && !next.leap);
            const bool duanwu = !l.leap && l.month == 5 && l.day == 5;
            const bool zhongqiu = !l.leap && l.month == 8 && l.day == 15;
            if (!(spring || duanwu || zhongqiu)) continue;
            INFO(d.iso() << " lunar " << l.month << "-" << l.day);
            ++festival_days;
            CHECK_FALSE(cal().is_working_day(d));
            CHECK_FALSE(cal().holiday_name(d).empty());
            CHECK(cal().working_days_between(d.plus_days(-1), d).provisional);
        }
        CHECK(festival_days >= 9);  // 7 days of 春节 at least within the year, 端午, 中秋
        // 清明: the day the sun reaches 15°, always 4–6 April.
        const CivilDate q = qingming(y);
        CHECK(q.month == 4);
        CHECK(q.day >= 4);
        CHECK(q.day <= 6);
        CHECK_FALSE(cal().is_working_day(q));
        CHECK(cal().holiday_name(q) == "清明节");
    }
    // The solar term for years whose notice is published agrees with the notice (清明 inside the official block).
    for (int y = 2022; y <= 2026; ++y) {
        INFO(y);
        CHECK_FALSE(cal().is_working_day(qingming(y)));
    }
}

TEST_CASE("a between whose counted days are all published is not provisional", "[calendar][rules]") {
    auto r = cal().working_days_between(date("2021-12-31"), date("2022-01-04"));
    CHECK(r.days == 1);
    CHECK_FALSE(r.provisional);
    CHECK(cal().working_days_between(date("2026-12-31"), date("2027-01-04")).provisional);
    CHECK_FALSE(cal().add_working_days(date("2021-12-31"), 1).provisional);
}
