// figure_days.hpp — the day and month aggregates of the figure tables (figure_tables.hpp): recomputing one marked
// (kind, township, day) bucket, or every bucket at once. Internal to figure_tables.cpp and figure_days.cpp.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "county/store.hpp"
#include "county/stats_internal.hpp"

namespace yimen::county::figure_days {

using stats_detail::kDayMs;
using stats_detail::kOffsetMs;
// Above this many marked buckets one GROUP BY per table beats a few statements per bucket.
constexpr std::size_t kBulkDays = 3'000;

Status run(Store& store, const std::string& sql, const std::vector<SqlParam>& params = {});
// yyyymm of a civil day number.
std::int64_t month_key(std::int64_t day);

// One bucket: kind is decided, spans, acceptance, submitted, rating or quiz; `core` the quiz's core question ids.
Status refresh_day(Store& store, const std::string& kind, const std::string& township, std::int64_t day,
                   const std::vector<std::string>& core);
// The month's sums from its days (decided and rating keep monthly tables).
Status refresh_month(Store& store, const std::string& kind, const std::string& township, std::int64_t month);
// Every day and month of every kind, one GROUP BY per table.
Status refresh_all_days(Store& store, const std::vector<std::string>& core);

}  // namespace yimen::county::figure_days
