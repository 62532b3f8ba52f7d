// lunar.hpp — the lunar festivals of years whose holiday notice is not yet published, computed, not tabulated:
// 春节, 端午 and 中秋 from ICU's Chinese calendar, 清明 from the sun's apparent longitude (15°). Civil dates at +08:00.
#pragma once
#include <optional>

#include "base/civil_date.hpp"

namespace yimen {

// The Gregorian civil date of lunar month/day (not a leap month) in the Chinese year that begins in Gregorian `year`
// (春节 = lunar_to_civil(year, 1, 1)). nullopt when ICU cannot answer.
std::optional<CivilDate> lunar_to_civil(int year, int lunar_month, int lunar_day);

// The civil date (+08:00) on which the sun reaches apparent ecliptic longitude `degrees` in `year`, searched around
// `near` (清明: 15°, near April 5). Low-precision solar theory (about a minute of arc): enough for the day.
CivilDate solar_term_date(double degrees, CivilDate near);
inline CivilDate qingming(int year) { return solar_term_date(15.0, CivilDate{year, 4, 5}); }

}  // namespace yimen
