// civil_date.hpp — calendar dates in the county's time zone and UTC instants.
// Civil dates ("today", deadlines, receipt numbers) use a fixed +08:00 offset and never the process's TZ.
#pragma once
#include <atomic>
#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace yimen {

// The county's offset from UTC. Asia/Shanghai has had no daylight saving since 1991.
inline constexpr std::int64_t kCountyUtcOffsetSeconds = 8 * 3600;

struct CivilDate {
    int year = 1970;
    int month = 1;
    int day = 1;

    auto operator<=>(const CivilDate&) const = default;

    // Days since 1970-01-01 (negative before).
    std::int64_t to_days() const;
    static CivilDate from_days(std::int64_t days);
    // 1 = Monday … 7 = Sunday (ISO).
    int iso_weekday() const;
    CivilDate plus_days(std::int64_t n) const { return from_days(to_days() + n); }
    std::string iso() const;  // YYYY-MM-DD
    std::string yymmdd() const;

    static bool valid(int y, int m, int d);
    static int days_in_month(int y, int m);
    static bool is_leap(int y);
    // Strict YYYY-MM-DD.
    static Result<CivilDate> parse(std::string_view text);
};

// Milliseconds since the Unix epoch, UTC.
using UtcMillis = std::int64_t;

// The civil date in the county (+08:00) at a UTC instant.
CivilDate county_date_at(UtcMillis t);
// RFC 3339 UTC with milliseconds and Z: 2026-11-27T07:04:46.123Z
std::string format_rfc3339(UtcMillis t);
// Accepts the format above, with or without fractional seconds, Z only.
Result<UtcMillis> parse_rfc3339(std::string_view text);

// The clock is an interface so that tests and the kiosk can pin "now".
class Clock {
public:
    virtual ~Clock() = default;
    virtual UtcMillis now_utc_ms() const = 0;
    CivilDate today() const { return county_date_at(now_utc_ms()); }
};

class SystemClock final : public Clock {
public:
    UtcMillis now_utc_ms() const override;
};

class FixedClock final : public Clock {
public:
    explicit FixedClock(UtcMillis t) : t_(t) {}
    UtcMillis now_utc_ms() const override { return t_.load(); }
    void set(UtcMillis t) { t_ = t; }

private:
    std::atomic<UtcMillis> t_;  // workers read it while a test moves it
};

}  // namespace yimen
