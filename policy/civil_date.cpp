// civil_date.cpp — proleptic Gregorian arithmetic on plain integers (no time_t, no TZ database).
#include "base/civil_date.hpp"

#include <cstdio>

namespace yimen {
namespace {

// The usual 400-year-era conversion between proleptic Gregorian dates and day numbers.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool all_digits(std::string_view s) {
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return !s.empty();
}

int to_int(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

}  // namespace

bool CivilDate::is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int CivilDate::days_in_month(int y, int m) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && is_leap(y)) return 29;
    return kDays[m - 1];
}

bool CivilDate::valid(int y, int m, int d) {
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

std::int64_t CivilDate::to_days() const {
    return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

CivilDate CivilDate::from_days(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return CivilDate{static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

int CivilDate::iso_weekday() const {
    // 1970-01-01 was a Thursday (4).
    const std::int64_t z = to_days();
    return static_cast<int>(((z % 7) + 7 + 3) % 7) + 1;
}

std::string CivilDate::iso() const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    return buf;
}

std::string CivilDate::yymmdd() const {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d%02d%02d", year % 100, month, day);
    return buf;
}

Result<CivilDate> CivilDate::parse(std::string_view t) {
    if (t.size() != 10 || t[4] != '-' || t[7] != '-' || !all_digits(t.substr(0, 4)) ||
        !all_digits(t.substr(5, 2)) || !all_digits(t.substr(8, 2)))
        return Error{"bad_date_format", "日期格式应为 年-月-日，例如 2025-09-22。"};
    const int y = to_int(t.substr(0, 4)), m = to_int(t.substr(5, 2)), d = to_int(t.substr(8, 2));
    if (!valid(y, m, d)) return Error{"bad_date", "没有这一天：" + std::string(t) + "，请核对年、月、日。"};
    return CivilDate{y, m, d};
}

CivilDate county_date_at(UtcMillis t) {
    const std::int64_t local_ms = t + kCountyUtcOffsetSeconds * 1000;
    return CivilDate::from_days(floor_div(local_ms, 86'400'000));
}

std::string format_rfc3339(UtcMillis t) {
    const std::int64_t days = floor_div(t, 86'400'000);
    const std::int64_t ms_of_day = t - days * 86'400'000;
    const CivilDate d = CivilDate::from_days(days);
    const int hh = static_cast<int>(ms_of_day / 3'600'000);
    const int mm = static_cast<int>(ms_of_day / 60'000 % 60);
    const int ss = static_cast<int>(ms_of_day / 1000 % 60);
    const int ms = static_cast<int>(ms_of_day % 1000);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", d.year, d.month, d.day, hh, mm, ss, ms);
    return buf;
}

Result<UtcMillis> parse_rfc3339(std::string_view t) {
    const Error bad{"bad_time", "时间格式应为 RFC 3339 UTC，例如 2026-11-27T07:04:46.123Z。"};
    if (t.size() < 20 || t.back() != 'Z' || t[10] != 'T' || t[13] != ':' || t[16] != ':') return bad;
    auto date = CivilDate::parse(t.substr(0, 10));
    if (!date) return bad;
    auto hh = t.substr(11, 2), mi = t.substr(14, 2), ss = t.substr(17, 2);
    if (!all_digits(hh) || !all_digits(mi) || !all_digits(ss)) return bad;
    int ms = 0;
    std::string_view rest = t.substr(19, t.size() - 20);
    if (!rest.empty()) {
        if (rest[0] != '.' || rest.size() < 2 || rest.size() > 10 || !all_digits(rest.substr(1))) return bad;
        std::string frac(rest.substr(1));
        frac.resize(3, '0');
        ms = to_int(frac);
    }
    const int h = to_int(hh), m = to_int(mi), s = to_int(ss);
    if (h > 23 || m > 59 || s > 59) return bad;
    return date->to_days() * 86'400'000 + (h * 3600 + m * 60 + s) * 1000LL + ms;
}

UtcMillis SystemClock::now_utc_ms() const {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace yimen
