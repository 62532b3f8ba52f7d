// lunar.cpp — ICU's Chinese calendar for the lunar festivals; a short solar theory for 清明.
#include "policy/lunar.hpp"

#include <cmath>
#include <memory>

#include <unicode/calendar.h>
#include <unicode/locid.h>
#include <unicode/timezone.h>

namespace yimen {
namespace {

constexpr double kMsPerDay = 86'400'000.0;
constexpr std::int64_t kOffsetMs = 8LL * 3'600'000;  // civil time is UTC+08:00

CivilDate civil_of_utc_ms(double ms) {
    const auto local = static_cast<std::int64_t>(std::floor(ms)) + kOffsetMs;
    const std::int64_t days = local >= 0 ? local / 86'400'000 : -((-local + 86'399'999) / 86'400'000);
    return CivilDate::from_days(days);
}

double utc_ms_of_civil_noon(CivilDate d) {
    return static_cast<double>(d.to_days()) * kMsPerDay + 4.0 * 3'600'000;  // 12:00 at +08:00
}

// Apparent geocentric ecliptic longitude of the sun in degrees [0, 360) at a Julian day (Meeus, ch. 25, low accuracy).
double sun_longitude(double jd) {
    const double t = (jd - 2451545.0) / 36525.0;
    const double rad = 3.14159265358979323846 / 180.0;
    const double l0 = 280.46646 + 36000.76983 * t + 0.0003032 * t * t;
    const double m = (357.52911 + 35999.05029 * t - 0.0001537 * t * t) * rad;
    const double c = (1.914602 - 0.004817 * t - 0.000014 * t * t) * std::sin(m) +
                     (0.019993 - 0.000101 * t) * std::sin(2 * m) + 0.000289 * std::sin(3 * m);
    const double omega = (125.04 - 1934.136 * t) * rad;
    const double lambda = l0 + c - 0.00569 - 0.00478 * std::sin(omega);
    return std::fmod(std::fmod(lambda, 360.0) + 360.0, 360.0);
}

}  // namespace

std::optional<CivilDate> lunar_to_civil(int year, int lunar_month, int lunar_day) {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone("GMT+08:00"));
    std::unique_ptr<icu::Calendar> cal(
        icu::Calendar::createInstance(zone.release(), icu::Locale("zh_CN@calendar=chinese"), status));
    if (U_FAILURE(status) || !cal) return std::nullopt;
    // 1 July always lies in the Chinese year that began in the same Gregorian year (春节 falls 21 Jan – 20 Feb).
    cal->setTime(utc_ms_of_civil_noon(CivilDate{year, 7, 1}), status);
    const int extended = cal->get(UCAL_EXTENDED_YEAR, status);
    if (U_FAILURE(status)) return std::nullopt;
    cal->clear();
    cal->set(UCAL_EXTENDED_YEAR, extended);
    cal->set(UCAL_MONTH, lunar_month - 1);
    cal->set(UCAL_IS_LEAP_MONTH, 0);
    cal->set(UCAL_DATE, lunar_day);
    cal->set(UCAL_HOUR_OF_DAY, 12);
    const UDate t = cal->getTime(status);
    if (U_FAILURE(status)) return std::nullopt;
    return civil_of_utc_ms(t);
}

CivilDate solar_term_date(double degrees, CivilDate near) {
    // Bisect over ±10 days around `near`; the longitude rises about 1° a day, so the bracket holds one crossing.
    const double jd_near = (utc_ms_of_civil_noon(near) / kMsPerDay) + 2440587.5;
    double lo = jd_near - 10, hi = jd_near + 10;
    auto ahead = [&](double jd) {  // signed distance past the target, in (−180, 180]
        double d = sun_longitude(jd) - degrees;
        while (d <= -180) d += 360;
        while (d > 180) d -= 360;
        return d;
    };
    for (int i = 0; i < 60; ++i) {
        const double mid = (lo + hi) / 2;
        (ahead(mid) < 0 ? lo : hi) = mid;
    }
    return civil_of_utc_ms((hi - 2440587.5) * kMsPerDay);
}

}  // namespace yimen
